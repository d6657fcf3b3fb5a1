package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

var t0 = time.Date(2025, 11, 26, 8, 0, 0, 0, time.UTC)

// change builds the write that moves a camera from prev to state to at at.
func change(id string, prev sharpeyes.Status, to sharpeyes.State, reason string, at time.Time) store.StatusWrite {
	next := prev
	next.State, next.Reason, next.Since, next.LastProbe = to, reason, at, at
	w := store.StatusWrite{ID: id, Prev: prev, Next: next}
	from := prev.State
	if from == "" {
		from = sharpeyes.StateUnknown
	}
	if from != to {
		w.Event = &sharpeyes.Event{CameraID: id, From: from, To: to, Reason: reason, At: at}
	}
	return w
}

// sameEvent compares events ignoring the stream id.
func sameEvent(a, b sharpeyes.Event) bool {
	return a.CameraID == b.CameraID && a.From == b.From && a.To == b.To && a.Reason == b.Reason && a.At.Equal(b.At)
}

// mustApply applies writes and fails on an error or any conflict.
func mustApply(t *testing.T, s *store.Store, writes ...store.StatusWrite) {
	t.Helper()
	n, conflicts, err := s.ApplyStatuses(context.Background(), writes)
	if err != nil || len(conflicts) > 0 || n != len(writes) {
		t.Fatalf("apply %d writes: applied %d, conflicts %v, err %v", len(writes), n, conflicts, err)
	}
}

func mustStatus(t *testing.T, s *store.Store, id string) sharpeyes.Status {
	t.Helper()
	st, err := s.Status(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestApplyStatusesWritesStatusSetsAndEvent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	got := mustStatus(t, s, "a")
	if got.State != sharpeyes.StateUp || got.Seq != 1 || !got.Since.Equal(t0) {
		t.Fatalf("status: %+v, want up since %v with seq 1", got, t0)
	}
	mustApply(t, s, change("a", got, sharpeyes.StateDegraded, sharpeyes.ReasonRTSP401, t0.Add(time.Minute)))
	for set, want := range map[string]bool{"up": false, "degraded": true, "down": false} {
		in, err := s.Client().SIsMember(ctx, store.PartitionKey("a", "state:"+set), "a").Result()
		if err != nil || in != want {
			t.Errorf("a in the %s set: %v (%v), want %v", set, in, err, want)
		}
	}
	evs, err := s.Events(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []sharpeyes.Event{
		{CameraID: "a", From: sharpeyes.StateUnknown, To: sharpeyes.StateUp, At: t0},
		{CameraID: "a", From: sharpeyes.StateUp, To: sharpeyes.StateDegraded, Reason: sharpeyes.ReasonRTSP401, At: t0.Add(time.Minute)},
	}
	if len(evs) != len(want) {
		t.Fatalf("events: got %+v, want %+v", evs, want)
	}
	for i := range want {
		if !sameEvent(evs[i], want[i]) {
			t.Errorf("event %d: got %+v, want %+v", i, evs[i], want[i])
		}
	}
}

func TestApplyStatusesConcurrentSameTransitionYieldsOneEvent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const appliers = 8
	prev := sharpeyes.Unknown()
	var applied, conflicted int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range appliers {
		// Each collector saw the camera fail at its own time.
		w := change("cam", prev, sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0.Add(time.Duration(i)*time.Millisecond))
		wg.Go(func() {
			n, c, err := s.ApplyStatuses(ctx, []store.StatusWrite{w})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			applied += n
			conflicted += len(c)
			mu.Unlock()
		})
	}
	wg.Wait()
	if applied != 1 || conflicted != appliers-1 {
		t.Fatalf("applied %d, conflicts %d; want 1 and %d", applied, conflicted, appliers-1)
	}
	evs, err := s.Events(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("got %d events, want exactly 1: %+v", len(evs), evs)
	}
	open, err := s.OpenOutages(ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("open outages: %+v, %v; want 1", open, err)
	}
}

func TestApplyStatusesOpensAndClosesOutages(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t1, t2, t3 := t0.Add(10*time.Minute), t0.Add(70*time.Minute), t0.Add(2*time.Hour)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0),
		change("b", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateDown, sharpeyes.ReasonRefused, t1),
		change("b", mustStatus(t, s, "b"), sharpeyes.StateDown, sharpeyes.ReasonTimeout, t1))
	open, err := s.OpenOutages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 || !open[0].Start.Equal(t1) || open[0].End != nil || open[0].Reason != sharpeyes.ReasonRefused {
		t.Fatalf("open outages: %+v, want a and b from %v", open, t1)
	}
	// a comes back up, b answers again but degraded: both outages close.
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t2),
		change("b", mustStatus(t, s, "b"), sharpeyes.StateDegraded, sharpeyes.ReasonRTSP404, t2))
	// degraded -> up closes nothing more.
	mustApply(t, s, change("b", mustStatus(t, s, "b"), sharpeyes.StateUp, "", t3))
	if open, _ := s.OpenOutages(ctx); len(open) != 0 {
		t.Fatalf("open outages after recovery: %+v", open)
	}
	closed, err := s.ClosedOutages(ctx, t0, t3)
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 2 {
		t.Fatalf("closed outages: %+v, want 2", closed)
	}
	for _, o := range closed {
		if !o.Start.Equal(t1) || o.End == nil || !o.End.Equal(t2) || o.DurationS != 3600 {
			t.Errorf("outage %+v: want %v to %v, 3600 s", o, t1, t2)
		}
	}
	if closed[0].Reason != sharpeyes.ReasonRefused || closed[1].Reason != sharpeyes.ReasonTimeout {
		t.Errorf("reasons: %q, %q; want refused, timeout", closed[0].Reason, closed[1].Reason)
	}
	if later, _ := s.ClosedOutages(ctx, t2.Add(time.Second), time.Time{}); len(later) != 0 {
		t.Errorf("outages ending after %v: %+v, want none", t2, later)
	}
	if before, _ := s.ClosedOutages(ctx, time.Time{}, t1.Add(-time.Second)); len(before) != 0 {
		t.Errorf("outages starting before %v: %+v, want none", t1, before)
	}
}

