package report

import (
	"context"
	"fmt"
	"sync"

	"github.com/sharpeyes/sharpeyes/store"
)

// probeMask says which cameras of the current snapshot have a probe time,
// from the store's probe index (store/probed.go), so that the summary
// counts never-probed cameras of any selection without reading statuses.
// A camera enters the index on its first probe and leaves it only when
// deleted (a new snapshot), so the mask is read again only when the
// snapshot or the index's size changes: after the first sweep of new
// cameras it is read once per inventory change. Stale cameras need no
// mask: the index hands them out by score.
type probeMask struct {
	mu    sync.Mutex
	built bool // the store's index was built from older statuses
	snap  *store.Snapshot
	card  int64  // the index's size when has was read
	has   []bool // by snapshot index; replaced, never changed
	// fullReads counts reads of the whole index, for tests and logs.
	fullReads int
}

// ensureBuilt builds the store's probe index from the statuses written
// before it existed, once per process.
func (m *probeMask) ensureBuilt(ctx context.Context, s *store.Store) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.built {
		return nil
	}
	if err := s.BuildProbeIndex(ctx); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	m.built = true
	return nil
}

// get returns the mask of snap given the index's size card as just read.
func (m *probeMask) get(ctx context.Context, s *store.Store, snap *store.Snapshot, card int64) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.has != nil && m.snap == snap && m.card == card {
		return m.has, nil
	}
	ids, err := s.ProbedIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	has := make([]bool, snap.Len())
	for _, id := range ids {
		if i, ok := snap.Index(id); ok {
			has[i] = true
		}
	}
	m.snap, m.card, m.has = snap, int64(len(ids)), has
	m.fullReads++
	return has, nil
}

// openOutages keeps the cameras with an open outage (snapshot indexes)
// under the state version they were read at.
type openOutages struct {
	mu   sync.Mutex
	ver  store.StateVersion
	snap *store.Snapshot
	idx  []int32 // replaced, never changed
	read bool
}

// get returns the snapshot indexes of the cameras of snap with an open
// outage, reading them again only when ver or snap differ from those held.
func (o *openOutages) get(ctx context.Context, s *store.Store, snap *store.Snapshot, ver store.StateVersion) ([]int32, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.read && o.ver == ver && o.snap == snap {
		return o.idx, nil
	}
	ids, ver, err := s.OpenOutageIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	idx := make([]int32, 0, len(ids))
	for _, id := range ids {
		if i, ok := snap.Index(id); ok {
			idx = append(idx, int32(i))
		}
	}
	o.ver, o.snap, o.idx, o.read = ver, snap, idx, true
	return idx, nil
}
