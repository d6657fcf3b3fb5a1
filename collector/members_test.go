package collector_test

import (
	"context"
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

// divided is a sweep shared by three replicas that joined the members
// first, each counting its own probes.
type divided struct {
	cs   []*collector.Collector
	cnt  []*counter
	errs []error
}

func newDivided(t *testing.T, r *rig, edit func(i int, o *collector.Options)) *divided {
	t.Helper()
	d := &divided{errs: make([]error, 3)}
	up := scripted(func(string) probe.Result { return probe.Result{State: sharpeyes.StateUp} })
	for i := range 3 {
		cnt := newCounter(up)
		d.cnt = append(d.cnt, cnt)
		d.cs = append(d.cs, r.collector(t, fmt.Sprintf("replica-%d", i), func(o *collector.Options) {
			o.Probe = cnt.Probe
			o.Shards = 64
			o.Spread = 0.5
			if edit != nil {
				edit(i, o)
			}
		}))
	}
	for _, c := range d.cs {
		t.Cleanup(c.Join(context.Background()))
	}
	return d
}

// sweep runs the default group's sweep scheduled at at on every replica,
// replica i starting after lag(i), and keeps their errors.
func (d *divided) sweep(ctxs []context.Context, at time.Time, lag func(i int) time.Duration) {
	var wg sync.WaitGroup
	for i, c := range d.cs {
		wg.Go(func() {
			if l := lag(i); l > 0 {
				<-time.After(l) // this replica's cron fires later than the first's
			}
			_, d.errs[i] = c.RunScheduled(ctxs[i], "", at)
		})
	}
	wg.Wait()
}

// Issue 10 item 2: a replica whose cron fires first must not take every
// shard of a spread sweep; each probes about a third.
func TestReplicasDivideASpreadSweepEvenly(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(600, "d/t")
	r.put(t, cams)
	r.clock.Set(t0)
	d := newDivided(t, r, func(_ int, o *collector.Options) {
		o.Schedule = "@every 4s" // spread over 2 s, deadline 3.6 s away
		// Others take a live owner's shard 2 s after it came due: a
		// loaded machine never delays an owner that long.
		o.LeaseTTL = 4 * time.Second
	})
	bg := context.Background()
	d.sweep([]context.Context{bg, bg, bg}, time.Now(), func(i int) time.Duration {
		return time.Duration(i) * 100 * time.Millisecond
	})
	hits := map[string]int{}
	for i, cnt := range d.cnt {
		if d.errs[i] != nil {
			t.Fatalf("replica %d: %v", i, d.errs[i])
		}
		n := 0
		for h, k := range cnt.take() {
			hits[h] += k
			n += k
		}
		t.Logf("replica %d probed %d cameras", i, n)
		if n < 200-60 || n > 200+60 {
			t.Errorf("replica %d probed %d of 600 cameras, want 200 ± 60", i, n)
		}
	}
	checkSweep(t, r, cams, hits, 1, 1, t0)
}

// A replica that dies mid-sweep (no lease released, no heartbeat, no
// goodbye) leaves its shards to the others, which finish them before the
// sweep's deadline.
func TestDeadReplicaShardsAreFinishedByOthersBeforeTheDeadline(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(600, "d/t")
	r.put(t, cams)
	r.clock.Set(t0)
	dying, kill := context.WithCancel(context.Background())
	defer kill()
	var probed atomic.Int64
	d := newDivided(t, r, func(i int, o *collector.Options) {
		o.Schedule = "@every 8s" // spread over 4 s, deadline 7.2 s away
		o.LeaseTTL = time.Second
		if i != 0 {
			return
		}
		rdb := r.redis.Client()
		o.Store = store.New(rdb)
		inner := o.Probe
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			if probed.Add(1) == 20 {
				kill()
				rdb.Close() // dead: nothing more reaches Redis
			}
			return inner(ctx, tg)
		}
	})
	bg := context.Background()
	start := time.Now()
	d.sweep([]context.Context{dying, bg, bg}, start, func(int) time.Duration { return 0 })
	if d.errs[1] != nil || d.errs[2] != nil {
		t.Fatalf("survivors: %v, %v; want no error", d.errs[1], d.errs[2])
	}
	if took, deadline := time.Since(start), 7200*time.Millisecond; took > deadline {
		t.Fatalf("survivors took %v, past the deadline %v", took, deadline)
	}
	hits := map[string]int{}
	for _, cnt := range d.cnt {
		for h, k := range cnt.take() {
			hits[h] += k
		}
	}
	// The dead replica's last shards are probed again by the others.
	checkSweep(t, r, cams, hits, 1, 2, t0)
}
