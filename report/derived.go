package report

import (
	"sync"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// derived keeps what the availability report derives from the histories
// for the whole inventory, for as long as neither the snapshot nor the
// history changes: every camera's active spans, and the snapshot index of
// every camera id interned by the outage cache.
type derived struct {
	mu sync.Mutex

	activeSnap *store.Snapshot
	activeVer  histVersion
	active     []Spans // by snapshot index; shared, read-only

	knownSnap *store.Snapshot
	knownVer  histVersion
	known     []Spans // by snapshot index; shared, read-only

	idSnap  *store.Snapshot
	idLoads int
	idIndex []int32 // outage camera index -> snapshot index, -1 when absent
}

// activeSpans returns every snapshot camera's active spans for the
// lifecycle history es of version v.
func (d *derived) activeSpans(snap *store.Snapshot, es []entry[sharpeyes.LifecycleChange], v histVersion) []Spans {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.activeSnap == snap && d.activeVer == v {
		return d.active
	}
	changes := bucket(snap.Len(), len(es), func(yield func(int, sharpeyes.LifecycleChange)) {
		for _, e := range es {
			i, ok := snap.Index(e.v.CameraID)
			if !ok {
				i = -1
			}
			yield(i, e.v)
		}
	})
	active := make([]Spans, snap.Len())
	for i := range active {
		active[i] = ActiveSpans(changes[i], snap.Lifecycle(i))
	}
	d.activeSnap, d.activeVer, d.active = snap, v, active
	return active
}

// knownSpans returns every snapshot camera's known spans for the
// first-known history es of version v.
func (d *derived) knownSpans(snap *store.Snapshot, es []entry[store.KnownRecord], v histVersion) []Spans {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.knownSnap == snap && d.knownVer == v {
		return d.known
	}
	known := make([]Spans, snap.Len())
	for _, e := range es {
		if i, ok := snap.Index(e.v.CameraID); ok {
			known[i] = KnownSpans(e.v.Since)
		}
	}
	d.knownSnap, d.knownVer, d.known = snap, v, known
	return known
}

// snapshotIndex returns, for each camera id the outage cache interned
// (ids, of full-load generation loads), its index in snap or -1. Call it
// under the outage history's read lock, which keeps ids from growing.
func (d *derived) snapshotIndex(snap *store.Snapshot, ids []string, loads int) []int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.idSnap != snap || d.idLoads != loads {
		d.idSnap, d.idLoads, d.idIndex = snap, loads, nil
	}
	for k := len(d.idIndex); k < len(ids); k++ {
		i, ok := snap.Index(ids[k])
		if !ok {
			i = -1
		}
		d.idIndex = append(d.idIndex, int32(i))
	}
	return d.idIndex[:len(ids)]
}

// bucket groups the items that each yields with a camera position (-1 to
// skip) into one slice per camera, in the order yielded, with two passes
// over each and a single allocation instead of a slice growing per camera.
func bucket[T any](cams, hint int, each func(yield func(int, T))) [][]T {
	counts := make([]int32, cams)
	where := make([]int32, 0, hint)
	each(func(i int, _ T) {
		where = append(where, int32(i))
		if i >= 0 {
			counts[i]++
		}
	})
	out := make([][]T, cams)
	var total int32
	for _, n := range counts {
		total += n
	}
	buf := make([]T, total)
	var off int32
	for i, n := range counts {
		out[i] = buf[off : off : off+n]
		off += n
	}
	k := 0
	each(func(_ int, v T) {
		if i := where[k]; i >= 0 {
			out[i] = append(out[i], v)
		}
		k++
	})
	return out
}
