package collector_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/inventory"
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

// verdicts answers each camera with the result of its index's class.
func verdicts(cams []sharpeyes.Camera, classes func(i int) probe.Result) probe.Func {
	byHost := make(map[string]int, len(cams))
	for i, c := range cams {
		byHost[c.Host] = i
	}
	return scripted(func(host string) probe.Result { return classes(byHost[host]) })
}

// probeErrorResult is what the probe package gives for a probe that could
// not run (here: a target without a port).
func probeErrorResult(t *testing.T) probe.Result {
	t.Helper()
	r := probe.Run(context.Background(), probe.Target{Kind: sharpeyes.ProbeTCP, Host: "127.0.0.1"})
	if r.Reason != probe.ReasonProbeError {
		t.Fatalf("a port-less target gave %s %q, want probe_error", r.State, r.Reason)
	}
	return r
}

func TestIsolationCountsOnlyTimeoutsAndNoRoute(t *testing.T) {
	down := func(reason string) probe.Result { return probe.Result{State: sharpeyes.StateDown, Reason: reason} }
	up := probe.Result{State: sharpeyes.StateUp}
	perr := probeErrorResult(t)
	tests := []struct {
		name     string
		most     probe.Result // 90 of 100 cameras
		rest     probe.Result // the other 10
		isolated bool
	}{
		{"timeouts", down(sharpeyes.ReasonTimeout), up, true},
		{"no route", down(sharpeyes.ReasonUnreachable), down(sharpeyes.ReasonRefused), true},
		{"refusals prove the path works", down(sharpeyes.ReasonRefused), up, false},
		{"device answers prove the path works", probe.Result{State: sharpeyes.StateDegraded, Reason: sharpeyes.ReasonRTSP401}, down(sharpeyes.ReasonTimeout), false},
		{"probe errors never count", perr, up, false},
		{"probe errors leave timeouts to judge", perr, down(sharpeyes.ReasonTimeout), false}, // 10 probes: too few
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			r := newRig(t)
			cams := fakeCameras(100, "d/t")
			r.put(t, cams)
			c := r.collector(t, "c1", func(o *collector.Options) {
				o.Probe = verdicts(cams, func(i int) probe.Result {
					if i < 90 {
						return tc.most
					}
					return tc.rest
				})
			})
			sum := runOnce(t, r, c, t0)
			isos, err := r.store.Isolations(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Isolated != tc.isolated || (len(isos) > 0) != tc.isolated {
				t.Fatalf("isolated %v with %d isolations recorded, want %v; summary %+v", sum.Isolated, len(isos), tc.isolated, sum)
			}
		})
	}
}

func TestProbeErrorLeavesUpCameraUp(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(30, "d/t")
	r.put(t, cams)
	perr := probeErrorResult(t)
	var failing atomic.Bool
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Probe = scripted(func(string) probe.Result {
			if failing.Load() {
				return perr
			}
			return probe.Result{State: sharpeyes.StateUp}
		})
	})
	runOnce(t, r, c, t0)
	failing.Store(true)
	for i := 1; i <= collector.DefaultFailureThreshold+1; i++ {
		sum := runOnce(t, r, c, t0.Add(time.Duration(i)*time.Minute))
		if sum.Isolated || sum.Events != 0 || sum.Failed != 0 {
			t.Fatalf("sweep %d of probe errors: %+v, want no failure, event or isolation", i, sum)
		}
	}
	last := t0.Add(time.Duration(collector.DefaultFailureThreshold+1) * time.Minute)
	for id, s := range r.statuses(t, cams) {
		if s.State != sharpeyes.StateUp || !s.Since.Equal(t0) || s.ConsecutiveFailures != 0 || s.Reason != "" || !s.LastProbe.Equal(last) {
			t.Fatalf("%s after probe errors: %+v, want up since %v, no failures, probed at %v", id, s, t0, last)
		}
	}
}

func TestRefusingSampleInventoryGoesDownWithoutIsolation(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	f, err := os.Open("../testdata/inventory/hetang-cameras.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := inventory.Import(ctx, r.store, f, "", inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	snap, err := r.store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var probed []sharpeyes.Camera
	for _, c := range snap.Cameras() {
		if c.Lifecycle.Probed() {
			probed = append(probed, c)
		}
	}
	// Nothing listens on these loopback addresses: every camera refuses.
	c := r.collector(t, "c1", func(o *collector.Options) { o.Concurrency = 500 })
	for i := range collector.DefaultFailureThreshold {
		sum := runOnce(t, r, c, t0.Add(time.Duration(i)*time.Minute))
		if sum.Isolated || sum.Probed != len(probed) || sum.ByReason[sharpeyes.ReasonRefused] != len(probed) {
			t.Fatalf("sweep %d: %+v, want all %d refused and no isolation", i, sum, len(probed))
		}
	}
	if isos, err := r.store.Isolations(ctx, time.Time{}); err != nil || len(isos) != 0 {
		t.Fatalf("isolations %+v, %v; want none", isos, err)
	}
	bad, got := 0, r.statuses(t, probed)
	for _, cam := range probed {
		s := got[cam.ID]
		if s.State != sharpeyes.StateDown || s.Reason != sharpeyes.ReasonRefused {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s %q, want down refused", cam.ID, s.State, s.Reason)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d cameras not down", bad, len(probed))
	}
}

// A camera whose probe cannot run has no verdict; its stored status says
// why (probe_error) instead of an empty reason, sweep after sweep.
func TestProbeErrorIsTheReasonOfAnUnknownCamera(t *testing.T) {
	r := newRig(t)
	cams := fakeCameras(3, "d/t")
	r.put(t, cams)
	perr := probeErrorResult(t)
	c := r.collector(t, "c1", func(o *collector.Options) {
		o.Probe = verdicts(cams, func(int) probe.Result { return perr })
	})
	for k := range 2 {
		runOnce(t, r, c, t0.Add(time.Duration(k)*time.Minute))
		for id, st := range r.statuses(t, cams) {
			if st.State != sharpeyes.StateUnknown || st.Reason != probe.ReasonProbeError {
				t.Errorf("sweep %d, camera %s: %s %q, want unknown %q", k+1, id, st.State, st.Reason, probe.ReasonProbeError)
			}
		}
	}
}
