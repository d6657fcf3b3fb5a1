package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Summary is the status summary: counts by lifecycle, active cameras by
// state, the online rate (up ÷ probed active cameras), probe freshness and
// the last sweep.
type Summary struct {
	At time.Time `json:"at"`
	// Timezone is the IANA name of the zone of local dates and of times
	// shown to people (the console formats times in it).
	Timezone   string     `json:"timezone"`
	Cameras    int        `json:"cameras"`
	Lifecycle  Lifecycles `json:"lifecycle"`
	Up         int        `json:"up"`
	Degraded   int        `json:"degraded"`
	Down       int        `json:"down"`
	Unknown    int        `json:"unknown"`
	Probed     int        `json:"probed"`
	OnlineRate *float64   `json:"online_rate"`
	// ReadyForAcceptance counts building cameras that answer probes.
	ReadyForAcceptance int `json:"ready_for_acceptance"`
	OpenOutages        int `json:"open_outages"`
	// Stale counts active and building cameras whose last probe is older
	// than StaleAfterS (two sweep intervals); NeverProbed those with no
	// probe yet. Both are 0 when the interval is not configured.
	Stale       int     `json:"stale"`
	NeverProbed int     `json:"never_probed"`
	StaleAfterS float64 `json:"stale_after_s"`
	// LastSweep is null before the first sweep.
	LastSweep *store.SweepSummary `json:"last_sweep"`
}

// Summary computes the status summary of the cameras q.Filter selects. It
// returns an error when the store cannot be read.
func (r *Reporter) Summary(ctx context.Context, q Query) (*Summary, error) {
	now := r.now()
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	var g Group
	sum := &Summary{At: now.UTC(), Timezone: r.loc.String()}
	var probedIDs []string
	for i, c := range fl.cams {
		g.add(fl.lcs[i], fl.st(i))
		if c.Lifecycle == sharpeyes.Building && answers(fl.state(i)) {
			sum.ReadyForAcceptance++
		}
		if c.Lifecycle.Probed() {
			probedIDs = append(probedIDs, c.ID)
		}
	}
	g.finish()
	sum.Cameras, sum.Lifecycle, sum.Probed, sum.OnlineRate = g.Total, g.Lifecycle, g.Probed, g.OnlineRate
	sum.Up, sum.Degraded, sum.Down, sum.Unknown = g.Up, g.Degraded, g.Down, g.Unknown
	if err := r.freshness(ctx, now, probedIDs, sum); err != nil {
		return nil, err
	}
	open, err := r.store.OpenOutages(ctx)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	for _, o := range open {
		if fl.position(o.CameraID) >= 0 {
			sum.OpenOutages++
		}
	}
	sweep, err := r.store.LastSweep(ctx)
	switch {
	case err == nil:
		sum.LastSweep = &sweep
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("summary: %w", err)
	}
	return sum, nil
}

// freshness counts the stale and never-probed cameras among ids.
func (r *Reporter) freshness(ctx context.Context, now time.Time, ids []string, sum *Summary) error {
	if r.interval <= 0 {
		return nil
	}
	after := 2 * r.interval
	sum.StaleAfterS = after.Seconds()
	statuses, err := r.store.Statuses(ctx, ids)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	cutoff := now.Add(-after)
	for _, id := range ids {
		st, ok := statuses[id]
		switch {
		case !ok || st.LastProbe.IsZero():
			sum.NeverProbed++
		case st.LastProbe.Before(cutoff):
			sum.Stale++
		}
	}
	return nil
}

// answers reports whether a camera in state st answers probes.
func answers(st sharpeyes.State) bool {
	return st == sharpeyes.StateUp || st == sharpeyes.StateDegraded
}
