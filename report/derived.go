package report

import (
	"math"
	"sync"
	"time"

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
	active     spanTable // by snapshot index; shared, read-only

	knownSnap *store.Snapshot
	knownVer  histVersion
	known     spanTable // by snapshot index; shared, read-only

	idSnap  *store.Snapshot
	idLoads int
	idIndex []int32 // outage camera index -> snapshot index, -1 when absent
}

// spanTable holds the spans of every camera of a snapshot in one array:
// camera i's are flat[off[i]:off[i+1]]. A slice per camera cost 24 bytes
// of header and an allocation each (40 MB for a 500,000-camera province's
// active and known spans).
type spanTable struct {
	flat []Span
	off  []uint32
}

// at returns the spans of camera i; the caller must not modify them.
func (t spanTable) at(i int) Spans {
	s := t.flat[t.off[i]:t.off[i+1]]
	if len(s) == 0 {
		return nil
	}
	return s[:len(s):len(s)]
}

// newSpanTable returns a table of n cameras, with room for spans spans.
func newSpanTable(n, spans int) spanTable {
	return spanTable{flat: make([]Span, 0, spans), off: make([]uint32, 1, n+1)}
}

// add appends the spans of the next camera.
func (t *spanTable) add(s Spans) {
	t.flat = append(t.flat, s...)
	t.off = append(t.off, uint32(len(t.flat)))
}

// activeSpans returns every snapshot camera's active spans for the
// lifecycle history es of version v.
func (d *derived) activeSpans(snap *store.Snapshot, es []entry[lifeChange], v histVersion) spanTable {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.activeSnap == snap && d.activeVer == v {
		return d.active
	}
	changes := bucket(snap.Len(), len(es), func(yield func(int, entry[lifeChange])) {
		for _, e := range es {
			i, ok := snap.Index(e.v.cam)
			if !ok {
				i = -1
			}
			yield(i, e)
		}
	})
	active := newSpanTable(snap.Len(), snap.Len())
	var buf []sharpeyes.LifecycleChange
	for i := range snap.Len() {
		buf = buf[:0]
		for _, e := range changes[i] {
			buf = append(buf, e.v.change(e.ms))
		}
		active.add(ActiveSpans(buf, snap.Lifecycle(i)))
	}
	d.activeSnap, d.activeVer, d.active = snap, v, active
	return active
}

// neverKnown marks a camera without a first-known time.
const neverKnown = math.MinInt64

// knownSpans returns every snapshot camera's known spans for the
// first-known history es (camera ids scored by their first-known time)
// of version v.
func (d *derived) knownSpans(snap *store.Snapshot, es []entry[string], v histVersion) spanTable {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.knownSnap == snap && d.knownVer == v {
		return d.known
	}
	since := make([]int64, snap.Len()) // unix ms; neverKnown for none
	for i := range since {
		since[i] = neverKnown
	}
	for _, e := range es {
		if i, ok := snap.Index(e.v); ok {
			since[i] = e.ms
		}
	}
	known := newSpanTable(snap.Len(), len(es))
	for _, ms := range since {
		if ms == neverKnown {
			known.add(nil)
			continue
		}
		known.add(KnownSpans(time.UnixMilli(ms)))
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
