package collector

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sort"
	"sync"
)

// membership keeps this replica's heartbeat in the store while anything
// needs it (Start, or a sweep), every LeaseTTL/3, and the live members the
// last heartbeat returned.
type membership struct {
	c     *Collector
	mu    sync.Mutex // guards users, stop, done
	users int
	stop  context.CancelFunc
	done  chan struct{}

	liveMu sync.Mutex
	live   []string // sorted; always holds this instance
}

// Join counts this replica in among the live collectors, heart-beating
// every LeaseTTL/3, until leave is called; the first heartbeat is written
// before Join returns. Start and every sweep join by themselves; a caller
// that runs sweeps with RunScheduled or RunOnce joins first so that the
// replicas starting them together divide even their first sweep (a
// replica still unknown to the others when they plan is left out of their
// division until its first heartbeat; leases keep every camera probed once
// meanwhile).
func (c *Collector) Join(ctx context.Context) (leave func()) { return c.members.join(ctx) }

// join registers the replica (one heartbeat, reading the live members,
// before it returns, at every join) and keeps
// it registered until every join has called its leave; the last leave
// removes it from the members. A replica that is killed stops
// heart-beating instead, and falls out LeaseTTL after its last heartbeat.
func (m *membership) join(ctx context.Context) (leave func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users++
	if m.users == 1 {
		hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		m.stop, m.done = cancel, make(chan struct{})
		go m.run(hctx, m.done)
	}
	// A sweep starts from a fresh view of the members.
	m.beat(ctx)
	var once sync.Once
	return func() { once.Do(func() { m.leave(ctx) }) }
}

func (m *membership) leave(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.users--; m.users > 0 {
		return
	}
	m.stop()
	<-m.done
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.c.o.FlushTimeout)
	defer cancel()
	if err := m.c.o.Store.LeaveMembers(lctx, m.c.o.Instance); err != nil {
		m.c.log.Debug("leave collectors", "err", err)
	}
}

func (m *membership) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	every(ctx, m.c.o.LeaseTTL/3, func() bool { m.beat(ctx); return true })
}

// beat records one heartbeat and keeps the live members it returns.
func (m *membership) beat(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, m.c.o.LeaseTTL/3)
	defer cancel()
	live, err := m.c.o.Store.Heartbeat(ctx, m.c.o.Instance, m.c.o.LeaseTTL)
	if err != nil {
		m.c.log.Debug("collector heartbeat", "err", err)
		return
	}
	if !slices.Contains(live, m.c.o.Instance) {
		live = append(live, m.c.o.Instance)
	}
	sort.Strings(live)
	m.liveMu.Lock()
	m.live = live
	m.liveMu.Unlock()
}

// members returns the live members of the last heartbeat (this replica
// alone before the first answer).
func (m *membership) members() []string {
	m.liveMu.Lock()
	defer m.liveMu.Unlock()
	if len(m.live) == 0 {
		return []string{m.c.o.Instance}
	}
	return m.live
}

// assignSizes gives each shard with cameras (sizes[s] > 0) to one of
// members (sorted): rendezvous hashing (each shard goes to the member with
// the highest hash(member, shard)) bounded so that no member gets more
// than its even share, rounded up. Every replica with the same members and
// sizes computes the same owners, and the weights do not depend on the
// sweep or its group: while the members and the partitions holding cameras
// stay the same, a replica owns the same shards in every sweep of every
// group, so the partitions it read stay the ones it needs. Shards with no
// cameras get no owner ("").
func assignSizes(members []string, sizes []int) []string {
	owners := make([]string, len(sizes))
	type pick struct {
		score  uint64
		shard  int
		member int
	}
	var picks []pick
	nonEmpty := 0
	for s, n := range sizes {
		if n == 0 {
			continue
		}
		nonEmpty++
		for i, m := range members {
			picks = append(picks, pick{rendezvous(m, s), s, i})
		}
	}
	if len(members) == 0 || nonEmpty == 0 {
		return owners
	}
	sort.Slice(picks, func(a, b int) bool {
		if picks[a].score != picks[b].score {
			return picks[a].score > picks[b].score
		}
		if picks[a].shard != picks[b].shard {
			return picks[a].shard < picks[b].shard
		}
		return picks[a].member < picks[b].member
	})
	limit := (nonEmpty + len(members) - 1) / len(members)
	load := make([]int, len(members))
	for _, p := range picks {
		if owners[p.shard] != "" || load[p.member] == limit {
			continue
		}
		owners[p.shard] = members[p.member]
		load[p.member]++
	}
	return owners
}

// owned lists the shards owners gives to instance, ascending.
func owned(owners []string, instance string) []int {
	var out []int
	for s, o := range owners {
		if o == instance {
			out = append(out, s)
		}
	}
	return out
}

// rendezvous is the weight of member for shard s.
func rendezvous(member string, s int) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(member))
	_, _ = h.Write([]byte{0})
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(s))
	_, _ = h.Write(b[:])
	return mix(h.Sum64())
}

// mix spreads the bits of an FNV hash (splitmix64's finaliser): FNV alone
// weighs inputs that differ in their last bytes too alike.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
