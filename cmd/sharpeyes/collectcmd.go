package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/metrics"
	"github.com/sharpeyes/sharpeyes/store"
)

// runCollect runs the collector without the API: one sweep with --once,
// else on its schedule (a collect-only replica).
func runCollect(ctx context.Context, e env, args []string) error {
	fs := newFlags("collect", e.stderr)
	var cf configFlags
	cf.register(fs)
	once := fs.Bool("once", false, "run one sweep of every camera, print a summary and exit")
	inv := fs.String("inventory", "", "with no Redis configured: sweep this inventory file in memory")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg)
	mode := useRunning
	if *inv != "" {
		mode = startPrivate
	}
	s, closeStore, err := openStore(ctx, e, cfg, log, mode)
	if err != nil {
		return err
	}
	defer closeStore()
	if *inv != "" {
		if err := importFile(ctx, s, *inv); err != nil {
			return err
		}
	}
	c, err := newCollector(cfg, log, s, nil)
	if err != nil {
		return usageError{err}
	}
	if !*once {
		if err := c.Start(ctx); err != nil {
			return err
		}
		c.Wait()
		return nil
	}
	sum, err := c.RunOnce(ctx)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return printSummary(e, sum, *asJSON)
}

func importFile(ctx context.Context, s *store.Store, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return usageErrorf("inventory: %w", err)
	}
	defer f.Close()
	if _, err := inventory.Import(ctx, s, f, "", inventory.Options{}); err != nil {
		return usageErrorf("inventory %s: %w", path, err)
	}
	return nil
}

func printSummary(e env, sum collector.Summary, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	if sum.Probed == 0 && sum.Dropped == 0 {
		fmt.Fprintf(e.stdout, "joined sweep %s, which other runs had finished: nothing left to probe here\n", sum.Slot)
		return nil
	}
	d := sum.End.Sub(sum.Start)
	rate := 0.0
	if d > 0 {
		rate = float64(sum.Probed) / d.Seconds()
	}
	fmt.Fprintf(e.stdout, "probed %d cameras in %s (%.0f/s): %d up, %d degraded, %d down, %d unknown\n",
		sum.Probed, d.Round(time.Millisecond), rate, sum.Up, sum.Degraded, sum.Down, sum.Unknown)
	reasons := make([]string, 0, len(sum.ByReason))
	for r := range sum.ByReason {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(e.stdout, "  %-14s %d\n", r, sum.ByReason[r])
	}
	if sum.Isolated {
		fmt.Fprintln(e.stdout, "most probes timed out or found no route: the collector's own network is suspect; camera states were left unchanged")
	}
	return nil
}

// newCollector builds the collector from config; m may be nil.
func newCollector(cfg config.Config, log *slog.Logger, s *store.Store, m *metrics.Metrics) (*collector.Collector, error) {
	cc := cfg.Collector
	o := collector.Options{
		Store: s, Logger: log, Instance: cc.Instance, Schedule: cc.Schedule,
		ProbeTimeout: cc.ProbeTimeout.Std(), Concurrency: cc.Concurrency,
		Thresholds:    collector.Thresholds{Failure: cc.FailureThreshold, Recovery: cc.RecoveryThreshold},
		MaxClockDrift: cc.MaxClockDrift.Std(), Spread: cc.Spread, Shards: cc.Shards,
		LeaseTTL: cc.LeaseTTL.Std(), IsolationThreshold: cc.IsolationThreshold, Groups: cc.Groups,
	}
	if m != nil {
		o.OnSweep = func(sum collector.Summary) {
			m.ObserveSweep(groupName(sum.Group), sum.End.Sub(sum.Start), map[string]int{
				"up": sum.Up, "degraded": sum.Degraded, "down": sum.Down, "unknown": sum.Unknown})
		}
		o.OnProbe = func(kind, reason string, latency time.Duration) {
			m.ObserveProbe(kind, reason, reason == "" || latency > 0, latency)
		}
	}
	return collector.New(o)
}

func groupName(g string) string {
	if g == "" {
		return "default"
	}
	return g
}

// stateCounter feeds the cameras-by-state gauge: probed cameras (active or
// building) by state and district.
func stateCounter(s *store.Store) func(ctx context.Context) ([]metrics.StateCount, error) {
	return func(ctx context.Context) ([]metrics.StateCount, error) {
		snap, err := s.Snapshot(ctx)
		if err != nil {
			return nil, err
		}
		type key struct{ state, region string }
		counts := map[key]int{}
		known := map[string]bool{}
		for _, st := range []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown} {
			cams, err := s.Select(ctx, sharpeyes.Filter{State: st})
			if err != nil {
				return nil, err
			}
			for _, c := range cams {
				if c.Lifecycle.Probed() {
					counts[key{string(st), sharpeyes.RegionLevel(c.Region, 1)}]++
					known[c.ID] = true
				}
			}
		}
		for i := range snap.Cameras {
			c := &snap.Cameras[i]
			if c.Lifecycle.Probed() && !known[c.ID] {
				counts[key{"unknown", sharpeyes.RegionLevel(c.Region, 1)}]++
			}
		}
		out := make([]metrics.StateCount, 0, len(counts))
		for k, n := range counts {
			out = append(out, metrics.StateCount{State: k.state, Region: k.region, Count: n})
		}
		return out, nil
	}
}
