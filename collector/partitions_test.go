package collector_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// readers are collector replicas that joined the members first, each with
// its own store (counting the partitions it reads) and probe counter.
type readers struct {
	cs     []*collector.Collector
	stores []*store.Store
	cnt    []*counter
	byHost map[string]string // host -> camera id
}

func newReaders(t *testing.T, r *rig, cams []sharpeyes.Camera, n int, edit func(i int, o *collector.Options)) *readers {
	t.Helper()
	rd := &readers{byHost: make(map[string]string)}
	for _, c := range cams {
		rd.byHost[c.Host] = c.ID
	}
	for i := range n {
		cnt := newCounter(alwaysUp)
		rd.cnt = append(rd.cnt, cnt)
		c := r.collector(t, fmt.Sprintf("replica-%d", i), func(o *collector.Options) {
			o.Probe = cnt.Probe
			o.Schedule = "@every 30s" // deadline 27 s after the scheduled time
			o.Spread = 0
			// A live owner's shards are left to it for 2 s: a loaded
			// machine never delays an owner that long.
			o.LeaseTTL = 4 * time.Second
			if edit != nil {
				edit(i, o)
			}
			rd.stores = append(rd.stores, o.Store)
		})
		rd.cs = append(rd.cs, c)
	}
	for _, c := range rd.cs {
		t.Cleanup(c.Join(context.Background()))
	}
	return rd
}

// sweep runs the default group's sweep scheduled at at on every replica at
// once, each with its ctx, and returns their errors.
func (rd *readers) sweep(ctxs []context.Context, at time.Time) []error {
	errs := make([]error, len(rd.cs))
	var wg sync.WaitGroup
	for i, c := range rd.cs {
		wg.Go(func() { _, errs[i] = c.RunScheduled(ctxs[i], "", at) })
	}
	wg.Wait()
	return errs
}

// loads returns each replica's partition loads so far.
func (rd *readers) loads() []int64 {
	out := make([]int64, len(rd.stores))
	for i, s := range rd.stores {
		out[i] = s.PartitionLoads()
	}
	return out
}

// take returns every replica's probes (summed per host) and the partitions
// each replica probed, and resets the counters.
func (rd *readers) take() (map[string]int, []map[int]bool) {
	hits := make(map[string]int)
	parts := make([]map[int]bool, len(rd.cnt))
	for i, cnt := range rd.cnt {
		parts[i] = make(map[int]bool)
		for h, n := range cnt.take() {
			hits[h] += n
			parts[i][store.PartitionOf(rd.byHost[h])] = true
		}
	}
	return hits, parts
}

func background(n int) []context.Context {
	out := make([]context.Context, n)
	for i := range out {
		out[i] = context.Background()
	}
	return out
}

