package main

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/metrics"
	"github.com/sharpeyes/sharpeyes/report"
	"github.com/sharpeyes/sharpeyes/store"
)

// mountExtras adds reports, webhooks and silences to the API and starts
// alert delivery, which runs until ctx ends.
func mountExtras(ctx context.Context, cfg config.Config, log *slog.Logger, s *store.Store, m *metrics.Metrics, d *api.Deps) error {
	rep := report.New(report.Options{Store: s, Logger: log, Interval: scheduleInterval(cfg.Collector.Schedule),
		Location: cfg.Location()})
	disp, err := newDispatcher(cfg, log, s)
	if err != nil {
		return usageError{err}
	}
	m.Registry().MustRegister(disp.Collectors()...)
	d.Mount = append(d.Mount, rep.Routes, disp.Routes)
	d.Docs = map[string]api.PathItem{}
	maps.Copy(d.Docs, report.Docs())
	maps.Copy(d.Docs, alert.Docs())
	go func() {
		if err := disp.Run(ctx); err != nil {
			log.Error("alert delivery stopped", "error", err)
		}
	}()
	go trimHistory(ctx, log, s, cfg.History.Retention.Std())
	go func() { // so that the first availability report does not pay the cold load
		if err := rep.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Warn("warm report caches", "error", err)
		}
	}()
	return nil
}

func newDispatcher(cfg config.Config, log *slog.Logger, s *store.Store) (*alert.Dispatcher, error) {
	a := cfg.Alerts
	o := alert.Options{Store: s, Logger: log, PublicURL: cfg.PublicURL, GroupWindow: a.GroupWindow.Std(),
		GroupMin: a.GroupMin, MaxAge: a.MaxAge.Std(), OnCall: a.OnCall, Location: cfg.Location()}
	o.Webhooks = a.Webhooks // config validated them as the API does; New names them by Name
	return alert.New(o)
}

// scheduleInterval estimates the default schedule's interval from two
// consecutive activations, for the report's "stale" count.
func scheduleInterval(spec string) time.Duration {
	sched, err := config.ParseSchedule(spec)
	if err != nil {
		return 0
	}
	first := sched.Next(time.Now())
	return sched.Next(first).Sub(first)
}

// trimHistory drops events, outages and silences older than the retention,
// once at start and then every hour.
func trimHistory(ctx context.Context, log *slog.Logger, s *store.Store, retention time.Duration) {
	if retention <= 0 {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		before := time.Now().Add(-retention)
		if err := s.TrimHistory(ctx, before); err != nil {
			log.Warn("trim history", "error", err)
		}
		if _, err := s.TrimSilences(ctx, before); err != nil {
			log.Warn("trim silences", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
