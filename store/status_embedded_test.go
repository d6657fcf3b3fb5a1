package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/embedded"
	"github.com/sharpeyes/sharpeyes/store"
)

// serve's default embedded server must run the same scripts.
func TestStatusScriptsRunOnEmbeddedServer(t *testing.T) {
	ctx := context.Background()
	srv, err := embedded.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	s := store.New(rdb)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0))
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t0.Add(time.Minute)))
	if n, c, err := s.ApplyStatuses(ctx, []store.StatusWrite{change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0)}); n != 0 || len(c) != 1 || err != nil {
		t.Fatalf("stale write: applied %d, conflicts %v, %v", n, c, err)
	}
	closed, err := s.ClosedOutages(ctx, time.Time{}, time.Time{})
	if err != nil || len(closed) != 1 || closed[0].DurationS != 60 {
		t.Fatalf("closed outages: %+v, %v", closed, err)
	}
	if evs, err := s.Events(ctx, time.Time{}, 0); err != nil || len(evs) != 2 {
		t.Fatalf("events: %+v, %v; want down then up", evs, err)
	}
	key := store.SweepLeaseKey("s", 1)
	if ok, err := s.TryLease(ctx, key, "a", time.Minute); !ok || err != nil {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	if err := s.MarkDone(ctx, key, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	sum := store.SweepSummary{Slot: "x", Instances: []string{"a"}, Start: t0, End: t0, Probed: 1, ByReason: map[string]int{"timeout": 1}}
	if err := s.RecordSweep(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSweep(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LastSweep(ctx); err != nil || got.Probed != 2 {
		t.Fatalf("last sweep: %+v, %v", got, err)
	}
}
