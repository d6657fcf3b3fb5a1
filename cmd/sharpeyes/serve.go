package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/metrics"
	"github.com/sharpeyes/sharpeyes/store"
	"github.com/sharpeyes/sharpeyes/web"
)

type serveFlags struct {
	configFlags
	listen    string
	inventory string
	demo      int
	demoGB    int
	insecure  bool
	noCollect bool
}

// runServe runs the API, the dashboard and the collector in one process
// until ctx is cancelled (SIGINT/SIGTERM), then shuts down gracefully.
func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags("serve", e.stderr)
	var f serveFlags
	f.register(fs)
	fs.StringVar(&f.listen, "listen", "", "API address, overrides listen (default 127.0.0.1:8080)")
	fs.StringVar(&f.inventory, "inventory", "", "import this CSV/JSON inventory at start")
	fs.IntVar(&f.demo, "demo", 0, "also run a simulated fleet of N cameras on loopback and register it")
	fs.IntVar(&f.demoGB, "demo-gb", demoGBDevices, "with --demo: this many simulated GB/T 28181 devices of 4 channels each (0: none)")
	fs.BoolVar(&f.insecure, "insecure", false, "allow serving without tokens on a non-loopback address")
	fs.BoolVar(&f.noCollect, "no-collector", false, "serve the API only (another process collects)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.loadServe(e)
	if err != nil {
		return err
	}
	if f.demo > 0 && f.demoGB > 0 {
		if err := demoGB28181(&cfg); err != nil {
			return err
		}
	}
	log := newLogger(e.stderr, cfg)
	// Listen before starting anything, so that a busy address is the
	// first and only thing that happens.
	raw, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// No client may hold so many connections that the collector runs out
	// of sockets (SPEC "Auth").
	ln := api.LimitListener(raw, cfg.MaxConnections, cfg.MaxConnectionsPerClient)
	defer ln.Close()
	s, closeStore, err := openStore(ctx, e, cfg, log, startPublished)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := refuseEvictingRedis(ctx, log, cfg, s); err != nil {
		return err
	}
	closeFleet, err := f.seed(ctx, log, s)
	if err != nil {
		return err
	}
	defer closeFleet()
	if f.demo > 0 && f.demoGB > 0 {
		closeGB, err := startDemoGB(ctx, log, cfg, f.demoGB)
		if err != nil {
			return err
		}
		defer closeGB()
	}
	return serve(ctx, log, cfg, s, ln, !f.noCollect && cfg.Collector.Enabled, f.demo > 0)
}

func (f *serveFlags) loadServe(e env) (config.Config, error) {
	cfg, err := f.load(e)
	if err != nil {
		return cfg, err
	}
	if f.listen != "" || f.insecure {
		if f.listen != "" {
			cfg.Listen = f.listen
		}
		cfg.Insecure = cfg.Insecure || f.insecure
		if err := cfg.Validate(); err != nil {
			return cfg, usageError{err}
		}
	}
	if f.demo < 0 || f.demo > fleet.MaxCameras {
		return cfg, usageErrorf("--demo: %d is not within 0..%d", f.demo, fleet.MaxCameras)
	}
	if f.demoGB < 0 || f.demoGB > 1000 {
		return cfg, usageErrorf("--demo-gb: %d is not within 0..1000", f.demoGB)
	}
	return cfg, nil
}

// seed loads --inventory and the --demo fleet into the store. The
// returned func stops the fleet (a no-op without one).
func (f *serveFlags) seed(ctx context.Context, log *slog.Logger, s *store.Store) (func(), error) {
	noFleet := func() {}
	if f.inventory != "" {
		file, err := os.Open(f.inventory)
		if err != nil {
			return noFleet, usageErrorf("--inventory: %w", err)
		}
		res, err := inventory.Import(ctx, s, file, "", inventory.Options{})
		file.Close()
		for _, re := range res.Errors {
			log.Error("inventory row rejected", "file", f.inventory, "line", re.Line, "column", re.Column, "error", re.Message)
		}
		if err != nil {
			return noFleet, usageErrorf("--inventory %s: %w", f.inventory, err)
		}
		log.Info("inventory loaded", "file", f.inventory, "created", res.Created, "updated", res.Updated)
	}
	if f.demo <= 0 {
		return noFleet, nil
	}
	fl, err := fleet.Start(ctx, fleet.Demo(f.demo))
	if err != nil {
		return noFleet, fmt.Errorf("demo fleet: %w", err)
	}
	closeFleet := func() { fl.Close() }
	res, err := s.PutMany(ctx, fl.Cameras())
	if err != nil {
		closeFleet()
		return noFleet, fmt.Errorf("register demo fleet: %w", err)
	}
	log.Info("demo fleet running on loopback", "cameras", f.demo, "registered", res.Created+res.Updated)
	return closeFleet, nil
}

