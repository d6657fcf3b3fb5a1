package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

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
	showFailing := fs.Int("show-failing", 20, "with --once: after the summary, list the first N failing cameras by reason (0: none)")
	metricsListen := fs.String("metrics-listen", "", "without --once: serve Prometheus metrics on this address at /metrics")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	if *metricsListen != "" && *once {
		return usageErrorf("--metrics-listen: only without --once")
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
	if err := refuseEvictingRedis(ctx, log, cfg, s); err != nil {
		return err
	}
	if *inv != "" {
		if err := importFile(ctx, s, *inv); err != nil {
			return err
		}
	}
	if !*once {
		return collectForever(ctx, log, cfg, s, *metricsListen)
	}
	c, err := newCollector(cfg, log, s, nil)
	if err != nil {
		return usageError{err}
	}
	sum, err := c.RunOnce(ctx)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if err := printSummary(e, sum, *asJSON); err != nil {
		return err
	}
	if *asJSON || *showFailing <= 0 {
		return nil
	}
	return printFailing(ctx, e.stdout, s, *showFailing)
}

// printFailing lists the first n cameras whose last probe failed, by
// reason then id: reason, id, name, host. It says how many fail in all.
func printFailing(ctx context.Context, w io.Writer, s *store.Store, n int) error {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("list failing cameras: %w", err)
	}
	ids := make([]string, snap.Len())
	for i := range ids {
		ids[i] = snap.ID(i)
	}
	sts, err := s.Statuses(ctx, ids)
	if err != nil {
		return fmt.Errorf("list failing cameras: %w", err)
	}
	type row struct{ reason, id, name, host string }
	var rows []row
	for i, id := range ids {
		if st, ok := sts[id]; ok && st.Reason != "" {
			rows = append(rows, row{st.Reason, id, snap.Name(i), snap.Host(i)})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].reason != rows[j].reason {
			return rows[i].reason < rows[j].reason
		}
		return rows[i].id < rows[j].id
	})
	if len(rows) > n {
		fmt.Fprintf(w, "failing cameras: %d, the first %d by reason (--show-failing N for more):\n", len(rows), n)
		rows = rows[:n]
	} else {
		fmt.Fprintf(w, "failing cameras: %d, by reason:\n", len(rows))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  reason\tid\tname\thost")
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.reason, r.id, r.name, r.host)
	}
	return tw.Flush()
}

// collectForever runs the collector on its schedule until ctx ends, with
// metrics on metricsListen (if given) and history trimming while this
// process holds the trimming lease. Start-up errors stop it at once.
func collectForever(ctx context.Context, log *slog.Logger, cfg config.Config, s *store.Store, metricsListen string) error {
	var ln net.Listener
	if metricsListen != "" {
		var err error
		if ln, err = net.Listen("tcp", metricsListen); err != nil {
			return fmt.Errorf("--metrics-listen %s: %w", metricsListen, err)
		}
		defer ln.Close()
	}
	// No cameras-by-state gauge: it would make every scrape read the
	// whole inventory, which a collector otherwise never holds (it reads
	// its own shards' cameras). The API replicas (serve) export it.
	m := metrics.New(nil)
	m.BuildInfo(version)
	m.InventoryLoads(s.PartitionLoads)
	m.WatchRedis(s.Ping)
	s.OnError(func(error) { m.RedisError() })
	c, err := newCollector(cfg, log, s, m)
	if err != nil {
		return usageError{err}
	}
	ctx, cancel := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer bg.Wait()
	defer cancel()
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("collector: %w", err)
	}
	bg.Go(c.Wait)
	if ln != nil {
		serveMetrics(ctx, log, ln, m, &bg)
	}
	bg.Go(func() { runTrimmer(ctx, log, s, cfg.History.Retention.Std()) })
	<-ctx.Done()
	return nil
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
	ttl := leaseTTL(cc)
	o := collector.Options{
		Store: s, Logger: log, Instance: cc.Instance, Schedule: cc.Schedule,
		ProbeTimeout: cc.ProbeTimeout.Std(), Concurrency: cc.Concurrency,
		Thresholds:    collector.Thresholds{Failure: cc.FailureThreshold, Recovery: cc.RecoveryThreshold},
		MaxClockDrift: cc.MaxClockDrift.Std(), Spread: cc.Spread, Shards: cc.Shards,
		LeaseTTL: ttl, IsolationThreshold: cc.IsolationThreshold, Groups: cc.Groups,
	}
	log.Debug("collector lease", "lease_ttl", ttl.String(), "configured", cc.LeaseTTL > 0)
	if cc.LeaseTTL > 0 {
		warnLeaseTTL(log, ttl, "", cc.Schedule)
		for _, g := range cc.Groups {
			warnLeaseTTL(log, ttl, g.Name, g.Schedule)
		}
	}
	if m != nil {
		m.SweepInterval(groupName(""), scheduleInterval(cc.Schedule))
		for _, g := range cc.Groups {
			m.SweepInterval(g.Name, scheduleInterval(g.Schedule))
		}
		o.OnSweep = func(sum collector.Summary) {
			m.ObserveSweep(metrics.Sweep{Group: groupName(sum.Group), Start: sum.Start, End: sum.End,
				ByState: map[string]int{"up": sum.Up, "degraded": sum.Degraded, "down": sum.Down, "unknown": sum.Unknown},
				Dropped: sum.Dropped, Isolated: sum.Isolated})
		}
		o.OnProbe = func(kind, reason string, latency time.Duration) {
			m.ObserveProbe(kind, reason, latency)
		}
	}
	return collector.New(o)
}

// Bounds of the lease_ttl that follows the schedules.
const (
	minAutoLeaseTTL = 10 * time.Second
	maxAutoLeaseTTL = 30 * time.Second
)

// leaseTTL returns collector.lease_ttl, or when it is 0 a quarter of the
// shortest sweep interval of the schedules (default and groups), between
// 10 s and 30 s: a dead replica's shards are then taken over before the
// sweep's deadline (9/10 of the interval) from 20-second sweeps on, and
// slow replicas on long schedules keep their leases as long as before.
// The floor keeps test and demo schedules of a few seconds from leases
// that a replica starved of CPU for as long would lose mid-sweep.
func leaseTTL(cc config.CollectorConfig) time.Duration {
	if cc.LeaseTTL > 0 {
		return cc.LeaseTTL.Std()
	}
	shortest := scheduleInterval(cc.Schedule)
	for _, g := range cc.Groups {
		if iv := scheduleInterval(g.Schedule); iv > 0 && (shortest <= 0 || iv < shortest) {
			shortest = iv
		}
	}
	if shortest <= 0 {
		return maxAutoLeaseTTL
	}
	return min(max(shortest/4, minAutoLeaseTTL), maxAutoLeaseTTL)
}

// warnLeaseTTL warns when lease_ttl is not well below a schedule's
// interval: a dead replica's shards are taken over lease_ttl/2 after they
// came due (lease_ttl for those it held), and sweeps end at 9/10 of the
// interval, so its last shards would be missed until the next sweep.
func warnLeaseTTL(log *slog.Logger, ttl time.Duration, group, schedule string) {
	iv := scheduleInterval(schedule)
	if iv <= 0 || 2*ttl <= iv {
		return
	}
	log.Warn("collector.lease_ttl is not at most half the sweep interval: if a replica dies mid-sweep, the others may take over its last shards only after the sweep's deadline (they are probed at the next sweep); lower collector.lease_ttl",
		"group", groupName(group), "lease_ttl", ttl.String(), "interval", iv.String())
}

func groupName(g string) string {
	if g == "" {
		return "default"
	}
	return g
}
