package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// A camera created one at a time (the API's POST) has the same lifecycle
// history as one imported: availability counts its active time from then.
func TestCreateRecordsLifecycleChange(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	s.SetClock(func() time.Time { return t0 })
	c := cam("a", "x")
	c.Lifecycle = sharpeyes.Active
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	changes, err := s.LifecycleChanges(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := sharpeyes.LifecycleChange{CameraID: "a", From: "", To: sharpeyes.Active, At: t0}
	if len(changes) != 1 || changes[0] != want {
		t.Fatalf("lifecycle changes after Create: %+v, want [%+v]", changes, want)
	}
}

// Deleting a camera that is down closes its outage at the deletion time,
// with the reason it went down for, instead of erasing it; the deletion is
// recorded as the end of its lifecycle.
func TestDeleteClosesOpenOutageAndEndsLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	s.SetClock(func() time.Time { return t0 })
	c := cam("a", "x")
	c.Lifecycle = sharpeyes.Active
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{c}); err != nil {
		t.Fatal(err)
	}
	down, gone := t0.Add(10*time.Minute), t0.Add(70*time.Minute)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonRefused, down))
	s.SetClock(func() time.Time { return gone })
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if open, err := s.OpenOutages(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open outages after delete: %+v, %v; want none", open, err)
	}
	closed, err := s.ClosedOutages(ctx, t0, gone.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 1 || !closed[0].Start.Equal(down) || closed[0].End == nil || !closed[0].End.Equal(gone) ||
		closed[0].DurationS != 3600 || closed[0].Reason != sharpeyes.ReasonRefused {
		t.Fatalf("closed outages after delete: %+v; want one from %v to %v, 3600 s, refused", closed, down, gone)
	}
	changes, err := s.LifecycleChanges(ctx, gone)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(changes); n != 2 || changes[1].From != sharpeyes.Active || changes[1].To != "" || !changes[1].At.Equal(gone) {
		t.Fatalf("lifecycle changes: %+v; want the deletion at %v last", changes, gone)
	}
}

// A status write with a known state records when the camera was first
// known; later writes keep that time, and deletion forgets it.
func TestStatusWritesRecordFirstKnownTime(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	c := cam("a", "x")
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{c}); err != nil {
		t.Fatal(err)
	}
	// A first failure below the threshold leaves the camera unknown.
	first := change("a", sharpeyes.Unknown(), sharpeyes.StateUnknown, "", t0)
	mustApply(t, s, first)
	known := func() []store.KnownRecord {
		t.Helper()
		page, err := s.KnownPage(ctx, store.PageQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return page.Items
	}
	if got := known(); len(got) != 0 {
		t.Fatalf("known after an unknown status: %+v, want none", got)
	}
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateDown, sharpeyes.ReasonRefused, t1))
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t2))
	if got := known(); len(got) != 1 || got[0].CameraID != "a" || !got[0].Since.Equal(t1) {
		t.Fatalf("known: %+v, want a since %v", got, t1)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := known(); len(got) != 0 {
		t.Fatalf("known after delete: %+v, want none", got)
	}
}
