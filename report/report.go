// Package report computes sharpeyes' reports from the store: the status
// summary, coverage (online rates per group), outages, time-weighted
// availability and the build-out. Each report is a plain value that encodes
// as the JSON of SPEC, as CSV (WriteCSV) and as an aligned text table
// (WriteTable); Routes serves them under /api/v1.
//
// Reports read the inventory from the store's cached snapshot and live
// states from the state sets. Closed outages and lifecycle changes are kept
// in memory and refreshed incrementally (see history.go), so that a 30-day
// availability report over a million outages does not decode them all on
// every request.
package report

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Options configure a Reporter. Store is required.
type Options struct {
	Store *store.Store
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Interval is the collector's sweep interval: a camera whose last probe
	// is older than two intervals is stale. Zero turns the stale count off.
	Interval time.Duration
	// Logger receives the reporter's logs (nil discards them).
	Logger *slog.Logger
	// Location is the zone of dates and of times shown to people (nil:
	// UTC).
	Location *time.Location
	// TileURL is the XYZ tile template the console's map draws beneath
	// its markers ("" draws a plain grid), passed on by GET /map.
	TileURL string
	// RepairDeadline is how long a maintainer has to repair an outage: the
	// month (SLA) report counts the outages that lasted longer (zero: 24h).
	RepairDeadline time.Duration
	// Reuse is how long a computed status summary or coverage report
	// answers the same query again (see reused; zero: every query
	// computes its own). Its At says when it was computed.
	Reuse time.Duration
}

// Reporter computes reports. It is safe for concurrent use; create one per
// process and share it, since it caches history in memory.
type Reporter struct {
	store    *store.Store
	now      func() time.Time
	loc      *time.Location
	interval time.Duration
	deadline time.Duration
	log      *slog.Logger
	outages  outageHistory
	life     *history[sharpeyes.LifecycleChange, lifeChange]
	known    *history[store.KnownRecord, string]
	fleets   fleetCache
	probes   probeMask
	open     openOutages
	derived  derived
	tileURL  string
	maps     mapCache
	// summaries and coverages reuse recent results (Options.Reuse).
	summaries *reused[*Summary]
	coverages *reused[*Coverage]
}

// New returns a Reporter over opts.Store.
func New(opts Options) *Reporter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RepairDeadline <= 0 {
		opts.RepairDeadline = 24 * time.Hour
	}
	r := &Reporter{store: opts.Store, now: opts.Now, loc: zoneOr(opts.Location), interval: opts.Interval,
		deadline: opts.RepairDeadline, log: opts.Logger, tileURL: opts.TileURL}
	r.summaries = newReused[*Summary](opts.Reuse, opts.Now)
	r.coverages = newReused[*Coverage](opts.Reuse, opts.Now)
	r.outages = newOutageHistory(opts.Store, opts.Logger)
	r.life = newLifecycleHistory(opts.Store, opts.Logger)
	r.known = newKnownHistory(opts.Store, opts.Logger)
	return r
}

// Warm loads what the reports keep in memory (inventory snapshot, states,
// closed outages, lifecycle history, first-known times) and builds the
// store's probe index if it is missing, so that the first report after
// start-up does not pay for it; with a million outages that takes
// seconds. Run it in the background at start. It returns the first error
// reading the store.
func (r *Reporter) Warm(ctx context.Context) error {
	start := time.Now()
	if _, err := r.load(ctx, sharpeyes.Filter{}); err != nil {
		return err
	}
	if r.interval > 0 {
		if err := r.probes.ensureBuilt(ctx, r.store); err != nil {
			return fmt.Errorf("warm: %w", err)
		}
	}
	if err := r.outages.refresh(ctx); err != nil {
		return fmt.Errorf("warm outage history: %w", err)
	}
	if err := r.life.refresh(ctx); err != nil {
		return fmt.Errorf("warm lifecycle history: %w", err)
	}
	if err := r.known.refresh(ctx); err != nil {
		return fmt.Errorf("warm first-known times: %w", err)
	}
	r.log.Info("reports warmed up", "took", time.Since(start))
	return nil
}

// Location returns the zone of the reporter's dates and of the times its
// CSV and tables show: Options.Location, or UTC.
func (r *Reporter) Location() *time.Location { return r.loc }

// zoneOr returns loc, or UTC for nil.
func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// rate returns num ÷ den, or nil when den is zero.
func rate(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) / float64(den)
	return &v
}

// seconds converts nanoseconds to seconds.
func seconds(ns int64) float64 { return float64(ns) / float64(time.Second) }
