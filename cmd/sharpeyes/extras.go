package main

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/metrics"
	"github.com/sharpeyes/sharpeyes/report"
	"github.com/sharpeyes/sharpeyes/store"
)

// extras are reports, webhooks and silences: mounted on the API when
// built, their background work (alert delivery, report warm-up) started
// by start.
type extras struct {
	log  *slog.Logger
	rep  *report.Reporter
	disp *alert.Dispatcher
}

// newExtras builds the extras and adds them to the API. It starts
// nothing, so that an invalid webhook stops start-up before anything runs.
func newExtras(cfg config.Config, log *slog.Logger, s *store.Store, m *metrics.Metrics, d *api.Deps) (*extras, error) {
	rep := report.New(report.Options{Store: s, Logger: log, Interval: scheduleInterval(cfg.Collector.Schedule),
		RepairDeadline: cfg.Reports.RepairDeadline.Std(), Location: cfg.Location(), TileURL: cfg.Console.TileURL,
		Reuse: cfg.Reports.Reuse.Std()})
	disp, err := newDispatcher(cfg, log, s)
	if err != nil {
		return nil, usageError{err}
	}
	m.Registry().MustRegister(disp.Collectors()...)
	d.Mount = append(d.Mount, rep.Routes, disp.Routes)
	d.Docs = map[string]api.PathItem{}
	maps.Copy(d.Docs, report.Docs())
	maps.Copy(d.Docs, alert.Docs())
	return &extras{log: log, rep: rep, disp: disp}, nil
}

// start runs alert delivery and the report warm-up in bg until ctx ends.
func (x *extras) start(ctx context.Context, bg *sync.WaitGroup) {
	bg.Go(func() {
		if err := x.disp.Run(ctx); err != nil {
			x.log.Error("alert delivery stopped", "error", err)
		}
	})
	bg.Go(func() { // so that the first availability report does not pay the cold load
		if err := x.rep.Warm(ctx); err != nil && ctx.Err() == nil {
			x.log.Warn("warm report caches", "error", err)
		}
	})
}

func newDispatcher(cfg config.Config, log *slog.Logger, s *store.Store) (*alert.Dispatcher, error) {
	a := cfg.Alerts
	o := alert.Options{Store: s, Logger: log, PublicURL: cfg.PublicURL, GroupWindow: a.GroupWindow.Std(),
		GroupMin: a.GroupMin, MaxAge: a.MaxAge.Std(), OnCall: a.OnCall, Location: cfg.Location(),
		AllowNetworks: a.Networks()}
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
