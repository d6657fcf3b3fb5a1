package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestProbeIndexFollowsStatusWritesAndDeletes(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.Put(ctx, cam(id, "r")); err != nil {
			t.Fatal(err)
		}
	}
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0.Add(-10*time.Minute)),
		change("b", sharpeyes.Unknown(), sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0))
	// A later probe of a moves it out of the stale range.
	mustApply(t, s, change("a", mustStatus(t, s, "a"), sharpeyes.StateUp, "", t0.Add(time.Minute)))
	mustApply(t, s, change("c", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0.Add(-5*time.Minute)))
	tests := []struct {
		name        string
		del         string
		probed      []string
		stale, open []string
	}{
		{"after writes", "", []string{"a", "b", "c"}, []string{"c"}, []string{"b"}},
		{"after deleting the stale camera", "c", []string{"a", "b"}, nil, []string{"b"}},
		{"after deleting the down camera", "b", []string{"a"}, nil, nil},
	}
	for _, tt := range tests {
		if tt.del != "" {
			if err := s.Delete(ctx, tt.del); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ReadSummary(ctx, t0.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		ids, err := s.ProbedIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open, ver, err := s.OpenOutageIDs(ctx)
		if err != nil || ver != got.States {
			t.Fatalf("%s: open outages %v, version %+v, summary's %+v", tt.name, err, ver, got.States)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, tt.probed) || got.Probed != int64(len(tt.probed)) ||
			!slices.Equal(got.Stale, tt.stale) || !slices.Equal(open, tt.open) {
			t.Fatalf("%s: probed %v (%d) stale %v open %v; want %v stale %v open %v", tt.name,
				ids, got.Probed, got.Stale, open, tt.probed, tt.stale, tt.open)
		}
	}
}

func TestBuildProbeIndexTakesOlderStatusesOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mustApply(t, s, change("a", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0),
		change("b", sharpeyes.Unknown(), sharpeyes.StateUp, "", t0.Add(-time.Hour)))
	for _, k := range store.AllPartitionKeys("probed") { // written before the index
		if err := s.Client().Del(ctx, k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.BuildProbeIndex(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadSummary(ctx, t0.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Probed != 2 || !slices.Equal(got.Stale, []string{"b"}) {
		t.Fatalf("probed %d stale %v, want 2 and [b]", got.Probed, got.Stale)
	}
	if err := s.Client().ZRem(ctx, store.PartitionKey("a", "probed"), "a").Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.BuildProbeIndex(ctx); err != nil { // built: does not scan again
		t.Fatal(err)
	}
	if n := sumOver(t, store.AllPartitionKeys("probed"), func(k string) *redis.IntCmd { return s.Client().ZCard(ctx, k) }); n != 1 {
		t.Fatalf("index has %d cameras after a second build, want 1 (built once)", n)
	}
}
