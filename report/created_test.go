package report

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// A camera created through the API (store.Create) and one imported
// (store.PutMany) with the same probe history have the same availability:
// both are monitored from their first known state, not from before they
// existed.
func TestAvailabilityOfCreatedCameraMatchesImported(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	created := t0.Add(-2 * time.Hour)
	e.clock.Set(created)
	if err := e.store.Create(ctx, mustCamera(t, "api", "r", sharpeyes.Active)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.PutMany(ctx, []sharpeyes.Camera{mustCamera(t, "imp", "r", sharpeyes.Active)}); err != nil {
		t.Fatal(err)
	}
	// One sweep a minute for two hours: up for the first hour, then
	// refused; the camera turns down at the second failure (-59 min).
	for k := range 120 {
		at := created.Add(time.Duration(k) * time.Minute)
		r := probe.Result{State: sharpeyes.StateUp}
		if k >= 60 {
			r = probe.Result{State: sharpeyes.StateDown, Reason: sharpeyes.ReasonRefused}
		}
		var writes []store.StatusWrite
		for _, id := range []string{"api", "imp"} {
			prev, err := e.store.Status(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			next, ev := collector.Next(prev, r, at, collector.Thresholds{})
			if ev != nil {
				ev.CameraID = id
			}
			writes = append(writes, store.StatusWrite{ID: id, Prev: prev, Next: next, Event: ev})
		}
		if _, c, err := e.store.ApplyStatuses(ctx, writes); err != nil || len(c) > 0 {
			t.Fatalf("sweep %d: %v, conflicts %v", k, err, c)
		}
	}
	e.clock.Set(t0)
	q, err := ParseQuery(url.Values{"window": {"24h"}}, t0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	q.Cameras = true
	rep, err := e.rep.Availability(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want := 61.0 / 120
	for _, c := range rep.Cameras {
		if c.Availability == nil || *c.Availability != want || c.MonitoredS != 7200 {
			t.Errorf("%s: availability %v over %v s monitored; want %v over 7200 s", c.CameraID,
				showFloat(c.Availability), c.MonitoredS, want)
		}
	}
}
