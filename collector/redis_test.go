package collector_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// await fails the test unless ch is closed within 20 s.
func await(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func TestRedisRestartMidSweepCausesNoFalseOutage(t *testing.T) {
	ctx := context.Background()
	r := newServerRig(t)
	f := startFleet(t, fleet.Config{Cameras: 300, Seed: 5, Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	cams := f.Cameras()
	r.put(t, cams)
	var armed atomic.Bool
	var probed atomic.Int64
	stopped := make(chan struct{})
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Shards = 16
		o.ProbeTimeout = 3 * time.Second
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			if armed.Load() && probed.Add(1) == 100 {
				r.server.Stop()
				close(stopped)
			}
			return probe.Run(ctx, tg)
		}
	})
	runOnce(t, r, c, t0)
	armed.Store(true)
	retrying := r.logs.on("redis unavailable, retrying")
	done := make(chan struct{})
	var sum collector.Summary
	var err error
	go func() {
		defer close(done)
		r.clock.Set(t0.Add(time.Minute))
		sum, err = c.RunOnce(ctx)
	}()
	await(t, stopped, "redis to be stopped mid-sweep")
	await(t, retrying, "the collector to retry")
	r.server.Restart() // empty: inventory and statuses are gone, the sweep goes on
	await(t, done, "the sweep to end")
	if err != nil || sum.Written == 0 || sum.Down != 0 {
		t.Fatalf("sweep across the restart: %v, %+v; want statuses written, none down", err, sum)
	}
	for id, s := range r.statuses(t, cams) {
		if s.State == sharpeyes.StateDown || s.ConsecutiveFailures != 0 {
			t.Fatalf("%s: %+v after a Redis restart", id, s)
		}
	}
	if open, _ := r.store.OpenOutages(ctx); len(open) != 0 {
		t.Fatalf("open outages after a Redis restart: %+v", open)
	}
	evs, _ := r.store.Events(ctx, time.Time{}, 0)
	for _, ev := range evs {
		if ev.To == sharpeyes.StateDown {
			t.Fatalf("false down event %+v", ev)
		}
	}
}

func TestRedisDownPastDeadlineDropsResultsAndLogsOnce(t *testing.T) {
	r := newServerRig(t)
	cams := fakeCameras(50, "d/t")
	r.put(t, cams)
	var once sync.Once
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Shards = 1 // one lease, taken before Redis goes away
		o.MaxSweep = 2 * time.Second
		o.Probe = scripted(func(string) probe.Result {
			once.Do(r.server.Stop)
			return probe.Result{State: sharpeyes.StateUp}
		})
	})
	r.clock.Set(t0)
	sum, err := c.RunOnce(context.Background())
	if err == nil || sum.Dropped != len(cams) || sum.Written != 0 {
		t.Fatalf("RunOnce: %v, %+v; want an error and all %d results dropped", err, sum, len(cams))
	}
	if n := r.logs.count("dropping results"); n != 1 {
		t.Fatalf("logged the drop %d times, want once:\n%s", n, r.logs.all())
	}
	if n := r.logs.count("redis unavailable, retrying"); n != 1 {
		t.Fatalf("logged the retry %d times, want once:\n%s", n, r.logs.all())
	}
}
