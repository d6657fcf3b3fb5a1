package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/sharpeyes/sharpeyes/gb28181"
)

// runGB28181 runs the GB/T 28181 SIP server alone against the configured
// Redis, for sites whose devices are too many to share a process with the
// API and the collector, until ctx ends (SIGINT/SIGTERM). The gb28181
// section of the config applies, enabled or not.
func runGB28181(ctx context.Context, e env, args []string) error {
	fs := newFlags("gb28181", e.stderr)
	var cf configFlags
	cf.register(fs)
	listen := fs.String("listen", "", "SIP address for UDP and TCP, overrides gb28181.listen (default 127.0.0.1:5060)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q (usage: sharpeyes gb28181 [--config FILE] [--redis URL] [--listen ADDR])", pos[0])
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	cfg.GB28181.Enabled = true
	if *listen != "" {
		cfg.GB28181.Listen = *listen
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	log := newLogger(e.stderr, cfg)
	s, closeStore, err := openStore(ctx, e, cfg, log, useRunning)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := refuseEvictingRedis(ctx, log, cfg, s); err != nil {
		return err
	}
	srv, err := gb28181.Start(gbOptions(cfg, log, s))
	if err != nil {
		return fmt.Errorf("gb28181: %w", err)
	}
	// The passive evaluator (channel statuses from registrations and
	// keepalives) runs here as in serve; its lease keeps one writer among
	// this process and any serve with gb28181 enabled.
	var bg sync.WaitGroup
	bg.Go(func() { srv.Run(ctx) })
	<-ctx.Done()
	log.Info("gb28181 SIP server shutting down")
	bg.Wait()
	srv.Close()
	log.Info("gb28181 SIP server stopped")
	return nil
}
