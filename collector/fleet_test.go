package collector_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// startFleet starts a simulated fleet closed at the end of the test.
func startFleet(t *testing.T, cfg fleet.Config) *fleet.Fleet {
	t.Helper()
	f, err := fleet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// fleetTimeout is the probe timeout of the fleet tests: short, yet long
// enough for a loopback answer on a loaded CI machine.
const fleetTimeout = 2 * time.Second

// mixedFleet has every failure the collector must tell apart, over every
// kind the fleet serves, with credentials.
func mixedFleet(t *testing.T) *fleet.Fleet {
	t.Helper()
	mix := map[fleet.Behavior]float64{}
	for _, b := range []fleet.Behavior{fleet.Refused, fleet.Silent, fleet.RTSP401, fleet.RTSP404, fleet.RTSP503,
		fleet.Slow, fleet.Garbage, fleet.Drift, fleet.Reset, fleet.NoVideo, fleet.Blackhole} {
		mix[b] = 0.04
	}
	return startFleet(t, fleet.Config{
		Cameras: 150, Seed: 11, Mix: mix,
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeONVIF: 0.25, sharpeyes.ProbeTCP: 0.1,
			sharpeyes.ProbeHTTP: 0.1},
		Username: "admin", Password: "s3cret:pw",
		SlowDelay: 100 * time.Millisecond, ProbeTimeout: fleetTimeout,
		ConnTimeout: 3 * time.Second, SilentHold: 3 * time.Second,
	})
}

// checkExpected fails for every camera whose status is not what the fleet
// says a correct collector concludes.
func checkExpected(t *testing.T, r *rig, f *fleet.Fleet) {
	t.Helper()
	cams := f.Cameras()
	got := r.statuses(t, cams)
	for _, c := range cams {
		if !c.Lifecycle.Probed() {
			continue
		}
		state, reason := f.Expected(c.ID)
		if s := got[c.ID]; s.State != state || s.Reason != reason {
			t.Errorf("%s (%s, %s): got %s %q, want %s %q", c.ID, c.Probe, f.Behavior(c.ID), s.State, s.Reason, state, reason)
		}
	}
}

func TestSweepsReachFleetExpectations(t *testing.T) {
	r := newRig(t)
	f := mixedFleet(t)
	r.put(t, f.Cameras())
	c := r.collector(t, "c1", func(o *collector.Options) { o.ProbeTimeout = fleetTimeout })
	for i := range collector.DefaultFailureThreshold {
		sum := runOnce(t, r, c, t0.Add(time.Duration(i)*time.Minute))
		if sum.Isolated || sum.Dropped != 0 || sum.Conflicts != 0 {
			t.Fatalf("sweep %d: %+v", i, sum)
		}
	}
	checkExpected(t, r, f)
	last, err := r.store.LastSweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if last.Probed != len(f.Cameras()) || last.Down == 0 || last.Degraded == 0 || last.Up == 0 {
		t.Errorf("last sweep: %+v", last)
	}
}

