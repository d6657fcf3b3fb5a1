package report

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// selection is the cameras of one inventory snapshot that match a filter.
// It is shared between requests and must not be modified.
type selection struct {
	snap *store.Snapshot
	idx  []int32 // snapshot index of each camera, in id order
	lcs  []uint8 // lifecycle code of each camera
	pos  []int32 // snapshot index -> position in cams, -1 when left out

	mu        sync.Mutex
	groupings map[groupSpec]*grouping
	counts    *summaryCounts // the last summary's counts (summary.go)
}

// fleet is a selection with the live states of the snapshot's cameras.
type fleet struct {
	*selection
	codes []uint8 // state code by snapshot index; shared, read-only
}

// st returns the state code of camera i of the fleet.
func (fl *fleet) st(i int) uint8 { return fl.codes[fl.idx[i]] }

// state returns the state of camera i of the fleet.
func (fl *fleet) state(i int) sharpeyes.State { return sharpeyes.States[fl.st(i)] }

// len returns the number of cameras selected.
func (sel *selection) len() int { return len(sel.idx) }

// at returns where the camera of snapshot index i sits in fl.idx, or -1
// (also for i = -1).
func (fl *fleet) at(i int32) int {
	if i < 0 {
		return -1
	}
	return int(fl.pos[i])
}

// position returns where the camera with id sits in fl.idx, or -1.
func (fl *fleet) position(id string) int {
	i, ok := fl.snap.Index(id)
	if !ok {
		return -1
	}
	return int(fl.pos[i])
}

// Codes of lifecycles and states: their index in sharpeyes.Lifecycles and
// sharpeyes.States (whose first three are the store's known states).
const (
	lcPlanned, lcBuilding, lcActive, lcRetired uint8 = 0, 1, 2, 3
	stUp, stDegraded, stDown, stUnknown        uint8 = 0, 1, 2, 3
)

func codeOf[T comparable](v T, all []T) uint8 {
	for i, x := range all {
		if x == v {
			return uint8(i)
		}
	}
	return uint8(len(all))
}

// stateCode returns the code of a state, unknown for anything else.
func stateCode(s sharpeyes.State) uint8 { return min(codeOf(s, sharpeyes.States), stUnknown) }

func selectCameras(snap *store.Snapshot, codes []uint8, f sharpeyes.Filter) *selection {
	sel := &selection{snap: snap, pos: make([]int32, snap.Len())}
	want := stateCode(f.State)
	all := f == (sharpeyes.Filter{})
	for i := range snap.Len() {
		sel.pos[i] = -1
		if (all || snap.Match(i, f)) && (f.State == "" || codes[i] == want) {
			sel.pos[i] = int32(len(sel.idx))
			sel.idx = append(sel.idx, int32(i))
			sel.lcs = append(sel.lcs, codeOf(snap.Lifecycle(i), sharpeyes.Lifecycles))
		}
	}
	return sel
}

// groupSpec is how cameras are grouped.
type groupSpec struct {
	by    GroupBy
	level int
}

// grouping assigns each camera of a selection its group: keys in order,
// and of[i] the index in keys of camera i's group.
type grouping struct {
	keys []string
	of   []int32
}

// grouping returns (and keeps) how q groups the selection's cameras.
func (sel *selection) grouping(q Query) *grouping {
	spec := groupSpec{q.GroupBy, q.level()}
	sel.mu.Lock()
	defer sel.mu.Unlock()
	if g, ok := sel.groupings[spec]; ok {
		return g
	}
	index := make(map[string]int32)
	g := &grouping{of: make([]int32, sel.len())}
	for i, j := range sel.idx {
		k := q.key(sel.snap, int(j))
		n, ok := index[k]
		if !ok {
			n = int32(len(g.keys))
			index[k] = n
			g.keys = append(g.keys, k)
		}
		g.of[i] = n
	}
	sorted := slices.Sorted(slices.Values(g.keys))
	order := make([]int32, len(g.keys)) // first-seen index -> sorted index
	for i, k := range sorted {
		order[index[k]] = int32(i)
	}
	for i, n := range g.of {
		g.of[i] = order[n]
	}
	g.keys = sorted
	if sel.groupings == nil {
		sel.groupings = make(map[groupSpec]*grouping)
	}
	sel.groupings[spec] = g
	return g
}

// load returns the cameras matching f (its State too) with their states,
// from the fleet cache (see states.go).
func (r *Reporter) load(ctx context.Context, f sharpeyes.Filter) (*fleet, error) {
	snap, err := r.store.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("report inventory: %w", err)
	}
	ver, err := r.store.StateVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("report states: %w", err)
	}
	c := &r.fleets
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != snap {
		c.snap, c.codes, c.sels = snap, nil, make(map[sharpeyes.Filter]*selection)
	}
	if c.codes == nil || c.ver != ver {
		if err := c.refresh(ctx, r.store, r.log); err != nil {
			return nil, err
		}
	}
	sels := c.sels
	if f.State != "" {
		sels = c.stateSels
	}
	sel, ok := sels[f]
	if !ok {
		sel = selectCameras(snap, c.codes, f)
		if len(sels) >= maxSelections {
			clear(sels)
		}
		sels[f] = sel
	}
	return &fleet{selection: sel, codes: c.codes}, nil
}
