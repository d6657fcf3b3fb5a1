package collector_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// deployment is n collector replicas in one process, each with its own
// Redis client and instance name, all counting their probes in cnt.
type deployment struct {
	cs  []*collector.Collector
	cnt *counter
}

// deploy starts n replicas probing with inner, counted; edit may change
// their options.
func deploy(t *testing.T, r *rig, n int, inner probe.Func, edit func(*collector.Options)) *deployment {
	t.Helper()
	d := &deployment{cnt: newCounter(inner)}
	for i := range n {
		d.cs = append(d.cs, r.collector(t, fmt.Sprintf("replica-%d", i), func(o *collector.Options) {
			o.Probe = d.cnt.Probe
			o.Concurrency = 300
			o.ProbeTimeout = 2 * time.Second // outcomes do not matter here, only who probes
			if edit != nil {
				edit(o)
			}
		}))
	}
	return d
}

// sweep runs f on every replica at once, once per group, and fails unless
// each returns without error and drops nothing. It returns how many
// statuses they wrote.
func (d *deployment) sweep(t *testing.T, groups []string, f func(c *collector.Collector, group string) (collector.Summary, error)) int {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	written := 0
	for i, c := range d.cs {
		for _, g := range groups {
			wg.Go(func() {
				sum, err := f(c, g)
				mu.Lock()
				defer mu.Unlock()
				written += sum.Written
				if err != nil || sum.Dropped != 0 {
					t.Errorf("replica %d, group %q: %v, %d dropped", i, g, err, sum.Dropped)
				}
			})
		}
	}
	wg.Wait()
	return written
}

func alwaysUp(context.Context, probe.Target) probe.Result {
	return probe.Result{State: sharpeyes.StateUp}
}

// A replica must not hold its results waiting for an isolation sample that
// only the other replicas' shards could complete: they wait for its shards.
func TestSmallSharedSweepWritesEveryStatus(t *testing.T) {
	tests := []struct{ replicas, cameras int }{
		{2, 1},
		{2, 50},
		{3, 199},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d replicas, %d cameras", tc.replicas, tc.cameras), func(t *testing.T) {
			r := newRig(t)
			cams := fakeCameras(tc.cameras, "d/t")
			r.put(t, cams)
			r.clock.Set(t0)
			d := deploy(t, r, tc.replicas, alwaysUp, func(o *collector.Options) {
				o.MaxSweep = 10 * time.Second // a deadlocked sweep runs to its deadline
			})
			written := d.sweep(t, []string{""}, func(c *collector.Collector, _ string) (collector.Summary, error) {
				return c.RunOnce(context.Background())
			})
			checkSweep(t, r, cams, d.cnt.take(), 1, 1, t0)
			if written != len(cams) {
				t.Fatalf("%d statuses written, want %d", written, len(cams))
			}
		})
	}
}

// Every deployment shape probes each camera exactly once per sweep of its
// schedule group and writes every status within the sweep.
func TestDeploymentMatrixProbesEachCameraOncePerSweep(t *testing.T) {
	f := startFleet(t, fleet.Config{Cameras: 1000, Seed: 8,
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1},
		Mix:   map[fleet.Behavior]float64{fleet.Refused: 0.3}})
	all := f.Cameras()
	for _, replicas := range []int{1, 2, 3} {
		for _, n := range []int{1, 50, 199, 201, 1000} {
			for _, groups := range []int{1, 2} {
				name := fmt.Sprintf("%d replicas, %d cameras, %d groups", replicas, n, groups)
				t.Run(name, func(t *testing.T) { checkDeployment(t, all[:n], replicas, groups) })
			}
		}
	}
}