func TestFlappingCameraOpensAndClosesOutage(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	f := mixedFleet(t)
	r.put(t, f.Cameras())
	c := r.collector(t, "c1", func(o *collector.Options) { o.ProbeTimeout = fleetTimeout })
	var flip []string
	for _, cam := range f.Cameras() {
		if f.Behavior(cam.ID) == fleet.OK && cam.Probe != sharpeyes.ProbeTCP && len(flip) < 3 {
			flip = append(flip, cam.ID)
		}
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	runOnce(t, r, c, at(0))
	baseDown := countDown(t, r, f)
	for _, id := range flip {
		if err := f.Set(id, fleet.Silent); err != nil {
			t.Fatal(err)
		}
	}
	runOnce(t, r, c, at(1)) // the flipped cameras' first failure: still up
	if open, _ := r.store.OpenOutages(ctx); len(open) != baseDown {
		t.Fatalf("after one failed sweep: %d open outages, want only the fleet's own %d down cameras", len(open), baseDown)
	}
	for id, s := range r.statuses(t, camerasByID(f, flip)) {
		if s.State != sharpeyes.StateUp || s.ConsecutiveFailures != 1 {
			t.Fatalf("%s after one failure: %s with %d failures, want up with 1", id, s.State, s.ConsecutiveFailures)
		}
	}
	runOnce(t, r, c, at(2)) // second failure: down
	for _, id := range flip {
		if err := f.Set(id, fleet.OK); err != nil {
			t.Fatal(err)
		}
	}
	open := outagesOf(t, r, flip, true)
	for _, o := range open {
		if !o.Start.Equal(at(2)) || o.Reason != sharpeyes.ReasonTimeout {
			t.Errorf("open outage %+v: want start %v, reason timeout", o, at(2))
		}
	}
	runOnce(t, r, c, at(5))
	if left := outagesOf(t, r, flip, true); len(left) != 0 {
		t.Fatalf("outages still open after recovery: %+v", left)
	}
	closed := outagesOf(t, r, flip, false)
	if len(closed) != len(flip) {
		t.Fatalf("closed outages %+v, want %d", closed, len(flip))
	}
	for _, o := range closed {
		if !o.Start.Equal(at(2)) || o.End == nil || !o.End.Equal(at(5)) || o.DurationS != 180 {
			t.Errorf("closed outage %+v: want %v to %v, 180 s", o, at(2), at(5))
		}
	}
	checkExpected(t, r, f)
	checkFlipEvents(t, r, flip, at(2), at(5))
}

// checkFlipEvents checks that each flipped camera went down at down and up
// at back, and did nothing else after its first sweep.
func checkFlipEvents(t *testing.T, r *rig, ids []string, down, back time.Time) {
	t.Helper()
	evs, err := r.store.Events(context.Background(), time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string][]string)
	for _, ev := range evs {
		got[ev.CameraID] = append(got[ev.CameraID], fmt.Sprintf("%s>%s@%s", ev.From, ev.To, ev.At.Format("15:04")))
	}
	for _, id := range ids {
		want := []string{"unknown>up@08:00", "up>down@" + down.Format("15:04"), "down>up@" + back.Format("15:04")}
		if fmt.Sprint(got[id]) != fmt.Sprint(want) {
			t.Errorf("%s events %v, want %v", id, got[id], want)
		}
	}
}

func camerasByID(f *fleet.Fleet, ids []string) []sharpeyes.Camera {
	var out []sharpeyes.Camera
	for _, c := range f.Cameras() {
		if slices.Contains(ids, c.ID) {
			out = append(out, c)
		}
	}
	return out
}

// countDown counts the fleet's cameras expected down.
func countDown(t *testing.T, r *rig, f *fleet.Fleet) int {
	t.Helper()
	n := 0
	for _, c := range f.Cameras() {
		if s, _ := f.Expected(c.ID); s == sharpeyes.StateDown && c.Lifecycle.Probed() {
			n++
		}
	}
	return n
}

// outagesOf returns the open (or closed) outages of the given cameras,
// failing unless each has exactly one.
func outagesOf(t *testing.T, r *rig, ids []string, open bool) []sharpeyes.Outage {
	t.Helper()
	all, err := r.store.OpenOutages(context.Background())
	if !open {
		all, err = r.store.ClosedOutages(context.Background(), time.Time{}, time.Time{})
	}
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]int)
	for _, id := range ids {
		want[id] = 0
	}
	var out []sharpeyes.Outage
	for _, o := range all {
		if _, ok := want[o.CameraID]; ok {
			want[o.CameraID]++
			out = append(out, o)
		}
	}
	for id, n := range want {
		if open && n != 1 && len(out) > 0 || n > 1 {
			t.Errorf("%s has %d outages (open=%v)", id, n, open)
		}
	}
	return out
}
