package report

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// heldOutages returns the cache's outages as "camera@end-hour" after a
// refresh, in cache order, and how many full loads it has done.
func heldOutages(t *testing.T, e *env) ([]string, int) {
	t.Helper()
	var out []string
	tb := e.rep.outages.tables
	err := e.rep.outages.view(context.Background(), func(es []entry[closedOutage], _ histVersion) {
		for _, x := range es {
			end := time.Unix(0, x.v.end).UTC().Sub(t0).Minutes()
			out = append(out, tb.ids[x.v.cam]+"@"+time.Duration(end*float64(time.Minute)).String())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, e.rep.outages.loads
}

func outageEndingAt(cam string, minutes int) sharpeyes.Outage {
	end := t0.Add(time.Duration(minutes) * time.Minute)
	return closed(cam, end.Add(-time.Minute), end)
}

func TestOutageCacheRefreshesIncrementally(t *testing.T) {
	rdb := redistest.StartTarget(t).Client()
	type stepFn func(t *testing.T, e *env)
	record := func(os ...sharpeyes.Outage) stepFn {
		return func(t *testing.T, e *env) { e.recordOutages(t, os...) }
	}
	cases := []struct {
		name      string
		before    []sharpeyes.Outage // held after the first load
		then      stepFn
		want      []string
		wantLoads int
	}{
		{"new outages are appended", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -50)},
			record(outageEndingAt("c", -10), outageEndingAt("d", -5)),
			[]string{"a@-1h0m0s", "b@-50m0s", "c@-10m0s", "d@-5m0s"}, 1},
		{"ties across pages are read once", []sharpeyes.Outage{outageEndingAt("a", -60)},
			record(outageEndingAt("b", -30), outageEndingAt("c", -30), outageEndingAt("d", -30),
				outageEndingAt("e", -30), outageEndingAt("f", -30), outageEndingAt("g", -20)),
			[]string{"a@-1h0m0s", "b@-30m0s", "c@-30m0s", "d@-30m0s", "e@-30m0s", "f@-30m0s", "g@-20m0s"}, 1},
		{"a late member within the look-back is merged in order", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -10)},
			record(outageEndingAt("late", -20)),
			[]string{"a@-1h0m0s", "late@-20m0s", "b@-10m0s"}, 1},
		{"a member of the same millisecond as the newest is merged", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -10)},
			record(outageEndingAt("b2", -10)),
			[]string{"a@-1h0m0s", "b@-10m0s", "b2@-10m0s"}, 1},
		{"a member far out of order reloads", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -10)},
			record(outageEndingAt("old", -300)),
			[]string{"old@-5h0m0s", "a@-1h0m0s", "b@-10m0s"}, 2},
		{"trimmed members are dropped without a reload", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -10)},
			func(t *testing.T, e *env) {
				if err := e.store.TrimHistory(context.Background(), t0.Add(-30*time.Minute)); err != nil {
					t.Fatal(err)
				}
			},
			[]string{"b@-10m0s"}, 1},
		{"a flushed store is followed", []sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -10)},
			func(t *testing.T, e *env) {
				if err := redistest.FlushAll(context.Background(), e.rdb); err != nil {
					t.Fatal(err)
				}
				e.recordOutages(t, outageEndingAt("z", -1))
			},
			[]string{"z@-1m0s"}, 1},
		{"a member removed in the middle reloads",
			[]sharpeyes.Outage{outageEndingAt("a", -60), outageEndingAt("b", -40), outageEndingAt("c", -10)},
			func(t *testing.T, e *env) {
				ms := strconv.FormatInt(t0.Add(-40*time.Minute).UnixMilli(), 10)
				if err := e.rdb.ZRemRangeByScore(context.Background(), "se:{st}:outages", ms, ms).Err(); err != nil {
					t.Fatal(err)
				}
			},
			[]string{"a@-1h0m0s", "c@-10m0s"}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := envOn(t, rdb)
			e.rep.outages.page = 3
			e.recordOutages(t, tc.before...)
			if got, _ := heldOutages(t, e); len(got) != len(tc.before) {
				t.Fatalf("first load holds %v", got)
			}
			tc.then(t, e)
			got, loads := heldOutages(t, e)
			if !slices.Equal(got, tc.want) || loads != tc.wantLoads {
				t.Fatalf("holds %v after %d loads, want %v after %d", got, loads, tc.want, tc.wantLoads)
			}
		})
	}
}

func TestOutageCacheLoadsLargeTiesInPages(t *testing.T) {
	e := newEnv(t)
	e.rep.outages.page = 4
	var os []sharpeyes.Outage
	for i := range 23 {
		os = append(os, outageEndingAt(string(rune('a'+i)), -(i/10)*5))
	}
	e.recordOutages(t, os...)
	got, loads := heldOutages(t, e)
	if len(got) != 23 || loads != 1 {
		t.Fatalf("holds %d outages after %d loads, want 23 after 1: %v", len(got), loads, got)
	}
	seen := map[string]bool{}
	for _, g := range got {
		if seen[g] {
			t.Fatalf("%s held twice", g)
		}
		seen[g] = true
	}
}

func TestWarmLoadsHistoriesOnce(t *testing.T) {
	e := newEnv(t)
	e.putAt(t, hours(-10), mustCamera(t, "a", "r", sharpeyes.Active))
	e.recordOutages(t, outageEndingAt("a", -60))
	if err := e.rep.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rep.Availability(context.Background(), Query{}); err != nil {
		t.Fatal(err)
	}
	if got, loads := heldOutages(t, e); len(got) != 1 || loads != 1 || e.rep.life.loads != 1 || e.rep.fleets.fullReads != 1 {
		t.Fatalf("after Warm and a report: %v outages, %d outage loads, %d lifecycle loads, %d state reads; want 1 each",
			got, loads, e.rep.life.loads, e.rep.fleets.fullReads)
	}
}