// checkDeployment sweeps cams with replicas collectors and the default
// schedule plus groups-1 groups, as the scheduler would at one turn.
func checkDeployment(t *testing.T, cams []sharpeyes.Camera, replicas, groups int) {
	r := newRig(t)
	r.put(t, cams)
	r.clock.Set(t0)
	const every = "@every 30s" // the sweep's deadline is 27 s away
	names := []string{""}
	var gs []config.Group
	if groups == 2 {
		region := sharpeyes.RegionLevel(cams[0].Region, 1)
		gs = append(gs, config.Group{Name: "g1", Schedule: every, Filter: config.GroupFilter{Region: region}})
		names = append(names, "g1")
	}
	d := deploy(t, r, replicas, probe.Run, func(o *collector.Options) {
		o.Schedule, o.Groups = every, gs
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	at := time.Now()
	written := d.sweep(t, names, func(c *collector.Collector, g string) (collector.Summary, error) {
		return c.RunScheduled(ctx, g, at)
	})
	checkSweep(t, r, cams, d.cnt.take(), 1, 1, t0)
	if written != len(cams) {
		t.Fatalf("%d statuses written, want %d", written, len(cams))
	}
}

// Runs of `collect --once` started while a once-sweep is under way join it;
// a run started after it ended starts a new one.
func TestOnceRunsStartedTogetherShareOneSweep(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(100, "d/t")
	r.put(t, cams)
	cnt := newCounter(alwaysUp)
	gate, aProbing, bProbing := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var aOnce, bOnce sync.Once
	a := r.collector(t, "a", func(o *collector.Options) {
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			aOnce.Do(func() { close(aProbing) })
			<-gate
			return cnt.Probe(ctx, tg)
		}
	})
	b := r.collector(t, "b", func(o *collector.Options) {
		o.Now = func() time.Time { return r.clock.Now().Add(time.Second) } // started a second later
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			bOnce.Do(func() { close(bProbing) })
			return cnt.Probe(ctx, tg)
		}
	})
	r.clock.Set(t0)
	var wg sync.WaitGroup
	run := func(c *collector.Collector) {
		wg.Go(func() {
			if _, err := c.RunOnce(context.Background()); err != nil {
				t.Errorf("%s: %v", c.Instance(), err)
			}
		})
	}
	run(a)
	await(t, aProbing, "a's first probe")
	bStarted := r.logs.on("sweep started") // a's was logged before it probed
	run(b)
	select { // b joined a's sweep, or (wrongly) probes a sweep of its own
	case <-bStarted:
	case <-bProbing:
	case <-time.After(20 * time.Second):
		t.Fatal("b neither started a sweep nor probed within 20 s")
	}
	close(gate)
	wg.Wait()
	checkOnce(t, r, cams, cnt.take(), t0, t0.Add(time.Second))

	r.clock.Set(t0.Add(time.Minute))
	run(b)
	wg.Wait()
	checkSweep(t, r, cams, cnt.take(), 1, 1, t0.Add(time.Minute+time.Second))
}

// checkOnce fails unless every camera was probed exactly once and carries
// a status probed at one of the times given.
func checkOnce(t *testing.T, r *rig, cams []sharpeyes.Camera, hits map[string]int, at ...time.Time) {
	t.Helper()
	got := r.statuses(t, cams)
	for _, c := range cams {
		s := got[c.ID]
		if hits[c.Host] != 1 || !slices.ContainsFunc(at, s.LastProbe.Equal) {
			t.Fatalf("%s: probed %d times, status probed at %v; want once, at one of %v", c.ID, hits[c.Host], s.LastProbe, at)
		}
	}
}

// A run of `collect --once` started just after a small once-sweep ended
// (cron on another host, a few seconds late) joins the finished sweep and
// probes nothing, instead of sweeping every camera a second time.
func TestOnceRunStartedJustAfterTheSweepEndedJoinsIt(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(50, "d/t")
	r.put(t, cams)
	cnt := newCounter(alwaysUp)
	grace := func(o *collector.Options) { o.Probe = cnt.Probe; o.OnceJoinGrace = time.Minute }
	a, b := r.collector(t, "a", grace), r.collector(t, "b", grace)
	r.clock.Set(t0)
	first, err := a.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if second.Slot != first.Slot || second.Probed != 0 {
		t.Fatalf("late run: slot %q probed %d; want it to join %q and probe nothing", second.Slot, second.Probed, first.Slot)
	}
	checkOnce(t, r, cams, cnt.take(), t0)
}
