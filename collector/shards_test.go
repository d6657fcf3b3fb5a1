package collector_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/store"
)

const sharedCameras = 5000

// replicas are collectors sharing one redis-server, each with its own
// client, instance name and probe counter.
type replicas struct {
	cs  []*collector.Collector
	cnt []*counter
}

func newReplicas(t *testing.T, r *rig, names ...string) *replicas {
	t.Helper()
	rs := &replicas{}
	for _, name := range names {
		cnt := newCounter(probe.Run)
		rs.cnt = append(rs.cnt, cnt)
		rs.cs = append(rs.cs, r.collector(t, name, func(o *collector.Options) {
			o.Probe = cnt.Probe
			o.Concurrency = 300
			o.LeaseTTL = 5 * time.Second     // a loaded CI machine may stall a renewal past 1 s
			o.ProbeTimeout = 3 * time.Second // outcomes do not matter here, only who probes
		}))
	}
	return rs
}

// run runs RunOnce on the chosen replicas at once, each with its ctx, and
// returns their errors.
func (rs *replicas) run(ctxs map[int]context.Context) map[int]error {
	var mu sync.Mutex
	errs := make(map[int]error)
	var wg sync.WaitGroup
	for i, ctx := range ctxs {
		wg.Go(func() {
			_, err := rs.cs[i].RunOnce(ctx)
			mu.Lock()
			errs[i] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

// hits sums the probe counts of every replica per host and resets them.
func (rs *replicas) hits() map[string]int {
	sum := make(map[string]int)
	for _, c := range rs.cnt {
		for h, n := range c.take() {
			sum[h] += n
		}
	}
	return sum
}

// checkSweep fails unless every camera was probed between lo and hi times
// and carries a status probed at at. The probe's outcome is not checked: on
// a loaded machine a loopback connect may time out.
func checkSweep(t *testing.T, r *rig, cams []sharpeyes.Camera, hits map[string]int, lo, hi int, at time.Time) {
	t.Helper()
	got := r.statuses(t, cams)
	bad := 0
	for _, c := range cams {
		n, s := hits[c.Host], got[c.ID]
		if n < lo || n > hi || !s.LastProbe.Equal(at) {
			if bad++; bad <= 5 {
				t.Errorf("%s: probed %d times (want %d..%d), status %s %q at %v (want a probe at %v)", c.ID, n, lo, hi, s.State, s.Reason, s.LastProbe, at)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d cameras wrong", bad, len(cams))
	}
}

func sharedFleet(t *testing.T) (*rig, []sharpeyes.Camera) {
	t.Helper()
	r := newRig(t)
	f := startFleet(t, fleet.Config{Cameras: sharedCameras, Seed: 3,
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	cams := f.Cameras()
	r.put(t, cams)
	return r, cams
}

func TestReplicasShareASweepWithoutDoubleOrMissedProbes(t *testing.T) {
	r, cams := sharedFleet(t)
	rs := newReplicas(t, r, "a", "b", "c")
	bg := context.Background()
	for i, err := range rs.run(map[int]context.Context{0: bg, 1: bg, 2: bg}) {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	checkSweep(t, r, cams, rs.hits(), 1, 1, t0)
	last, err := r.store.LastSweep(bg)
	if err != nil {
		t.Fatal(err)
	}
	if last.Probed != sharedCameras || len(last.Instances) == 0 {
		t.Fatalf("merged summary: %+v, want %d probed", last, sharedCameras)
	}
	t.Logf("instances sharing the sweep: %v", last.Instances)
}

func TestCancelledReplicaShardsAreTakenOver(t *testing.T) {
	r, cams := sharedFleet(t)
	rs := newReplicas(t, r, "a", "b", "c")
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	var probedA atomic.Int64
	inner := rs.cnt[0].inner
	rs.cnt[0].inner = func(ctx context.Context, tg probe.Target) probe.Result {
		if probedA.Add(1) == 300 {
			cancelA()
		}
		return inner(ctx, tg)
	}
	r.clock.Set(t0.Add(time.Minute))
	bg := context.Background()
	errs := rs.run(map[int]context.Context{0: ctxA, 1: bg, 2: bg})
	if !errors.Is(errs[0], context.Canceled) || errs[1] != nil || errs[2] != nil {
		t.Fatalf("errors: %v; want a cancelled, b and c nil", errs)
	}
	// Shards a dropped were probed again by b or c: at most twice.
	checkSweep(t, r, cams, rs.hits(), 1, 2, t0.Add(time.Minute))
}

func TestDeadReplicaShardsAreTakenAfterLeaseExpiry(t *testing.T) {
	r, cams := sharedFleet(t)
	rs := newReplicas(t, r, "b", "c")
	at := t0.Add(2 * time.Minute)
	// A replica that started a once-sweep, took ten shards and died.
	slot, err := r.store.JoinOnceSweep(context.Background(), "once@dead", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for s := range 10 {
		ok, err := r.store.TryLease(context.Background(), store.SweepLeaseKey(slot, s), "dead", time.Second)
		if !ok || err != nil {
			t.Fatalf("dead lease %d: %v, %v", s, ok, err)
		}
	}
	r.clock.Set(at)
	start := time.Now()
	bg := context.Background()
	for i, err := range rs.run(map[int]context.Context{0: bg, 1: bg}) {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	checkSweep(t, r, cams, rs.hits(), 1, 1, at)
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Fatalf("sweep took %v: the dead leases (1 s) cannot have expired", took)
	}
}
