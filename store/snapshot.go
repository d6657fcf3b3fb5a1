package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Snapshot is the whole inventory at one version, sorted by id, in the
// compact form of snapshot_rows.go: read a camera's fields with the
// accessors (ID, Region, …) or build its record with Camera or Get. It is
// shared between callers and never modified.
type Snapshot struct {
	Version string
	texts   [Partitions]string // ids, names and hosts (see row)
	rows    []row
	dict    []string // shared values of rows; 0 is ""
	enums   []string // probe kinds, owners and lifecycles
	extras  []extra
	slots   []int32 // index by id (buildIndex)

	// selections caches filter results (without State) for this version:
	// paging through a list, or dashboards polling the same report, repeat
	// the same filter many times between inventory writes.
	mu         sync.Mutex
	selections map[sharpeyes.Filter][]int32
}

// maxSelections bounds the filter cache of one snapshot.
const maxSelections = 256

// selection returns the indexes of the cameras matching f (whose State
// must be empty), computing and caching them on first use.
func (sn *Snapshot) selection(f sharpeyes.Filter) []int32 {
	sn.mu.Lock()
	sel, ok := sn.selections[f]
	sn.mu.Unlock()
	if ok {
		return sel
	}
	if f == (sharpeyes.Filter{}) {
		sel = make([]int32, len(sn.rows))
		for i := range sel {
			sel[i] = int32(i)
		}
	} else {
		sel = make([]int32, 0, 64)
		for i := range sn.rows {
			if sn.Match(i, f) {
				sel = append(sel, int32(i))
			}
		}
	}
	sn.mu.Lock()
	if len(sn.selections) >= maxSelections {
		clear(sn.selections)
	}
	sn.selections[f] = sel
	sn.mu.Unlock()
	return sel
}

// Get returns the record of the camera with id (the caller's own copy).
func (sn *Snapshot) Get(id string) (*sharpeyes.Camera, bool) {
	i, ok := sn.Index(id)
	if !ok {
		return nil, false
	}
	c := sn.Camera(i)
	return &c, true
}

// Index returns the position of the camera with id.
func (sn *Snapshot) Index(id string) (int, bool) {
	if len(sn.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(sn.slots) - 1)
	for h := maphash.String(indexSeed, id) & mask; ; h = (h + 1) & mask {
		i := sn.slots[h] - 1
		if i < 0 {
			return 0, false
		}
		if sn.ID(int(i)) == id {
			return int(i), true
		}
	}
}

// indexSeed seeds the hash of every snapshot's index in this process.
var indexSeed = maphash.MakeSeed()

// buildIndex fills sn.slots: an open-addressing hash table (linear
// probing, at most half full) of row index + 1 by id, 4 to 8 bytes per
// camera where a map[string]int cost 47, and as fast (reports look up
// every camera of a state read or of a history).
func (sn *Snapshot) buildIndex() {
	size := 1
	for size < 2*len(sn.rows) {
		size <<= 1
	}
	sn.slots = make([]int32, size)
	mask := uint64(size - 1)
	for i := range sn.rows {
		h := maphash.String(indexSeed, sn.ID(i)) & mask
		for sn.slots[h] != 0 {
			h = (h + 1) & mask
		}
		sn.slots[h] = int32(i + 1)
	}
}

// snapshotCache keeps the last loaded snapshot. Reading 100,000 cameras
// takes a few hundred milliseconds, but checking whether the inventory
// changed is one GET, so lists and reports filter in memory and reload only
// after a write (by any replica), and then only the partitions whose own
// version changed.
type snapshotCache struct {
	mu    sync.Mutex
	snap  *Snapshot
	parts [Partitions]partState
	// loads counts the partitions read from Redis by snapshots and
	// partition caches (see PartitionLoads).
	loads atomic.Int64
}

// partState is what the cache knows of one partition: the version it was
// read at.
type partState struct {
	loaded bool
	ver    string
}

// PartitionLoads returns how many partitions snapshots and partition
// caches (NewPartitionCache) have read from Redis since the store was made:
// one edit costs a replica one partition, and a collector that probes a
// few partitions reads only those.
func (s *Store) PartitionLoads() int64 { return s.snap.loads.Load() }

