package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unique"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Snapshot is the whole inventory at one version, sorted by id. It is
// shared between callers and must not be modified.
type Snapshot struct {
	Version string
	Cameras []sharpeyes.Camera
	index   map[string]int

	// selections caches filter results (without State) for this version:
	// paging through a list, or dashboards polling the same report, repeat
	// the same filter many times between inventory writes.
	mu         sync.Mutex
	selections map[sharpeyes.Filter][]*sharpeyes.Camera
}

// maxSelections bounds the filter cache of one snapshot.
const maxSelections = 256

// selection returns the cameras matching f (whose State must be empty),
// computing and caching them on first use.
func (sn *Snapshot) selection(f sharpeyes.Filter) []*sharpeyes.Camera {
	sn.mu.Lock()
	sel, ok := sn.selections[f]
	sn.mu.Unlock()
	if ok {
		return sel
	}
	sel = make([]*sharpeyes.Camera, 0, 64)
	for i := range sn.Cameras {
		if c := &sn.Cameras[i]; f.Match(c) {
			sel = append(sel, c)
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

// Get returns the camera with id from the snapshot.
func (sn *Snapshot) Get(id string) (*sharpeyes.Camera, bool) {
	i, ok := sn.index[id]
	if !ok {
		return nil, false
	}
	return &sn.Cameras[i], true
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
// read at and its camera ids.
type partState struct {
	loaded bool
	ver    string
	ids    []string
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
	// Sized once: growing it by appending would leave up to one more
	// whole copy of the inventory behind for the collector.
	total := 0
	for i := range sizes {
		total += int(sizes[i].Val())
	}
	loaded := make([]sharpeyes.Camera, 0, total+total/64+16)
	for i := range parts {
		pv := vers[i].Val()
		if next[i].loaded && next[i].ver == pv && old != nil {
			for _, id := range next[i].ids {
				loaded = append(loaded, old.Cameras[old.index[id]])
			}
			continue
		}
		start := len(loaded)
		if loaded, err = s.loadPartition(ctx, &parts[i], loaded); err != nil {
			return nil, err
		}
		s.snap.loads.Add(1)
		ids := make([]string, 0, len(loaded)-start)
		for _, c := range loaded[start:] {
			ids = append(ids, c.ID)
		}
		next[i] = partState{loaded: true, ver: pv, ids: ids}
	}
	// Decoded in partition order, then put into id order in place by
	// following the permutation's cycles: each 264-byte struct moves once
	// (sorting them would move each log n times) and no second array of
	// the whole inventory is needed.
	order := make([]int32, len(loaded))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(loaded[a].ID, loaded[b].ID) })
	permute(loaded, order)
	snap := &Snapshot{Version: ver, Cameras: loaded,
		index: make(map[string]int, len(loaded)), selections: make(map[sharpeyes.Filter][]*sharpeyes.Camera)}
	for i := range snap.Cameras {
		snap.index[snap.Cameras[i].ID] = i
	}
	s.snap.parts = next
	return snap, nil
}

// permute puts cams into the order order gives (cams[i] becomes the old
// cams[order[i]]), moving each element once; order is left as it was.
func permute(cams []sharpeyes.Camera, order []int32) {
	done := make([]bool, len(cams))
	for start := range cams {
		if done[start] || int(order[start]) == start {
			continue
		}
		tmp := cams[start]
		j := start
		for {
			done[j] = true
			k := int(order[j])
			if k == start {
				cams[j] = tmp
				break
			}
			cams[j] = cams[k]
			j = k
		}
	}
}

// loadPartition appends the cameras of one partition to loaded.
func (s *Store) loadPartition(ctx context.Context, k *partKeys, loaded []sharpeyes.Camera) ([]sharpeyes.Camera, error) {
	seen := make(map[string]struct{})
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, k.cam, cursor, "*", 2000).Result()
		if err != nil {
			return nil, fmt.Errorf("scan inventory: %w", err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if _, dup := seen[kv[i]]; dup {
				continue // HSCAN may return an element twice
			}
			seen[kv[i]] = struct{}{}
			loaded = append(loaded, sharpeyes.Camera{})
			c := &loaded[len(loaded)-1]
			if err := json.Unmarshal([]byte(kv[i+1]), c); err != nil {
				return nil, fmt.Errorf("decode camera %q: %w", kv[i], err)
			}
			intern(c)
		}
		if cursor = next; cursor == 0 {
			return loaded, nil
		}
	}
}

// Select returns the cameras of the current inventory that match f,
// including its State (read from the status sets), in id order. The slice
// and the cameras are shared with other callers: read them, never modify.
func (s *Store) Select(ctx context.Context, f sharpeyes.Filter) ([]*sharpeyes.Camera, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var inState func(id string) bool
	if f.State != "" {
		inState, err = s.stateMatcher(ctx, f.State)
		if err != nil {
			return nil, err
		}
	}
	f.State = ""
	sel := snap.selection(f)
	if inState == nil {
		return sel, nil
	}
	out := make([]*sharpeyes.Camera, 0, len(sel)/4)
	for _, c := range sel {
		if inState(c.ID) {
			out = append(out, c)
		}
	}
	return out, nil
}

// intern makes the fields that filters compare share one copy per
// distinct value: 100,000 cameras have a few hundred regions, owners and
// maintainers, and shared strings keep a full scan in the CPU cache.
func intern(c *sharpeyes.Camera) {
	c.Region = unique.Make(c.Region).Value()
	c.Maintainer = unique.Make(c.Maintainer).Value()
	c.Uplink = unique.Make(c.Uplink).Value()
	c.Owner = unique.Make(c.Owner).Value()
	c.Lifecycle = unique.Make(c.Lifecycle).Value()
	c.Probe = unique.Make(c.Probe).Value()
	// The GB/T 28181 fields are parts of the id (Normalize derives them):
	// substrings of it cost one allocation, the decoded JSON six.
	if c.GB != nil {
		if gb, err := sharpeyes.CheckID(c.ID); err == nil && gb != nil {
			c.GB = gb
		}
	}
}

// Page is one page of a camera list.
type Page struct {
	Cameras    []*sharpeyes.Camera
	NextCursor string
}

// List returns up to limit cameras matching f with ids after cursor (the
// last id of the previous page; empty for the first page).
func (s *Store) List(ctx context.Context, f sharpeyes.Filter, limit int, cursor string) (Page, error) {
	all, err := s.Select(ctx, f)
	if err != nil {
		return Page{}, err
	}
	start := sort.Search(len(all), func(i int) bool { return all[i].ID > cursor })
	end := min(start+limit, len(all))
	p := Page{Cameras: all[start:end]}
	if end < len(all) && end > start {
		p.NextCursor = all[end-1].ID
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
