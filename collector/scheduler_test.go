package collector_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/config"
)

// stopAndWait cancels a started collector and fails unless it stops
// within 10 s.
func stopAndWait(t *testing.T, c *collector.Collector, cancel context.CancelFunc) {
	t.Helper()
	cancel()
	stopped := make(chan struct{})
	go func() {
		c.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("collector did not stop within 10 s of its cancellation")
	}
}

func TestStartSweepsEachGroupOnItsSchedule(t *testing.T) {
	r := newRig(t)
	north, south := fakeCameras(20, "north/a"), fakeCameras(30, "south/b")
	r.put(t, append(append([]sharpeyes.Camera{}, north...), south...))
	var mu sync.Mutex
	probed := map[string]int{}
	both := make(chan struct{})
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Schedule = "* * * * * *"
		o.Groups = []config.Group{{Name: "north", Schedule: "* * * * * *", Filter: config.GroupFilter{Region: "north"}}}
		o.Probe = scripted(func(string) probe.Result { return probe.Result{State: sharpeyes.StateUp} })
		o.OnSweep = func(s collector.Summary) {
			mu.Lock()
			defer mu.Unlock()
			if _, seen := probed[s.Group]; !seen {
				probed[s.Group] = s.Probed
				if len(probed) == 2 {
					close(both)
				}
			}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err == nil {
		t.Error("second Start: no error")
	}
	await(t, both, "a sweep of each schedule")
	stopAndWait(t, c, cancel)
	mu.Lock()
	defer mu.Unlock()
	if probed["north"] != len(north) || probed[""] != len(south) {
		t.Fatalf("first sweeps probed %v, want north %d and default %d", probed, len(north), len(south))
	}
}

func TestSweepStillRunningSkipsItsNextTurn(t *testing.T) {
	r := newRig(t)
	r.put(t, fakeCameras(5, "d/t"))
	release := make(chan struct{})
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Schedule = "* * * * * *"
		o.Probe = func(context.Context, probe.Target) probe.Result {
			<-release // a probe that ignores its deadline holds the sweep
			return probe.Result{State: sharpeyes.StateUp}
		}
	})
	skipped := r.logs.on("previous sweep still running")
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	await(t, skipped, "a skipped turn")
	close(release)
	stopAndWait(t, c, cancel)
}

func TestStopDropsProbesInFlight(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(30, "d/t")
	r.put(t, cams)
	started := make(chan struct{})
	var once sync.Once
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Schedule = "* * * * * *"
		o.ProbeTimeout = time.Minute
		o.Probe = func(ctx context.Context, _ probe.Target) probe.Result {
			once.Do(func() { close(started) })
			<-ctx.Done()
			return probe.Result{State: sharpeyes.StateDown, Reason: sharpeyes.ReasonTimeout}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	await(t, started, "a probe")
	stopAndWait(t, c, cancel)
	if got := r.statuses(t, cams); len(got) != 0 {
		t.Fatalf("probes cut by the stop were written: %+v", got)
	}
}

func TestSpreadStaggersShardStarts(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(40, "d/t")
	r.put(t, cams)
	const shards = 4
	var mu sync.Mutex
	first := map[int]time.Time{} // shard -> first probe start
	byHost := map[string]int{}
	for _, c := range cams {
		byHost[c.Host] = collector.ShardOf(c.ID, shards)
	}
	swept := make(chan struct{})
	var once sync.Once
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Schedule = "*/2 * * * * *" // a 2 s interval: shards start 0.25 s apart
		o.Spread = 0.5
		o.Shards = shards
		o.Probe = scripted(func(host string) probe.Result {
			mu.Lock()
			if _, ok := first[byHost[host]]; !ok {
				first[byHost[host]] = time.Now()
			}
			mu.Unlock()
			return probe.Result{State: sharpeyes.StateUp}
		})
		o.OnSweep = func(collector.Summary) { once.Do(func() { close(swept) }) }
	})
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	await(t, swept, "a spread sweep")
	stopAndWait(t, c, cancel)
	mu.Lock()
	defer mu.Unlock()
	if len(first) != shards {
		t.Fatalf("probed shards %v, want all %d", first, shards)
	}
	if gap := first[shards-1].Sub(first[0]); gap < 600*time.Millisecond {
		t.Fatalf("last shard started %v after the first, want about 750 ms", gap)
	}
}