// Snapshot returns the current inventory, reloading it from Redis only when
// its version token changed since the last call: then it reads every
// partition's version and only the partitions whose version changed.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	ver, err := s.rdb.Get(ctx, keyVersion).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read inventory version: %w", err)
	}
	s.snap.mu.Lock()
	defer s.snap.mu.Unlock()
	if s.snap.snap != nil && s.snap.snap.Version == ver && ver != "" {
		return s.snap.snap, nil
	}
	snap, err := s.loadSnapshot(ctx, ver)
	if err != nil {
		return nil, err
	}
	s.snap.snap = snap
	return snap, nil
}

func (s *Store) loadSnapshot(ctx context.Context, ver string) (*Snapshot, error) {
	var vers [Partitions]*redis.StringCmd
	var sizes [Partitions]*redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			vers[i] = p.Get(ctx, parts[i].ver)
			sizes[i] = p.HLen(ctx, parts[i].cam)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read inventory versions: %w", err)
	}
	old := s.snap.snap
	next := s.snap.parts
	total := 0
	for i := range sizes {
		total += int(sizes[i].Val())
	}
	var keep [Partitions]bool
	for i := range parts {
		keep[i] = old != nil && next[i].loaded && next[i].ver == vers[i].Val()
	}
	b := newBuilder(old, total)
	if old != nil {
		for i := range old.rows {
			if keep[old.rows[i].part] {
				if err := b.copyRow(old, i); err != nil {
					return nil, err
				}
			}
		}
	}
	for i := range parts {
		if keep[i] {
			continue
		}
		if err := s.loadPartition(ctx, i, b); err != nil {
			return nil, err
		}
		b.endPartition(i)
		s.snap.loads.Add(1)
		next[i] = partState{loaded: true, ver: vers[i].Val()}
	}
	snap := &Snapshot{Version: ver, texts: b.texts, rows: b.rows, dict: b.dict.list, enums: b.enums.list, extras: b.extras,
		selections: make(map[sharpeyes.Filter][]int32)}
	// Read in partition order, then put into id order in place by
	// following the permutation's cycles: each row moves once and no
	// second array of the whole inventory is needed.
	order := make([]int32, len(snap.rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(snap.ID(int(a)), snap.ID(int(b))) })
	permute(snap.rows, order)
	snap.buildIndex()
	s.snap.parts = next
	return snap, nil
}

// permute puts rows into the order order gives (rows[i] becomes the old
// rows[order[i]]), moving each element once; order is left as it was.
func permute[T any](rows []T, order []int32) {
	done := make([]bool, len(rows))
	for start := range rows {
		if done[start] || int(order[start]) == start {
			continue
		}
		tmp := rows[start]
		j := start
		for {
			done[j] = true
			k := int(order[j])
			if k == start {
				rows[j] = tmp
				break
			}
			rows[j] = rows[k]
			j = k
		}
	}
}

// loadPartition adds the cameras of partition pi to b.
func (s *Store) loadPartition(ctx context.Context, pi int, b *builder) error {
	return s.scanPartition(ctx, pi, func(c *sharpeyes.Camera) error { return b.add(c, pi) })
}

