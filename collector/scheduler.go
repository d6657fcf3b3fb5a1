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
	"github.com/sharpeyes/sharpeyes/config"
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

// newScheduler parses the default schedule and the groups' with
// config.ParseSchedule. A camera belongs to the first group it matches, so
// that no camera is swept by two schedules.
func newScheduler(c *Collector) (*scheduler, error) {
	s := &scheduler{stopped: make(chan struct{})}
	groups := c.o.Groups
	def, err := config.ParseSchedule(c.o.Schedule)
	if err != nil {
		return nil, fmt.Errorf("collector: schedule: %w", err)
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
		sched, err := config.ParseSchedule(g.Schedule)
		if err != nil {
			return nil, fmt.Errorf("collector: group %s: schedule: %w", g.Name, err)
		}
		s.jobs = append(s.jobs, &job{group: g.Name, spec: g.Schedule, sched: sched, match: func(cam *sharpeyes.Camera) bool {
			return groupOf(groups, cam) == i
		}})
	}
	return s, nil
}

// groupOf returns the index of the first group cam matches, or -1.
func groupOf(groups []config.Group, cam *sharpeyes.Camera) int {
	for i, g := range groups {
		if g.Filter.Match(cam) {
			return i
		}
	}
	return -1
}

// RunOnce runs one sweep of every probed camera now (`sharpeyes collect
// --once`), bounded by MaxSweep or ctx's deadline. Runs started while a
// once-sweep is under way (by any replica) join it, so that replicas
// started together probe each camera once; a run started after it ended
// starts a new one. It returns this collector's summary and an error when
// the inventory could not be read, ctx ended, or results could not be
// written.
func (c *Collector) RunOnce(ctx context.Context) (Summary, error) {
	now, begun := c.o.Now(), time.Now()
	deadline := begun.Add(c.o.MaxSweep)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	jctx, cancel := context.WithDeadline(ctx, deadline)
	var slot string
	err := retry(jctx, func(ctx context.Context) error {
		var err error
		slot, err = c.o.Store.JoinOnceSweep(ctx, SlotName("once", now)+"-"+randomHex(4), c.o.LeaseTTL)
		return err
	}, nil)
	cancel()
	if err != nil {
		return Summary{}, fmt.Errorf("start sweep: %w", err)
	}
	return c.sweep(ctx, plan{
		slot: slot, once: true, start: now, begun: begun, deadline: deadline,
		keepDone: c.o.MaxSweep, match: func(*sharpeyes.Camera) bool { return true },
	})
}

// RunScheduled runs the sweep of group's schedule ("" for the default
// one) due at the scheduled time at, the way Start does at each turn:
// replicas running the same group and at share the sweep, and it must end
// 90% of the way to the group's next turn. It returns this collector's
// summary and an error for an unknown group, or when the inventory could
// not be read, ctx ended, or results were dropped.
func (c *Collector) RunScheduled(ctx context.Context, group string, at time.Time) (Summary, error) {
	for _, j := range c.sched.jobs {
		if j.group == group {
			return c.sweep(ctx, c.planOf(j, at, time.Now()))
		}
	}
	return Summary{}, fmt.Errorf("collector: no group %q", group)
}

// planOf plans j's sweep scheduled at at and begun at begun: named by the
// scheduled second, so that replicas share it, and ending 90% of the way
// to the next turn.
func (c *Collector) planOf(j *job, at, begun time.Time) plan {
	at = at.Round(time.Second)
	interval := j.sched.Next(at).Sub(at)
	return plan{
		group: j.group, slot: SlotName(j.group, at), start: c.o.Now(), begun: begun,
		deadline: at.Add(interval * 9 / 10),
		spread:   time.Duration(float64(interval) * c.o.Spread),
		keepDone: max(3*interval, 3*c.o.LeaseTTL),
		match:    j.match,
	}
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
	cr := cron.New(cron.WithLogger(cronLogger{c.log}),
		cron.WithChain(cron.Recover(cronLogger{c.log})))
	for _, j := range s.jobs {
		cr.Schedule(j.sched, cron.FuncJob(func() { c.fire(ctx, j) }))
	}
	// A member from now on, so that the others count this replica in when
	// they divide the next sweep.
	leave := c.members.join(ctx)
	cr.Start()
	c.log.Info("collector started", "schedules", len(s.jobs), "shards", c.o.Shards)
	go func() {
		<-ctx.Done()
		<-cr.Stop().Done()
		leave()
		close(s.stopped)
	}()
	return nil
}

// Wait blocks until a started collector has stopped.
func (c *Collector) Wait() { <-c.sched.stopped }

// fire runs one scheduled sweep of j, unless the previous one still runs.
func (c *Collector) fire(ctx context.Context, j *job) {
	log := c.log.With("group", j.group)
	if !j.running.CompareAndSwap(false, true) {
		log.Warn("previous sweep still running: skipping this one", "schedule", j.spec)
		return
	}
	defer j.running.Store(false)
	begun := time.Now()
	p := c.planOf(j, begun, begun)
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
