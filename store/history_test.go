package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestEventsSkipsIsolationsAndHonoursLimit(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	if err := s.RecordIsolation(ctx, store.Isolation{Instance: "c1", Slot: "x", At: t0, Probed: 100, Failed: 95}); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, change("b", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0),
		change("c", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	evs, err := s.Events(ctx, time.Time{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].CameraID != "a" || evs[1].CameraID != "b" {
		t.Fatalf("events: %+v, want a and b", evs)
	}
	all, _ := s.Events(ctx, time.Time{}, 0)
	if len(all) != 3 {
		t.Fatalf("all events: %d, want 3 camera events", len(all))
	}
	future, _ := s.Events(ctx, time.Now().Add(time.Hour), 0)
	if len(future) != 0 {
		t.Fatalf("events since an hour from now: %+v", future)
	}
	isos, err := s.Isolations(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(isos) != 1 || isos[0].Instance != "c1" || isos[0].Failed != 95 || !isos[0].At.Equal(t0) {
		t.Fatalf("isolations: %+v", isos)
	}
}

func TestRecordOutagesAndTrimHistory(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	end := func(d time.Duration) *time.Time { e := t0.Add(d); return &e }
	err := s.RecordOutages(ctx, []sharpeyes.Outage{
		{CameraID: "old", Start: t0, End: end(time.Hour), DurationS: 3600},
		{CameraID: "new", Start: t0.Add(2 * time.Hour), End: end(3 * time.Hour), DurationS: 3600},
		{CameraID: "open", Start: t0.Add(time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	closed, _ := s.ClosedOutages(ctx, time.Time{}, time.Time{})
	open, _ := s.OpenOutages(ctx)
	if len(closed) != 2 || len(open) != 1 || open[0].CameraID != "open" {
		t.Fatalf("closed %+v, open %+v; want 2 closed, 1 open", closed, open)
	}
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	if err := s.TrimHistory(ctx, t0.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	closed, _ = s.ClosedOutages(ctx, time.Time{}, time.Time{})
	if len(closed) != 1 || closed[0].CameraID != "new" {
		t.Fatalf("after trim: %+v, want only new", closed)
	}
	if open, _ := s.OpenOutages(ctx); len(open) != 1 {
		t.Fatalf("trim dropped the open outage: %+v", open)
	}
	// The event was stored now (Redis time), after the cut-off in 2025.
	if evs, _ := s.Events(ctx, time.Time{}, 0); len(evs) != 1 {
		t.Fatalf("events after trim before 2025-11-26T09:30: %d, want 1", len(evs))
	}
	if err := s.TrimHistory(ctx, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if evs, _ := s.Events(ctx, time.Time{}, 0); len(evs) != 0 {
		t.Fatalf("events after trimming everything: %+v", evs)
	}
}

func TestRecordSweepMergesInstancesOfOneSlot(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.LastSweep(ctx); err == nil {
		t.Fatal("last sweep before any: no error")
	}
	a := store.SweepSummary{Slot: "default@1", Instances: []string{"a"}, Start: t0, End: t0.Add(10 * time.Second),
		Probed: 10, Failed: 2, Up: 8, Down: 2, ByReason: map[string]int{"timeout": 2}}
	b := store.SweepSummary{Slot: "default@1", Instances: []string{"b"}, Start: t0.Add(-time.Second), End: t0.Add(5 * time.Second),
		Probed: 5, Failed: 1, Up: 3, Degraded: 1, Unknown: 1, ByReason: map[string]int{"timeout": 1, "rtsp_401": 1}, Isolated: true}
	for _, sum := range []store.SweepSummary{a, b} {
		if err := s.RecordSweep(ctx, sum); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LastSweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Probed != 15 || got.Failed != 3 || got.Up != 11 || got.Degraded != 1 || got.Down != 2 || got.Unknown != 1 ||
		got.ByReason["timeout"] != 3 || got.ByReason["rtsp_401"] != 1 || !got.Isolated ||
		!got.Start.Equal(t0.Add(-time.Second)) || got.DurationS != 11 || len(got.Instances) != 2 {
		t.Fatalf("merged sweep: %+v", got)
	}
	older := store.SweepSummary{Slot: "default@0", Instances: []string{"c"}, Start: t0.Add(-time.Minute), End: t0, Probed: 1}
	if err := s.RecordSweep(ctx, older); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LastSweep(ctx); got.Slot != "default@1" {
		t.Fatalf("an older slot replaced the last sweep: %+v", got)
	}
	newer := store.SweepSummary{Slot: "default@2", Instances: []string{"c"}, Start: t0.Add(time.Minute), End: t0.Add(2 * time.Minute), Probed: 4, Up: 4}
	if err := s.RecordSweep(ctx, newer); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LastSweep(ctx); got.Slot != "default@2" || got.Probed != 4 || got.Isolated || got.ByReason != nil {
		t.Fatalf("newer slot: %+v", got)
	}
}
