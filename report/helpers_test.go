package report

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/internal/testclock"
	"github.com/sharpeyes/sharpeyes/store"
)

// clock is the settable test clock.
type clock = testclock.Clock

// t0 is "now" in the tests' controlled timelines.
var t0 = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)

// env is one test's Redis, store, clock and reporter.
type env struct {
	rdb   redis.UniversalClient
	store *store.Store
	clock *clock
	rep   *Reporter
}

// newEnv starts a redis-server for the test and returns an env on it.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	return envOn(tb, redistest.StartTarget(tb).Client())
}

// envOn returns a fresh env on an existing server, emptied first.
func envOn(tb testing.TB, rdb redis.UniversalClient) *env {
	tb.Helper()
	if err := redistest.FlushAll(context.Background(), rdb); err != nil {
		tb.Fatalf("flush redis: %v", err)
	}
	e := &env{rdb: rdb, store: store.New(rdb), clock: testclock.New(t0)}
	e.store.SetClock(e.clock.Now)
	e.rep = New(Options{Store: e.store, Now: e.clock.Now, Interval: time.Minute})
	return e
}

// mustCamera returns a valid camera.
func mustCamera(tb testing.TB, id, region string, lc sharpeyes.Lifecycle) sharpeyes.Camera {
	tb.Helper()
	c := sharpeyes.Camera{ID: id, Name: "camera " + id, Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP,
		Region: region, Lifecycle: lc, Owner: sharpeyes.OwnerPolice, Maintainer: "crew-" + region, Uplink: "sw-1"}
	if err := c.Normalize(); err != nil {
		tb.Fatalf("camera %s: %v", id, err)
	}
	return c
}

// putAt writes cameras with the store's clock at t, so that lifecycle
// changes are stamped then; the clock is left at t0.
func (e *env) putAt(tb testing.TB, t time.Time, cams ...sharpeyes.Camera) {
	tb.Helper()
	e.clock.Set(t)
	defer e.clock.Set(t0)
	if _, err := e.store.PutMany(context.Background(), cams); err != nil {
		tb.Fatalf("put cameras: %v", err)
	}
}

// setState writes a camera's status through ApplyStatuses, with an event
// at time at when the state changes (which opens or closes outages).
func (e *env) setState(tb testing.TB, id string, st sharpeyes.State, reason string, at time.Time) {
	tb.Helper()
	ctx := context.Background()
	prev, err := e.store.Status(ctx, id)
	if err != nil {
		tb.Fatalf("status of %s: %v", id, err)
	}
	next := sharpeyes.Status{State: st, Reason: reason, Since: prev.Since, LastProbe: at}
	var ev *sharpeyes.Event
	if prev.State != st {
		next.Since = at
		ev = &sharpeyes.Event{CameraID: id, From: prev.State, To: st, Reason: reason, At: at}
	}
	w := store.StatusWrite{ID: id, Prev: prev, Next: next, Event: ev}
	if _, conflicts, err := e.store.ApplyStatuses(ctx, []store.StatusWrite{w}); err != nil || len(conflicts) > 0 {
		tb.Fatalf("apply status of %s: %v, conflicts %v", id, err, conflicts)
	}
}

// setStates writes many statuses in one call (no outages: first probes).
func (e *env) setStates(tb testing.TB, states map[string]sharpeyes.State, at time.Time) {
	tb.Helper()
	writes := make([]store.StatusWrite, 0, len(states))
	for id, st := range states {
		ev := &sharpeyes.Event{CameraID: id, From: sharpeyes.StateUnknown, To: st, At: at}
		writes = append(writes, store.StatusWrite{ID: id, Prev: sharpeyes.Unknown(),
			Next: sharpeyes.Status{State: st, Since: at, LastProbe: at}, Event: ev})
	}
	if _, conflicts, err := e.store.ApplyStatuses(context.Background(), writes); err != nil || len(conflicts) > 0 {
		tb.Fatalf("apply statuses: %v, conflicts %d", err, len(conflicts))
	}
}

func (e *env) recordOutages(tb testing.TB, outages ...sharpeyes.Outage) {
	tb.Helper()
	if err := e.store.RecordOutages(context.Background(), outages); err != nil {
		tb.Fatalf("record outages: %v", err)
	}
}

// closed returns a closed outage of camera id over [start, end).
func closed(id string, start, end time.Time) sharpeyes.Outage {
	return sharpeyes.Outage{CameraID: id, Start: start, End: &end, DurationS: end.Sub(start).Seconds(), Reason: "timeout"}
}

// hours returns t0 plus n hours (n negative for the past).
func hours(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }

// ptr returns a pointer to v, for expected nullable figures.
func ptr(v float64) *float64 { return &v }

// sameFloat compares nullable figures to within a nanosecond's rounding.
func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9*math.Max(1, math.Abs(*b))
}

func showFloat(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}
