package collector_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// failing answers down for the hosts of its current set, up for others.
type failing struct {
	set atomic.Pointer[map[string]bool]
}

func (f *failing) fail(cams []sharpeyes.Camera) {
	m := make(map[string]bool, len(cams))
	for _, c := range cams {
		m[c.Host] = true
	}
	f.set.Store(&m)
}

func (f *failing) probe() probe.Func {
	return scripted(func(host string) probe.Result {
		if m := f.set.Load(); m != nil && (*m)[host] {
			return probe.Result{State: sharpeyes.StateDown, Reason: sharpeyes.ReasonTimeout}
		}
		return probe.Result{State: sharpeyes.StateUp}
	})
}

func TestIsolatedSweepWithholdsStateChanges(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	cams := fakeCameras(100, "d/t")
	r.put(t, cams)
	var fl failing
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Probe = fl.probe()
		o.Thresholds = collector.Thresholds{Failure: 1}
	})
	runOnce(t, r, c, t0)
	fl.fail(cams[:90])
	sum := runOnce(t, r, c, t0.Add(time.Minute))
	if !sum.Isolated || sum.Written != 0 || sum.Probed != 100 || sum.Failed != 90 {
		t.Fatalf("90%% failing: summary %+v, want isolated with nothing written", sum)
	}
	for id, s := range r.statuses(t, cams) {
		if s.State != sharpeyes.StateUp || !s.LastProbe.Equal(t0) || s.Seq != 1 {
			t.Fatalf("%s changed while isolated: %+v", id, s)
		}
	}
	if evs, _ := r.store.Events(ctx, time.Time{}, 0); len(evs) != 100 {
		t.Fatalf("%d camera events, want only the 100 first ups", len(evs))
	}
	isos, err := r.store.Isolations(ctx, time.Time{})
	if err != nil || len(isos) != 1 || isos[0].Instance != "c1" || isos[0].Failed != 90 || isos[0].Probed != 100 {
		t.Fatalf("isolations: %+v, %v; want one of c1, 90 of 100 failed", isos, err)
	}
	if last, _ := r.store.LastSweep(ctx); !last.Isolated {
		t.Fatalf("last sweep not marked isolated: %+v", last)
	}
	fl.fail(cams[:30])
	sum = runOnce(t, r, c, t0.Add(2*time.Minute))
	if sum.Isolated || sum.Down != 30 || sum.Events != 30 {
		t.Fatalf("30%% failing: summary %+v, want 30 cameras down", sum)
	}
}

func TestFewProbesAreNeverJudgedIsolated(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(collector.IsolationMinProbes-1, "d/t")
	r.put(t, cams)
	var fl failing
	fl.fail(cams)
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Probe = fl.probe()
		o.Thresholds = collector.Thresholds{Failure: 1}
	})
	sum := runOnce(t, r, c, t0)
	if sum.Isolated || sum.Down != len(cams) {
		t.Fatalf("summary %+v, want all %d down and not isolated", sum, len(cams))
	}
}
