package report

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func sweepOf(start, end time.Time) store.SweepSummary {
	return store.SweepSummary{Slot: "default@" + start.Format(time.RFC3339), Instances: []string{"c1"},
		Start: start, End: end, Probed: 6, Up: 3, Degraded: 1, Down: 1, Unknown: 1}
}

func TestSummaryCountsStatesStaleAndSweep(t *testing.T) {
	e := newEnv(t)
	e.putAt(t, hours(-48),
		mustCamera(t, "up", "r", sharpeyes.Active), mustCamera(t, "degraded", "r", sharpeyes.Active),
		mustCamera(t, "down", "r", sharpeyes.Active), mustCamera(t, "stale", "r", sharpeyes.Active),
		mustCamera(t, "never", "r", sharpeyes.Active), mustCamera(t, "ready", "r", sharpeyes.Building),
		mustCamera(t, "plan", "r", sharpeyes.Planned))
	at := t0.Add(-30 * time.Second)
	e.setState(t, "up", sharpeyes.StateUp, "", at)
	e.setState(t, "degraded", sharpeyes.StateDegraded, sharpeyes.ReasonRTSP401, at)
	e.setState(t, "down", sharpeyes.StateDown, sharpeyes.ReasonTimeout, at)
	e.setState(t, "stale", sharpeyes.StateUp, "", t0.Add(-3*time.Minute)) // two 1-minute intervals passed
	e.setState(t, "ready", sharpeyes.StateUp, "", at)
	sum, err := e.rep.Summary(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.LastSweep != nil {
		t.Fatalf("last sweep before any: %+v", sum.LastSweep)
	}
	got := []int{sum.Cameras, sum.Lifecycle.Active, sum.Up, sum.Degraded, sum.Down, sum.Unknown, sum.Probed,
		sum.ReadyForAcceptance, sum.OpenOutages, sum.Stale, sum.NeverProbed}
	want := []int{7, 5, 2, 1, 1, 1, 4, 1, 1, 1, 1}
	if !slices.Equal(got, want) || !sameFloat(sum.OnlineRate, ptr(0.5)) || sum.StaleAfterS != 120 {
		t.Fatalf("summary %v rate %v stale after %v; want %v rate 0.5 after 120", got,
			showFloat(sum.OnlineRate), sum.StaleAfterS, want)
	}
	if err := e.store.RecordSweep(context.Background(), sweepOf(t0.Add(-40*time.Second), t0.Add(-25*time.Second))); err != nil {
		t.Fatal(err)
	}
	if sum, err = e.rep.Summary(context.Background(), Query{}); err != nil {
		t.Fatal(err)
	}
	if sum.LastSweep == nil || !sum.LastSweep.End.Equal(t0.Add(-25*time.Second)) || sum.LastSweep.DurationS != 15 {
		t.Fatalf("last sweep %+v, want 15 s ending 25 s ago", sum.LastSweep)
	}
}
