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
//
// Its cost does not grow with reading statuses: states come from the
// fleet cache (states.go), never-probed cameras from the probe mask
// (freshness.go), and Redis hands out only the stale cameras and those
// with an open outage (store.ReadSummary). The index is read before the
// snapshot, so that a camera deleted in between is missing from both.
func (r *Reporter) Summary(ctx context.Context, q Query) (*Summary, error) {
	now := r.now()
	var cutoff time.Time
	if r.interval > 0 {
		if err := r.probes.ensureBuilt(ctx, r.store); err != nil {
			return nil, err
		}
		cutoff = now.Add(-2 * r.interval)
	}
	reads, err := r.store.ReadSummary(ctx, cutoff)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	var has []bool
	if r.interval > 0 {
		if has, err = r.probes.get(ctx, r.store, fl.snap, reads.Probed); err != nil {
			return nil, err
		}
	}
	var g Group
	sum := &Summary{At: now.UTC(), Timezone: r.loc.String()}
	for i, c := range fl.cams {
		g.add(fl.lcs[i], fl.st(i))
		if c.Lifecycle == sharpeyes.Building && answers(fl.state(i)) {
			sum.ReadyForAcceptance++
		}
		if has != nil && c.Lifecycle.Probed() && !has[fl.idx[i]] {
			sum.NeverProbed++
		}
	}
	g.finish()
	sum.Cameras, sum.Lifecycle, sum.Probed, sum.OnlineRate = g.Total, g.Lifecycle, g.Probed, g.OnlineRate
	sum.Up, sum.Degraded, sum.Down, sum.Unknown = g.Up, g.Degraded, g.Down, g.Unknown
	if has != nil {
		sum.StaleAfterS = (2 * r.interval).Seconds()
		for _, id := range reads.Stale {
			if p := fl.position(id); p >= 0 && fl.cams[p].Lifecycle.Probed() && has[fl.idx[p]] {
				sum.Stale++
			}
		}
	}
	for _, id := range reads.Open {
		if fl.position(id) >= 0 {
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

// answers reports whether a camera in state st answers probes.
func answers(st sharpeyes.State) bool {
	return st == sharpeyes.StateUp || st == sharpeyes.StateDegraded
}
