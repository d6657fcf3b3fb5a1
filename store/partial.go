package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unique"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// A collector replica probes only some partitions of each sweep (its
// shards, see package collector), so it reads only those: PartitionSizes
// tells it how the sweep divides, and a PartitionCache keeps the cameras
// of the partitions it reads, reloading one only when its se:{pNN}:ver
// changed. Snapshot, which holds every partition, is for the API and
// reports.

// PartitionSizes returns how many cameras each partition holds (HLEN of
// every se:{pNN}:cam, in one pipeline), indexed by partition.
func (s *Store) PartitionSizes(ctx context.Context) ([]int, error) {
	var cmds [Partitions]*redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			cmds[i] = p.HLen(ctx, parts[i].cam)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read partition sizes: %w", err)
	}
	sizes := make([]int, Partitions)
	for i, c := range cmds {
		sizes[i] = int(c.Val())
	}
	return sizes, nil
}

// PartitionCache keeps the cameras of the partitions a caller asked for,
// each at the version it was read at. It is safe for concurrent use; its
// reads count in the store's PartitionLoads.
type PartitionCache struct {
	s     *Store
	mu    sync.Mutex // held while reading, so that one partition is read once
	parts map[int]cachedPartition
}

// cachedPartition is one partition's cameras, in id order, read at ver.
type cachedPartition struct {
	ver  string
	cams []sharpeyes.Camera
}

// NewPartitionCache returns an empty cache reading through s.
func (s *Store) NewPartitionCache() *PartitionCache {
	return &PartitionCache{s: s, parts: make(map[int]cachedPartition)}
}

// Cameras returns the cameras of each partition of ps (0..Partitions-1),
// in id order, indexed by partition. It reads the versions of ps in one
// pipeline and then reads (HSCAN) only the partitions not cached or whose
// version changed since they were read. The slices are shared with other
// callers: read them, never modify.
func (pc *PartitionCache) Cameras(ctx context.Context, ps []int) (map[int][]sharpeyes.Camera, error) {
	for _, p := range ps {
		if p < 0 || p >= Partitions {
			return nil, fmt.Errorf("partition %d out of range", p)
		}
	}
	out := make(map[int][]sharpeyes.Camera, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	vers := make([]*redis.StringCmd, len(ps))
	_, err := pc.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, pi := range ps {
			vers[i] = p.Get(ctx, parts[pi].ver)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read partition versions: %w", err)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for i, pi := range ps {
		ver := vers[i].Val()
		// A partition without a version was never written: read it
		// every time rather than trust an empty token.
		if cp, ok := pc.parts[pi]; ok && cp.ver == ver && ver != "" {
			out[pi] = cp.cams
			continue
		}
		var cams []sharpeyes.Camera
		err := pc.s.scanPartition(ctx, pi, func(c *sharpeyes.Camera) error {
			intern(c)
			cams = append(cams, *c)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("partition %d: %w", pi, err)
		}
		pc.s.snap.loads.Add(1)
		slices.SortFunc(cams, func(a, b sharpeyes.Camera) int { return strings.Compare(a.ID, b.ID) })
		pc.parts[pi] = cachedPartition{ver: ver, cams: cams}
		out[pi] = cams
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

// Keep drops every cached partition not in ps: what a caller no longer
// reads is not kept in memory. Slices already returned stay valid.
func (pc *PartitionCache) Keep(ps []int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for p := range pc.parts {
		if !slices.Contains(ps, p) {
			delete(pc.parts, p)
		}
	}
}

// Cached returns the partitions held, ascending.
func (pc *PartitionCache) Cached() []int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	out := make([]int, 0, len(pc.parts))
	for p := range pc.parts {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