// serve wires the pieces, serves on ln and blocks until ctx ends. Every
// piece is built (and so validated) before any starts; a start-up error
// stops what did start. On return every background goroutine has ended,
// so the caller may close the store.
// With sweepNow (demos) the first sweep starts at once rather than at the
// schedule's next tick.
func serve(ctx context.Context, log *slog.Logger, cfg config.Config, s *store.Store, ln net.Listener, collect, sweepNow bool) error {
	m := metrics.New(stateCounter(s))
	m.BuildInfo(version)
	m.InventoryLoads(s.PartitionLoads)
	m.WatchRedis(s.Ping)
	s.OnError(func(error) { m.RedisError() })
	deps := apiDeps(cfg, log, s, m)
	var c *collector.Collector
	if collect {
		var err error
		if c, err = newCollector(cfg, log, s, m); err != nil {
			return usageError{err}
		}
	}
	ex, err := newExtras(cfg, log, s, m, &deps)
	if err != nil {
		return err
	}
	gb, closeGB, err := mountGB28181(cfg, log, s, &deps)
	if err != nil {
		return err
	}
	defer closeGB()
	ctx, cancel := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer bg.Wait()
	defer cancel()
	if c != nil {
		if err := c.Start(ctx); err != nil {
			return fmt.Errorf("collector: %w", err)
		}
		bg.Go(c.Wait)
		if sweepNow {
			bg.Go(func() {
				if _, err := c.RunOnce(ctx); err != nil && ctx.Err() == nil {
					log.Warn("first sweep", "error", err)
				}
			})
		}
	}
	if gb != nil {
		bg.Go(func() { gb.Run(ctx) })
	}
	ex.start(ctx, &bg)
	bg.Go(func() { runTrimmer(ctx, log, s, cfg.History.Retention.Std()) })
	srv := api.NewServer(cfg.Listen, api.NewRouter(deps))
	// net/http's own complaints (accept errors, TLS handshakes, panics)
	// go to the same log as everything else, not to stderr unformatted.
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	log.Info("sharpeyes serving", "listen", ln.Addr().String(), "version", version, "timezone", cfg.Timezone,
		"dashboard", "http://"+ln.Addr().String()+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	err = srv.Shutdown(sctx)
	<-errc
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// refuseEvictingRedis stops start-up (exit 2) when the configured Redis
// may evict keys: an evicted inventory vanishes without a word. A policy
// that cannot be read (CONFIG and INFO disabled) is warned about. The
// embedded server never evicts.
func refuseEvictingRedis(ctx context.Context, log *slog.Logger, cfg config.Config, s *store.Store) error {
	if cfg.Redis.Embedded() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := s.CheckEviction(ctx)
	var ev *store.EvictionError
	switch {
	case errors.As(err, &ev):
		return usageError{err}
	case err != nil:
		log.Warn("cannot read Redis's maxmemory-policy; make sure it is noeviction, or Redis may evict the camera inventory when full",
			"err", err)
	}
	return nil
}

func apiDeps(cfg config.Config, log *slog.Logger, s *store.Store, m *metrics.Metrics) api.Deps {
	d := api.Deps{
		Store: s, Logger: log, MaxBodyBytes: cfg.MaxBodyBytes,
		MetricsPublic: cfg.Auth.MetricsPublic, DashboardPublic: cfg.Auth.DashboardPublic,
		Dashboard: web.New(web.Options{TileURL: cfg.Console.TileURL}), Metrics: m.Handler(), Instrument: m.Gin(),
		ProbeTimeout: cfg.Collector.ProbeTimeout.Std(), MaxClockDrift: cfg.Collector.MaxClockDrift.Std(),
	}
	for _, t := range cfg.Tokens {
		role, err := api.ParseRole(string(t.Role))
		if err != nil {
			continue // validated by config already
		}
		d.Tokens = append(d.Tokens, api.Token{Name: t.Name, Role: role, Hash: t.SHA256()})
	}
	if len(d.Tokens) == 0 {
		d.OpenAccess = true
		if config.IsLoopback(cfg.Listen) {
			log.Warn("no API tokens configured: serving read-write to anyone who can reach the loopback address", "listen", cfg.Listen)
		} else {
			log.Warn("no API tokens configured and --insecure given: anyone on the network can change the inventory", "listen", cfg.Listen)
		}
	}
	return d
}
