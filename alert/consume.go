package alert

import (
	"context"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// readBatch is how many stream entries one read takes.
const readBatch = 500

// consumer reads the events stream while this process holds the consumer
// lease. Its state lives in memory and is rebuilt from the entries left
// pending (never acknowledged) whenever it becomes the holder: an entry is
// acknowledged only once every decision about it is queued in the outbox or
// dropped, so a consumer that dies loses nothing.
type consumer struct {
	d      *Dispatcher
	leader bool
	// current is the id of the latest event of each camera that has
	// events waiting for a decision (pending): a buffered down is sent
	// only while it is still its camera's latest. Cameras with nothing
	// waiting are not kept (a province's first sweep has an event for each
	// of its 500,000 cameras).
	current map[string]string
	pending map[string]int    // camera -> open decisions of its events
	groups  map[string]*batch // camera.down buffered by group key
	held    []*batch          // waiting for one webhook's min_duration
	refs    map[string]int    // stream id -> open decisions
	acks    []string
	retry   []Event // read but not handled because of an error
	iso     *isolation
	errs    int // consecutive failed steps
	// nextResend is when open alerts are next re-sent to Alertmanagers.
	nextResend time.Time
	// hooks caches the webhooks for one step.
	hooks []*Webhook
}

func newConsumer(d *Dispatcher) *consumer {
	c := &consumer{d: d}
	c.reset()
	return c
}

func (c *consumer) reset() {
	c.current = make(map[string]string)
	c.pending = make(map[string]int)
	c.groups = make(map[string]*batch)
	c.refs = make(map[string]int)
	c.held, c.acks, c.retry, c.iso = nil, nil, nil, nil
	c.nextResend = time.Time{} // a new term re-sends at once
}

func (c *consumer) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := c.step(ctx)
		if err == nil {
			c.errs = 0
			continue
		}
		if ctx.Err() != nil {
			break
		}
		// Someone else may hold the lease by the time Redis answers again:
		// the next term starts afresh from the pending entries.
		c.leader = false
		c.errs++
		c.d.log.Warn("alert consumer failed, retrying", "err", err, "failures", c.errs)
		if !sleep(ctx, c.backoff()) {
			break
		}
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = c.d.store.ReleaseLease(rctx, store.AlertConsumerLeaseKey, c.d.opts.Instance)
}

// backoff grows with consecutive failures, from the poll interval to 5s.
func (c *consumer) backoff() time.Duration {
	b := c.d.opts.PollInterval << min(c.errs, 8)
	return min(b, 5*time.Second)
}

// step renews the lease, reads and handles one batch of events, flushes
// what is due and acknowledges what is done.
func (c *consumer) step(ctx context.Context) error {
	c.hooks = nil
	// RenewLease takes the lease when it is free and extends it when held.
	ok, err := c.d.store.RenewLease(ctx, store.AlertConsumerLeaseKey, c.d.opts.Instance, c.d.opts.LeaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		if c.leader {
			c.d.log.Info("alert consumer lease lost")
		}
		c.leader = false
		sleep(ctx, c.d.opts.PollInterval)
		return nil
	}
	if !c.leader {
		if err := c.takeOver(ctx); err != nil {
			return err
		}
	}
	if len(c.retry) > 0 {
		evs := c.retry
		c.retry = nil
		if err := c.handleAll(ctx, evs); err != nil {
			return err
		}
	}
	evs, err := c.d.src.Read(ctx, readBatch, c.d.opts.PollInterval)
	if err != nil {
		return err
	}
	if err := c.handleAll(ctx, evs); err != nil {
		return err
	}
	if err := c.flush(ctx); err != nil {
		return err
	}
	if err := c.resend(ctx); err != nil {
		return err
	}
	return c.ack(ctx)
}

// takeOver starts a term as the consumer: fresh state, the isolation in
// force, then every entry the previous holder left unacknowledged.
func (c *consumer) takeOver(ctx context.Context) error {
	c.reset()
	if err := c.loadIsolation(ctx); err != nil {
		return err
	}
	after := "0"
	for {
		evs, err := c.d.src.Pending(ctx, after, readBatch)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		if err := c.handleAll(ctx, evs); err != nil {
			return err
		}
		after = evs[len(evs)-1].ID
	}
	c.leader = true
	c.d.log.Info("alert consumer lease taken", "instance", c.d.opts.Instance)
	return nil
}

func (c *consumer) ack(ctx context.Context) error {
	if len(c.acks) == 0 {
		return nil
	}
	if err := c.d.src.Ack(ctx, c.acks...); err != nil {
		return err
	}
	c.acks = c.acks[:0]
	return nil
}

// webhooks returns the webhooks, read once per step.
func (c *consumer) webhooks(ctx context.Context) ([]*Webhook, error) {
	if c.hooks == nil {
		hooks, err := c.d.webhooks(ctx)
		if err != nil {
			return nil, err
		}
		c.hooks = hooks
	}
	return c.hooks, nil
}

// release closes one decision about each event, acknowledging those that
// have none left.
func (c *consumer) release(evs []Event) {
	for _, ev := range evs {
		c.refs[ev.ID]--
		if c.refs[ev.ID] <= 0 {
			delete(c.refs, ev.ID)
			c.acks = append(c.acks, ev.ID)
		}
		if c.pending[ev.CameraID]--; c.pending[ev.CameraID] <= 0 {
			delete(c.pending, ev.CameraID)
			delete(c.current, ev.CameraID)
		}
	}
}
