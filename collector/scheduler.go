package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sharpeyes/sharpeyes"
)

// job is one schedule: the default one (group "") or a group's.
type job struct {
	group   string
	spec    string
	sched   cron.Schedule
	match   func(*sharpeyes.Camera) bool
	running atomic.Bool
}

// scheduler holds the parsed schedules.
type scheduler struct {
	jobs    []*job
	started atomic.Bool
	stopped chan struct{}
}

// newScheduler parses the default schedule and the groups'. A camera
// belongs to the first group it matches, so that no camera is swept by two
// schedules.
func newScheduler(c *Collector) (*scheduler, error) {
	s := &scheduler{stopped: make(chan struct{})}
	groups := c.o.Groups
	def, err := cronParser.Parse(c.o.Schedule)
	if err != nil {
		return nil, fmt.Errorf("collector: schedule %q: %w", c.o.Schedule, err)
	}
	s.jobs = append(s.jobs, &job{spec: c.o.Schedule, sched: def, match: func(cam *sharpeyes.Camera) bool {
		return groupOf(groups, cam) < 0
	}})
	seen := map[string]bool{"default": true, "once": true}
	for i, g := range groups {
		if g.Name == "" || seen[g.Name] {
			return nil, fmt.Errorf("collector: group %d: name %q is empty, reserved or repeated", i, g.Name)
		}
		seen[g.Name] = true
		sched, err := cronParser.Parse(g.Schedule)
		if err != nil {
			return nil, fmt.Errorf("collector: group %s: schedule %q: %w", g.Name, g.Schedule, err)
		}
		s.jobs = append(s.jobs, &job{group: g.Name, spec: g.Schedule, sched: sched, match: func(cam *sharpeyes.Camera) bool {
			return groupOf(groups, cam) == i
		}})
	}
	return s, nil
}

// groupOf returns the index of the first group cam matches, or -1.
func groupOf(groups []Group, cam *sharpeyes.Camera) int {
	for i, g := range groups {
		if g.Match(cam) {
			return i
		}
	}
	return -1
}

// RunOnce runs one sweep of every probed camera now (`sharpeyes collect
// --once`), bounded by MaxSweep or ctx's deadline. Replicas calling it at
// the same Now share the sweep. It returns the summary and an error when
// the inventory could not be read, ctx ended, or results could not be
// written.
func (c *Collector) RunOnce(ctx context.Context) (Summary, error) {
	now, begun := c.o.Now(), time.Now()
	deadline := begun.Add(c.o.MaxSweep)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return c.sweep(ctx, plan{
		slot: SlotName("once", now), start: now, begun: begun, deadline: deadline,
		keepDone: c.o.MaxSweep, match: func(*sharpeyes.Camera) bool { return true },
	})
}

// Start runs the schedules in the background until ctx is cancelled; Wait
// returns once the sweeps running then have written or dropped their
// results. A sweep still running when its next turn comes skips that turn
// with a warning. Start fails when called twice.
func (c *Collector) Start(ctx context.Context) error {
	s := c.sched
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("collector: already started")
	}
	cr := cron.New(cron.WithParser(cronParser), cron.WithLogger(cronLogger{c.log}),
		cron.WithChain(cron.Recover(cronLogger{c.log})))
	for _, j := range s.jobs {
		cr.Schedule(j.sched, cron.FuncJob(func() { c.fire(ctx, j) }))
	}
	cr.Start()
	c.log.Info("collector started", "schedules", len(s.jobs), "shards", c.o.Shards)
	go func() {
		<-ctx.Done()
		<-cr.Stop().Done()
		close(s.stopped)
	}()
	return nil
}

// Wait blocks until a started collector has stopped.
func (c *Collector) Wait() { <-c.sched.stopped }

// fire runs one scheduled sweep of j, unless the previous one still runs.
// Replicas name the sweep by the scheduled second, so they share it; its
// deadline is 90% of the way to the next turn.
func (c *Collector) fire(ctx context.Context, j *job) {
	log := c.log.With("group", j.group)
	if !j.running.CompareAndSwap(false, true) {
		log.Warn("previous sweep still running: skipping this one", "schedule", j.spec)
		return
	}
	defer j.running.Store(false)
	begun := time.Now()
	at := begun.Round(time.Second)
	interval := j.sched.Next(at).Sub(at)
	p := plan{
		group: j.group, slot: SlotName(j.group, at), start: c.o.Now(), begun: begun,
		deadline: at.Add(interval * 9 / 10),
		spread:   time.Duration(float64(interval) * c.o.Spread),
		keepDone: max(3*interval, 3*c.o.LeaseTTL),
		match:    j.match,
	}
	if _, err := c.sweep(ctx, p); err != nil && ctx.Err() == nil {
		log.Error("sweep failed", "slot", p.slot, "err", err)
	}
}

// cronLogger sends cron's messages to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