func TestApplyStatusesBatchesAndReloadsFlushedScript(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const n = 1234
	writes := make([]store.StatusWrite, n)
	ids := make([]string, n)
	for i := range writes {
		ids[i] = fmt.Sprintf("c%05d", i)
		writes[i] = change(ids[i], sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0)
	}
	if err := s.Client().ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, writes...)
	if down := sumOver(t, store.AllPartitionKeys("state:down"), func(k string) *redis.IntCmd { return s.Client().SCard(ctx, k) }); down != int64(n) {
		t.Fatalf("down set has %d members, want %d", down, n)
	}
	// The same writes again find themselves stored: retrying after an
	// error is safe and records nothing twice.
	applied, conflicts, err := s.ApplyStatuses(ctx, writes)
	if err != nil || applied != n || len(conflicts) != 0 {
		t.Fatalf("replay: applied %d, %d conflicts, %v; want %d, 0", applied, len(conflicts), err, n)
	}
	evs, _ := s.Events(ctx, time.Time{}, 10*n)
	if len(evs) != n {
		t.Fatalf("%d events, want %d", len(evs), n)
	}
}

func TestApplyStatusesRejectsEventNotMatchingState(t *testing.T) {
	s := newStore(t)
	w := change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0)
	w.Event.To = sharpeyes.StateDown
	if _, _, err := s.ApplyStatuses(context.Background(), []store.StatusWrite{w}); err == nil {
		t.Fatal("event to down on an up status: no error")
	}
}

func TestApplyStatusesFailsWhileRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	s := store.New(srv.Client())
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _, err := s.ApplyStatuses(ctx, []store.StatusWrite{change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0)})
	if err == nil {
		t.Fatal("no error with Redis stopped")
	}
}

// BenchmarkApplyStatuses writes 10,000 state changes (with events) per op.
func BenchmarkApplyStatuses(b *testing.B) {
	ctx := context.Background()
	s := store.New(redistest.Start(b).Client())
	const n = 10_000
	prev := make([]sharpeyes.Status, n)
	writes := make([]store.StatusWrite, n)
	states := []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded}
	op := 0
	for b.Loop() {
		for i := range writes {
			writes[i] = change(fmt.Sprintf("c%05d", i), prev[i], states[op%2], "", t0.Add(time.Duration(op)*time.Minute))
			prev[i] = writes[i].Next
			prev[i].Seq++
		}
		if n, c, err := s.ApplyStatuses(ctx, writes); err != nil || n != len(writes) {
			b.Fatalf("applied %d, %d conflicts, %v", n, len(c), err)
		}
		op++
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/n, "ns/write")
}

// A retried call (go-redis re-sends a pipeline that outlived its read
// timeout; a caller retries after an error) finds its own writes stored:
// they count as applied, not as conflicts, and record nothing twice.
func TestApplyStatusesRetriedWriteCountsAsAppliedOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	writes := []store.StatusWrite{
		change("a", sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonRefused, t0),
		change("b", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0),
	}
	mustApply(t, s, writes...)
	mustApply(t, s, writes...)
	evs, err := s.Events(ctx, time.Time{}, 0)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %+v (%v), want one per camera", evs, err)
	}
	if open, err := s.OpenOutages(ctx); err != nil || len(open) != 1 {
		t.Fatalf("open outages: %+v (%v), want a's", open, err)
	}
	// Another collector's write from the same previous status is still a
	// conflict: its status differs.
	late := change("a", sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0.Add(time.Second))
	if n, c, err := s.ApplyStatuses(ctx, []store.StatusWrite{late}); n != 0 || len(c) != 1 || err != nil {
		t.Fatalf("a different write from the same status: applied %d, conflicts %v, %v; want a conflict", n, c, err)
	}
}
