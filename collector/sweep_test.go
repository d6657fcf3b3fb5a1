package collector_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestCancelledSweepFlushesFinishedShardsAndDropsCutOnes(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(100, "d/t")
	r.put(t, cams)
	const shards = 4
	var fast, cut []sharpeyes.Camera
	blocked := make(map[string]bool)
	for _, c := range cams {
		if collector.ShardOf(c.ID, shards) == 0 {
			cut = append(cut, c)
			blocked[c.Host] = true
		} else {
			fast = append(fast, c)
		}
	}
	fastDone, cutStarted := make(chan struct{}), make(chan struct{})
	var recorded, waiting atomic.Int64
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Shards = shards
		o.ProbeTimeout = time.Minute
		o.OnProbe = func(string, string, time.Duration) { // called once a result is kept
			if recorded.Add(1) == int64(len(fast)) {
				close(fastDone)
			}
		}
		o.Probe = func(ctx context.Context, tg probe.Target) probe.Result {
			if blocked[tg.Host] { // a probe cut short reports a timeout, as a real one does
				if waiting.Add(1) == int64(len(cut)) {
					close(cutStarted)
				}
				<-ctx.Done()
				return probe.Result{State: sharpeyes.StateDown, Reason: sharpeyes.ReasonTimeout}
			}
			return probe.Result{State: sharpeyes.StateUp}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		sum collector.Summary
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		sum, err := c.RunOnce(ctx)
		done <- outcome{sum, err}
	}()
	// The fast results are still held by the writer (fewer than its
	// isolation sample): they must be flushed after the cancellation.
	await(t, fastDone, "the fast probes")
	await(t, cutStarted, "the blocked probes")
	cancel()
	var res outcome
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("RunOnce did not return within 10 s of its cancellation")
	}
	if !errors.Is(res.err, context.Canceled) || res.sum.Dropped != len(cut) {
		t.Fatalf("RunOnce: %v, dropped %d; want cancelled, %d dropped", res.err, res.sum.Dropped, len(cut))
	}
	if got := r.statuses(t, cut); len(got) != 0 {
		t.Fatalf("cut probes were written: %+v", got)
	}
	for id, s := range r.statuses(t, fast) {
		if s.State != sharpeyes.StateUp || s.ConsecutiveFailures != 0 {
			t.Fatalf("%s: %+v, want up", id, s)
		}
	}
	key := store.SweepLeaseKey(res.sum.Slot, 0)
	if ok, err := r.store.TryLease(context.Background(), key, "other", time.Minute); !ok || err != nil {
		t.Fatalf("the cut shard's lease was not released: %v, %v", ok, err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	s := store.New(newRig(t).redis.Client())
	tests := []struct {
		name string
		o    collector.Options
	}{
		{"no store", collector.Options{}},
		{"bad schedule", collector.Options{Store: s, Schedule: "every minute"}},
		{"schedule without seconds", collector.Options{Store: s, Schedule: "* * * * *"}},
		{"bad group schedule", collector.Options{Store: s, Groups: []config.Group{{Name: "g", Schedule: "x"}}}},
		{"unnamed group", collector.Options{Store: s, Groups: []config.Group{{Schedule: "@every 1m"}}}},
		{"repeated group", collector.Options{Store: s, Groups: []config.Group{
			{Name: "g", Schedule: "@every 1m"}, {Name: "g", Schedule: "@every 2m"}}}},
		{"reserved group", collector.Options{Store: s, Groups: []config.Group{{Name: "once", Schedule: "@every 1m"}}}},
		{"spread above 1", collector.Options{Store: s, Spread: 1.5}},
		{"comma in instance", collector.Options{Store: s, Instance: "a,b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := collector.New(tc.o); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if _, err := collector.New(collector.Options{Store: s}); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}
