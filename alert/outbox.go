package alert

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Delivery. Each process polls the due webhooks (and is woken when it
// queues something itself), takes a webhook's delivery lock, and delivers
// the head of its queue until the queue is empty, an attempt fails (the
// head then waits for its backoff, and everything behind it with it: one
// endpoint's alerts arrive in order) or a burst is done. A delivery older
// than MaxAge, refused for good, or whose webhook is gone becomes a dead
// letter. A process that dies mid-delivery leaves the head in place; the
// next holder of the lock sends it again with the same idempotency key.

// maxBurst is how many deliveries a worker makes to one webhook before it
// gives the lock back, so that one busy endpoint cannot hold a worker.
const maxBurst = 50

// dueBatch is how many due webhooks one poll reads.
const dueBatch = 100

func (d *Dispatcher) deliverLoop(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	busy := make(map[string]bool)
	sem := make(chan struct{}, d.opts.Workers)
	tick := time.NewTicker(d.opts.PollInterval)
	defer tick.Stop()
	var lastWarn time.Time
	for {
		ids, err := d.store.DueWebhooks(ctx, d.now(), dueBatch)
		if err != nil && ctx.Err() == nil && time.Since(lastWarn) > 10*time.Second {
			d.log.Warn("alert delivery: cannot read the outbox, retrying", "err", err)
			lastWarn = time.Now()
		}
		for _, id := range ids {
			mu.Lock()
			skip := busy[id]
			busy[id] = true
			mu.Unlock()
			if skip {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.deliverTo(ctx, id)
				mu.Lock()
				delete(busy, id)
				mu.Unlock()
				<-sem
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-d.wake:
		}
	}
}

// lockTTL outlasts one attempt, so that a live holder keeps its lock.
func (d *Dispatcher) lockTTL() time.Duration { return d.opts.LeaseTTL + d.opts.AttemptTimeout }

// deliverTo works on one webhook's queue while holding its lock.
func (d *Dispatcher) deliverTo(ctx context.Context, wh string) {
	lock, token := store.WebhookLockKey(wh), d.opts.Instance
	ok, err := d.store.TryLease(ctx, lock, token, d.lockTTL())
	if err != nil || !ok {
		return
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = d.store.ReleaseLease(rctx, lock, token)
	}()
	w, err := d.webhook(ctx, wh)
	if err != nil && !isNotFound(err) {
		return
	}
	for range maxBurst {
		more, err := d.deliverHead(ctx, wh, w, token)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, store.ErrLockLost) {
				d.log.Warn("alert delivery failed", "webhook", wh, "err", err)
			}
			return
		}
		if !more {
			return
		}
		if ok, err := d.store.RenewLease(ctx, lock, token, d.lockTTL()); err != nil || !ok {
			return
		}
	}
	d.kick() // burst done with more queued: come back soon
}

// deliverHead makes one attempt at the head of wh's queue (w nil: the
// webhook is gone). It reports whether the next item may follow at once.
func (d *Dispatcher) deliverHead(ctx context.Context, wh string, w *Webhook, token string) (bool, error) {
	head, err := d.store.OutboxHead(ctx, wh)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	now := d.now()
	lbl := metricLabel(wh, w)
	switch {
	case head.NextAt.After(now):
		return false, nil
	case w == nil:
		return true, d.dead(ctx, wh, lbl, token, head, resultOrphaned, "webhook no longer configured")
	case now.Sub(head.CreatedAt) > d.opts.MaxAge:
		return true, d.dead(ctx, wh, lbl, token, head, resultExpired, "older than max_age")
	}
	retry, nerr := d.attempt(ctx, w, head)
	if nerr == nil {
		d.metrics.delivered(lbl, resultDelivered)
		d.metrics.observe(lbl, now.Sub(head.CreatedAt))
		return true, d.store.AckHead(ctx, wh, token, head, now)
	}
	if ctx.Err() != nil {
		return false, ctx.Err() // shutting down: not the receiver's fault
	}
	if !retry {
		// This attempt counts: a letter refused at once was tried once.
		head.Attempts++
		head.LastError = nerr.Error()
		return true, d.dead(ctx, wh, lbl, token, head, resultRejected, "receiver refused it")
	}
	next := head
	next.Attempts++
	next.LastError = nerr.Error()
	next.NextAt = d.retryAt(now, head.CreatedAt, next.Attempts)
	d.metrics.delivered(lbl, resultRetry)
	d.log.Warn("alert delivery will be retried", "webhook", wh, "type", head.Type,
		"attempts", next.Attempts, "next", next.NextAt, "err", nerr)
	return false, d.store.RetryHead(ctx, wh, token, head, next)
}

func (d *Dispatcher) attempt(ctx context.Context, w *Webhook, head store.Delivery) (bool, error) {
	var a Alert
	if err := json.Unmarshal(head.Payload, &a); err != nil {
		return false, err
	}
	if err := sharpeyes.CheckWebhookURL(w.URL, d.opts.AllowNetworks); err != nil {
		return false, err // stored before the rules, or allow_networks shrank: no retry helps
	}
	n, err := NewNotifier(w, d.client, RenderEnv{PublicURL: d.opts.PublicURL, OnCall: d.opts.OnCall, Location: d.opts.Location},
		d.opts.AttemptTimeout, d.now)
	if err != nil {
		return false, err
	}
	return n.Notify(ctx, &a)
}

// retryAt is the next attempt after the given number of failed ones:
// exponential from RetryBase, capped at RetryMax, with equal jitter
// (between half and all of the step), and never later than the moment
// the delivery expires, so that it gets a last try.
func (d *Dispatcher) retryAt(now, created time.Time, attempts int) time.Time {
	step := d.opts.RetryBase << min(attempts-1, 30)
	if step <= 0 || step > d.opts.RetryMax {
		step = d.opts.RetryMax
	}
	wait := step/2 + rand.N(step/2+1)
	next := now.Add(wait)
	if expiry := created.Add(d.opts.MaxAge); next.After(expiry) && expiry.After(now) {
		next = expiry
	}
	return next
}

// metricLabel is the webhook label of the delivery metrics: its name, as
// the outbox gauges use, or its id once it is gone or when it has none.
func metricLabel(wh string, w *Webhook) string {
	if w != nil && w.Name != "" {
		return w.Name
	}
	return wh
}

func (d *Dispatcher) dead(ctx context.Context, wh, lbl, token string, head store.Delivery, result, reason string) error {
	now := d.now().UTC()
	dead := head
	dead.DeadAt, dead.DeadReason = &now, reason
	d.metrics.delivered(lbl, result)
	d.log.Warn("alert delivery dead-lettered", "webhook", wh, "type", head.Type, "key", head.Key,
		"reason", reason, "attempts", head.Attempts, "err", head.LastError)
	return d.store.DeadLetterHead(ctx, wh, token, head, dead)
}
