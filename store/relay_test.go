package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// TestRelayCopiedTwiceRecordsHistoryOnce stands in for a writer that dies
// between copying its partition's relay entries to the global history and
// dropping them: the next writer copies the same entries again, and the
// events stream, closed outages and first-known times must still hold
// each change once.
func TestRelayCopiedTwiceRecordsHistoryOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	rdb := s.Client()
	relay, lock := store.PartitionKey("a", "relay"), store.PartitionKey("a", "relay:lock")
	t1, t2 := t0.Add(time.Minute), t0.Add(time.Hour)

	// Another process holds the relay lock: the writes leave their
	// entries in the list, where the test keeps a copy of them.
	if err := rdb.Set(ctx, lock, "another-process", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateDown, sharpeyes.ReasonRefused, t1))
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t2))
	entries, err := rdb.LRange(ctx, relay, 0, -1).Result()
	if err != nil || len(entries) < 4 {
		t.Fatalf("relay list: %d entries (%v), want the three events, an outage and a first-known time", len(entries), err)
	}

	// The lock is released: the next write copies them all and drops them.
	if err := rdb.Del(ctx, lock).Err(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t2.Add(time.Minute)))
	// A crash before the drop would leave them in the list: they are copied again.
	if err := rdb.RPush(ctx, relay, toAny(entries)...).Err(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t2.Add(2*time.Minute)))
	if n, err := rdb.LLen(ctx, relay).Result(); err != nil || n != 0 {
		t.Fatalf("relay list after copying: %d entries (%v), want 0", n, err)
	}

	evs, err := s.Events(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []sharpeyes.Event{
		{CameraID: "a", From: sharpeyes.StateUnknown, To: sharpeyes.StateUp, At: t0},
		{CameraID: "a", From: sharpeyes.StateUp, To: sharpeyes.StateDown, Reason: sharpeyes.ReasonRefused, At: t1},
		{CameraID: "a", From: sharpeyes.StateDown, To: sharpeyes.StateUp, At: t2},
	}
	if len(evs) != len(want) {
		t.Fatalf("events: %d, want %d (each change once): %+v", len(evs), len(want), evs)
	}
	for i := range want {
		if !sameEvent(evs[i], want[i]) {
			t.Errorf("event %d: %+v, want %+v", i, evs[i], want[i])
		}
	}
	closed, err := s.ClosedOutages(ctx, time.Time{}, time.Time{})
	if err != nil || len(closed) != 1 {
		t.Fatalf("closed outages: %+v (%v), want one", closed, err)
	}
	if n, err := rdb.ZCard(ctx, "se:{st}:known").Result(); err != nil || n != 1 {
		t.Errorf("first-known times: %d (%v), want 1", n, err)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
