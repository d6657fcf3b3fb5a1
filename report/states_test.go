package report

import (
	"context"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestCoverageFollowsStateChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.putAt(t, hours(-10), mustCamera(t, "a", "r", sharpeyes.Active), mustCamera(t, "b", "r", sharpeyes.Active),
		mustCamera(t, "c", "r", sharpeyes.Active))
	counts := func() [4]int {
		t.Helper()
		rep, err := e.rep.Coverage(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		g := rep.Total
		return [4]int{g.Up, g.Degraded, g.Down, g.Unknown}
	}
	cases := []struct {
		name      string
		change    func(t *testing.T)
		want      [4]int
		fullReads int
	}{
		{"first load reads the sets", func(*testing.T) {}, [4]int{0, 0, 0, 3}, 1},
		{"state changes are replayed", func(t *testing.T) {
			e.setState(t, "a", sharpeyes.StateUp, "", hours(-2))
			e.setState(t, "b", sharpeyes.StateDown, "timeout", hours(-2))
		}, [4]int{1, 0, 1, 1}, 1},
		{"a change without an event is caught by the set sizes", func(t *testing.T) {
			prev, _ := e.store.Status(ctx, "c")
			w := store.StatusWrite{ID: "c", Prev: prev, Next: sharpeyes.Status{State: sharpeyes.StateDegraded}}
			if _, _, err := e.store.ApplyStatuses(ctx, []store.StatusWrite{w}); err != nil {
				t.Fatal(err)
			}
		}, [4]int{1, 1, 1, 0}, 2},
		{"a trimmed stream makes a full read", func(t *testing.T) {
			if err := e.rdb.XTrimMaxLen(ctx, "se:{st}:events", 0).Err(); err != nil {
				t.Fatal(err)
			}
			e.setState(t, "b", sharpeyes.StateUp, "", hours(-1))
		}, [4]int{2, 1, 0, 0}, 3},
		{"a deleted camera leaves", func(t *testing.T) {
			if err := e.store.Delete(ctx, "a"); err != nil {
				t.Fatal(err)
			}
		}, [4]int{1, 1, 0, 0}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			if got := counts(); got != tc.want || e.rep.fleets.fullReads != tc.fullReads {
				t.Fatalf("up/degraded/down/unknown %v after %d full reads, want %v after %d",
					got, e.rep.fleets.fullReads, tc.want, tc.fullReads)
			}
		})
	}
}