func sub(a, b []int64) []int64 {
	out := make([]int64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// Issue "province scale": a replica reads only the partitions of the shards
// it probes, keeps them between sweeps while the members stay the same,
// and after one edit the next sweep reads that one partition again, on the
// replica that probes it.
func TestReplicasLoadOnlyThePartitionsTheyProbe(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(3000, "d/t")
	r.put(t, cams)
	r.clock.Set(t0)
	rd := newReaders(t, r, cams, 3, nil)
	nonEmpty := map[int]bool{}
	for _, c := range cams {
		nonEmpty[store.PartitionOf(c.ID)] = true
	}
	at := time.Now()

	// The first sweep: each replica reads what it probes, no more.
	for i, err := range rd.sweep(background(3), at) {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	hits, parts := rd.take()
	checkSweep(t, r, cams, hits, 1, 1, t0)
	loads := rd.loads()
	var sum int64
	for i, n := range loads {
		t.Logf("replica %d read %d partitions and probed cameras of %d", i, n, len(parts[i]))
		if n != int64(len(parts[i])) {
			t.Errorf("replica %d read %d partitions, probed cameras of %d", i, n, len(parts[i]))
		}
		sum += n
	}
	if sum != int64(len(nonEmpty)) {
		t.Fatalf("replicas read %d partitions in all (%v), want the %d with cameras", sum, loads, len(nonEmpty))
	}

	// The same members sweep again: the same shards, nothing read.
	for i, err := range rd.sweep(background(3), at.Add(time.Minute)) {
		if err != nil {
			t.Fatalf("second sweep, replica %d: %v", i, err)
		}
	}
	hits, again := rd.take()
	checkSweep(t, r, cams, hits, 1, 1, t0)
	for i := range parts {
		if len(again[i]) != len(parts[i]) {
			t.Errorf("replica %d probed %d partitions, then %d", i, len(parts[i]), len(again[i]))
		}
	}
	if got := sub(rd.loads(), loads); got[0]+got[1]+got[2] != 0 {
		t.Fatalf("an unchanged inventory read %v partitions, want none", got)
	}

	// One edit: the replica that probes its partition reads it, alone.
	edited := cams[42]
	edited.Name = "renamed"
	if _, err := r.store.Put(context.Background(), edited); err != nil {
		t.Fatal(err)
	}
	loads = rd.loads()
	r.clock.Set(t0.Add(time.Minute))
	for i, err := range rd.sweep(background(3), at.Add(2*time.Minute)) {
		if err != nil {
			t.Fatalf("sweep after the edit, replica %d: %v", i, err)
		}
	}
	hits, third := rd.take()
	checkSweep(t, r, cams, hits, 1, 1, t0.Add(time.Minute))
	got := sub(rd.loads(), loads)
	for i, n := range got {
		want := int64(0)
		if third[i][store.PartitionOf(edited.ID)] {
			want = 1
		}
		if n != want {
			t.Fatalf("after one edit replica %d read %d partitions (all: %v), want %d", i, n, got, want)
		}
	}
}

// A replica cancelled mid-sweep leaves its shards to the others, which read
// the partitions they take over, and only those.
func TestTakenOverShardsArePartitionsTheTakerReads(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(3000, "d/t")
	r.put(t, cams)
	r.clock.Set(t0)
	dying, kill := context.WithCancel(context.Background())
	defer kill()
	var probed atomic.Int64
	rd := newReaders(t, r, cams, 3, func(i int, o *collector.Options) {
		if i != 0 {
			return
		}
		o.Concurrency = 10 // claims its shards slowly enough to die among them
		inner := o.Probe
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			if probed.Add(1) == 100 {
				kill()
			}
			return inner(ctx, tg)
		}
	})
	ctxs := background(3)
	ctxs[0] = dying
	errs := rd.sweep(ctxs, time.Now())
	if !errors.Is(errs[0], context.Canceled) || errs[1] != nil || errs[2] != nil {
		t.Fatalf("errors: %v; want replica 0 cancelled, the others nil", errs)
	}
	hits, parts := rd.take()
	// Shards replica 0 dropped were probed again by the others.
	checkSweep(t, r, cams, hits, 1, 2, t0)
	loads := rd.loads()
	t.Logf("partitions read %v; probed by the takers: %d, %d", loads, len(parts[1]), len(parts[2]))
	for i := 1; i < 3; i++ {
		if loads[i] != int64(len(parts[i])) {
			t.Errorf("replica %d read %d partitions, probed cameras of %d", i, loads[i], len(parts[i]))
		}
	}
	// Each owns at most ceil(64/3) = 22 shards: more means it took some.
	if n := len(parts[1]) + len(parts[2]); n <= 44 {
		t.Fatalf("the takers probed %d partitions, want more than their own 44 at most", n)
	}
}

// A replica that died mid-sweep stays a member until lease_ttl after its
// last heartbeat, and the others take its unclaimed shards only a grace
// after they came due. With lease_ttl as long as the interval, that grace
// used to end after the sweep's deadline for the last shards to come due:
// they went unprobed until the next sweep. The grace is now capped so
// that the last shard's takeover fits before the deadline.
func TestADeadMembersLastShardsAreTakenBeforeTheDeadline(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(600, "d/t")
	r.put(t, cams)
	r.clock.Set(t0)
	const interval = 20 * time.Second
	rd := newReaders(t, r, cams, 2, func(_ int, o *collector.Options) {
		o.Schedule = "@every 20s" // deadline 18 s after the scheduled time
		o.Spread = 0.5            // shards come due over 10 s
		o.LeaseTTL = interval     // a grace of 10 s: past the deadline for the last ones
	})
	// The dead member: it heartbeat just now and will never claim a shard.
	if _, err := rd.stores[0].Heartbeat(context.Background(), "dead-replica", interval); err != nil {
		t.Fatal(err)
	}
	errs := rd.sweep(background(2), time.Now())
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errors: %v", errs)
	}
	hits, _ := rd.take()
	checkSweep(t, r, cams, hits, 1, 1, t0)
}