// scanPartition calls each with every camera of partition pi, decoded into
// a record each may keep.
func (s *Store) scanPartition(ctx context.Context, pi int, each func(*sharpeyes.Camera) error) error {
	seen := make(map[string]struct{})
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, parts[pi].cam, cursor, "*", 2000).Result()
		if err != nil {
			return fmt.Errorf("scan inventory: %w", err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if _, dup := seen[kv[i]]; dup {
				continue // HSCAN may return an element twice
			}
			seen[kv[i]] = struct{}{}
			c := new(sharpeyes.Camera)
			if err := json.Unmarshal([]byte(kv[i+1]), c); err != nil {
				return fmt.Errorf("decode camera %q: %w", kv[i], err)
			}
			if err := each(c); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// Select returns the records of the cameras of the current inventory that
// match f, including its State (read from the status sets), in id order.
// It builds every record it returns: lists read a page with List, exports
// one record at a time with SelectLazy.
func (s *Store) Select(ctx context.Context, f sharpeyes.Filter) ([]*sharpeyes.Camera, error) {
	snap, sel, err := s.selectIndexes(ctx, f)
	if err != nil {
		return nil, err
	}
	return records(snap, sel), nil
}

// Selected is a selection of cameras whose records are built only as they
// are read: an export of a province's 500,000 cameras holds one record at
// a time instead of all of them.
type Selected struct {
	snap *Snapshot
	sel  []int32
}

// SelectLazy is Select without building the records: read them with
// All.
func (s *Store) SelectLazy(ctx context.Context, f sharpeyes.Filter) (Selected, error) {
	snap, sel, err := s.selectIndexes(ctx, f)
	if err != nil {
		return Selected{}, err
	}
	return Selected{snap: snap, sel: sel}, nil
}

// Len returns how many cameras were selected.
func (s Selected) Len() int { return len(s.sel) }

// All yields the records of the selected cameras in id order, each built
// when it is yielded (and the caller's to keep).
func (s Selected) All() iter.Seq[*sharpeyes.Camera] {
	return func(yield func(*sharpeyes.Camera) bool) {
		for _, i := range s.sel {
			c := s.snap.Camera(int(i))
			if !yield(&c) {
				return
			}
		}
	}
}

// records builds the records of the cameras at the indexes sel.
func records(snap *Snapshot, sel []int32) []*sharpeyes.Camera {
	out := make([]*sharpeyes.Camera, len(sel))
	cams := make([]sharpeyes.Camera, len(sel))
	for k, i := range sel {
		cams[k] = snap.Camera(int(i))
		out[k] = &cams[k]
	}
	return out
}

// selectIndexes returns the snapshot and the indexes in it of the cameras
// that match f, State included. The slice may be shared: never modify it.
func (s *Store) selectIndexes(ctx context.Context, f sharpeyes.Filter) (*Snapshot, []int32, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	var inState func(id string) bool
	if f.State != "" {
		inState, err = s.stateMatcher(ctx, f.State)
		if err != nil {
			return nil, nil, err
		}
	}
	f.State = ""
	sel := snap.selection(f)
	if inState == nil {
		return snap, sel, nil
	}
	out := make([]int32, 0, len(sel)/4)
	for _, i := range sel {
		if inState(snap.ID(int(i))) {
			out = append(out, i)
		}
	}
	return snap, out, nil
}

// Page is one page of a camera list.
type Page struct {
	Cameras    []*sharpeyes.Camera
	NextCursor string
}

// List returns up to limit cameras matching f with ids after cursor (the
// last id of the previous page; empty for the first page). Only the page's
// records are built.
func (s *Store) List(ctx context.Context, f sharpeyes.Filter, limit int, cursor string) (Page, error) {
	snap, all, err := s.selectIndexes(ctx, f)
	if err != nil {
		return Page{}, err
	}
	start := sort.Search(len(all), func(i int) bool { return snap.ID(int(all[i])) > cursor })
	end := min(start+limit, len(all))
	p := Page{Cameras: records(snap, all[start:end])}
	if end < len(all) && end > start {
		p.NextCursor = snap.ID(int(all[end-1]))
	}
	return p, nil
}

func (s *Store) stateMatcher(ctx context.Context, st sharpeyes.State) (func(string) bool, error) {
	switch st {
	case sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown:
		si := slices.Index(knownStates, st)
		ids, err := s.fanOutStrings(ctx, func(p redis.Pipeliner, k *partKeys) *redis.StringSliceCmd {
			return p.SMembers(ctx, k.state[si])
		})
		if err != nil {
			return nil, fmt.Errorf("read %s cameras: %w", st, err)
		}
		set := make(map[string]struct{}, len(ids))
		for _, id := range ids {
			set[id] = struct{}{}
		}
		return func(id string) bool { _, ok := set[id]; return ok }, nil
	case sharpeyes.StateUnknown:
		cmds, err := s.readStateSets(ctx)
		if err != nil {
			return nil, fmt.Errorf("read known cameras: %w", err)
		}
		known := make(map[string]struct{})
		for i := range cmds {
			for _, c := range cmds[i] {
				for _, id := range c.Val() {
					known[id] = struct{}{}
				}
			}
		}
		return func(id string) bool { _, ok := known[id]; return !ok }, nil
	}
	return nil, fmt.Errorf("unknown state %q", st)
}
