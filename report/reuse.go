package report

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// reused answers identical queries of one report from one computation.
// A result is returned as it is for maxAge after it was computed. After
// that, the first query to come recomputes it while the queries arriving
// meanwhile are still given the previous result (no older than
// reuseStale × maxAge); queries that find no result yet wait for the one
// computation under way instead of starting their own. Errors are not
// kept. Every report says when it was computed (its At), so a reused one
// tells its age.
//
// Consoles poll the summary and coverage every few seconds; at 500,000
// cameras each computation walks every camera, and sixteen pollers made
// sixteen computations a second on a two-core host.
type reused[T any] struct {
	maxAge time.Duration
	now    func() time.Time
	mu     sync.Mutex
	m      map[Query]*reusedEntry[T]
	// computed counts computations (for tests).
	computed atomic.Int64
}

type reusedEntry[T any] struct {
	val        T
	err        error
	at         time.Time
	ready      chan struct{} // closed once val, err and at are set
	refreshing bool          // a query is recomputing it (under reused.mu)
}

const (
	// reuseStale bounds how old (in maxAges) a result may be handed out
	// while another query recomputes it; older ones are recomputed by
	// whoever asks.
	reuseStale = 10
	// reuseKeep bounds the distinct queries kept; past it all are dropped.
	reuseKeep = 256
	// reuseTimeout bounds one computation, which runs to its end even
	// when the query that started it goes away (others wait for it).
	reuseTimeout = 30 * time.Second
)

func newReused[T any](maxAge time.Duration, now func() time.Time) *reused[T] {
	return &reused[T]{maxAge: maxAge, now: now, m: make(map[Query]*reusedEntry[T])}
}

// reuseKey is q without what the summary and coverage do not read: the
// window and month every request parses (To is the request's now).
func reuseKey(q Query) Query {
	q.From, q.To, q.Window, q.Month = time.Time{}, time.Time{}, 0, ""
	return q
}

// get returns the result for q, computing it with compute when needed.
// Queries that differ only in their window share results (reuseKey).
func (c *reused[T]) get(ctx context.Context, q Query, compute func(context.Context) (T, error)) (T, error) {
	if c.maxAge <= 0 {
		c.computed.Add(1)
		return compute(ctx)
	}
	q = reuseKey(q)
	now := c.now()
	c.mu.Lock()
	e := c.m[q]
	switch {
	case e != nil && !e.done():
		c.mu.Unlock()
	case e == nil || now.Sub(e.at) >= reuseStale*c.maxAge:
		e = &reusedEntry[T]{ready: make(chan struct{})}
		if len(c.m) >= reuseKeep {
			clear(c.m)
		}
		c.m[q] = e
		c.mu.Unlock()
		c.run(ctx, q, e, compute)
	case now.Sub(e.at) >= c.maxAge && !e.refreshing:
		e.refreshing = true
		c.mu.Unlock()
		next := &reusedEntry[T]{ready: make(chan struct{})}
		c.run(ctx, q, next, compute)
		c.mu.Lock()
		if c.m[q] == e {
			if next.err == nil {
				c.m[q] = next
			} else {
				e.refreshing = false
			}
		}
		c.mu.Unlock()
		return next.val, next.err
	default:
		v, err := e.val, e.err
		c.mu.Unlock()
		return v, err
	}
	select {
	case <-e.ready:
		return e.val, e.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// run computes e, detached from the asking query's cancellation, and
// forgets it (when it is still q's) if it failed, before waking its
// waiters.
// A computation that panics fails its waiters with errComputePanicked
// (and the panic goes on up the asking query's goroutine), so that
// nobody waits on it for ever.
func (c *reused[T]) run(ctx context.Context, q Query, e *reusedEntry[T], compute func(context.Context) (T, error)) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reuseTimeout)
	defer cancel()
	c.computed.Add(1)
	finished := false
	defer func() {
		if !finished {
			e.err = errComputePanicked
		}
		e.at = c.now()
		// A failed entry leaves the map before its waiters are woken:
		// a query a waiter makes next must compute afresh, not be
		// handed the same error from the map.
		if e.err != nil {
			c.mu.Lock()
			if c.m[q] == e {
				delete(c.m, q)
			}
			c.mu.Unlock()
		}
		close(e.ready)
	}()
	e.val, e.err = compute(cctx)
	finished = true
}

// errComputePanicked is what the queries waiting on a computation that
// panicked get.
var errComputePanicked = errors.New("report computation failed")

func (e *reusedEntry[T]) done() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}
