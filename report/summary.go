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
// fleet cache (states.go), never-probed cameras from the probe mask and
// open outages from a cache under the state version (freshness.go), and
// Redis hands out only the stale cameras (store.ReadSummary). The index is read before the
// snapshot, so that a camera deleted in between is missing from both.
// With Options.Reuse a recent summary of the same query may be returned
// (shared: do not modify it).
func (r *Reporter) Summary(ctx context.Context, q Query) (*Summary, error) {
	return r.summaries.get(ctx, q, func(ctx context.Context) (*Summary, error) { return r.summary(ctx, q) })
}

func (r *Reporter) summary(ctx context.Context, q Query) (*Summary, error) {
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
	sum := &Summary{At: now.UTC(), Timezone: r.loc.String()}
	k := fl.summaryCounts(has)
	g := k.g
	if g.OnlineRate != nil {
		rate := *g.OnlineRate
		g.OnlineRate = &rate
	}
	sum.Cameras, sum.Lifecycle, sum.Probed, sum.OnlineRate = g.Total, g.Lifecycle, g.Probed, g.OnlineRate
	sum.Up, sum.Degraded, sum.Down, sum.Unknown = g.Up, g.Degraded, g.Down, g.Unknown
	sum.ReadyForAcceptance, sum.NeverProbed = k.ready, k.never
	if has != nil {
		sum.StaleAfterS = (2 * r.interval).Seconds()
		for _, id := range reads.Stale {
			if p := fl.position(id); p >= 0 && fl.snap.Lifecycle(int(fl.idx[p])).Probed() && has[fl.idx[p]] {
				sum.Stale++
			}
		}
	}
	open, err := r.open.get(ctx, r.store, fl.snap, reads.States)
	if err != nil {
		return nil, err
	}
	for _, i := range open {
		if fl.at(i) >= 0 {
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

// summaryCounts are the parts of a summary that depend only on the
// selection, the states and the probe mask, kept with the selection until
// either of those is replaced.
type summaryCounts struct {
	codes *uint8 // identity of the fleet's codes (replaced, never changed)
	has   *bool  // identity of the probe mask, nil without one
	g     Group
	ready int
	never int
}

// summaryCounts returns (and keeps) the counts of the fleet's cameras by
// lifecycle and state, the building cameras that answer, and the
// never-probed cameras by has (nil: not counted).
func (fl *fleet) summaryCounts(has []bool) *summaryCounts {
	codes, mask := first(fl.codes), first(has)
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if k := fl.counts; k != nil && k.codes == codes && k.has == mask {
		return k
	}
	k := &summaryCounts{codes: codes, has: mask}
	for i := range fl.idx {
		k.g.add(fl.lcs[i], fl.st(i))
		if fl.lcs[i] == lcBuilding && answers(fl.state(i)) {
			k.ready++
		}
		if has != nil && (fl.lcs[i] == lcActive || fl.lcs[i] == lcBuilding) && !has[fl.idx[i]] {
			k.never++
		}
	}
	k.g.finish()
	fl.counts = k
	return k
}

// first returns the address of s's first element, nil when s is empty: the
// identity of a slice that is replaced, never changed.
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// answers reports whether a camera in state st answers probes.
func answers(st sharpeyes.State) bool {
	return st == sharpeyes.StateUp || st == sharpeyes.StateDegraded
}
