package collector

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// writer turns finished shards into status writes, one goroutine per
// sweep. It holds shards back until the sweep has isolationSample results
// (or ends), so that it can tell an isolated collector (most probes failing
// at once) from cameras failing, and withholds every state change while
// isolated. Later shards are judged on the sweep's running totals.
//
// Writes go to Redis through ctx, which ends at the sweep's deadline or
// FlushTimeout after the sweep is cancelled: while Redis is unavailable
// they are retried until then, and dropped after. A camera's state thus
// changes only from probe results, never because Redis was away.
type writer struct {
	c        *Collector
	p        plan
	log      *slog.Logger
	ctx      context.Context
	close    func()
	in       chan *shardRun
	inflight sync.WaitGroup
	done     chan struct{}
	tally    tally

	held           []*shardRun
	probed, failed int
	isoSent        bool

	mu      sync.Mutex // guards the fields below (claim and writer goroutines)
	warned  bool
	gaveUp  bool
	lastErr error
}

// isolationSample is how many results the first isolation judgement waits
// for: enough that a fleet 90% down is not judged on a lucky handful.
const isolationSample = 200

func newWriter(ctx context.Context, c *Collector, p plan, log *slog.Logger) *writer {
	wctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), p.deadline)
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(c.o.FlushTimeout, cancel) })
	w := &writer{c: c, p: p, log: log, ctx: wctx, in: make(chan *shardRun), done: make(chan struct{}),
		close: func() { stop(); cancel() }}
	w.tally.sum.SweepSummary = store.SweepSummary{Slot: p.slot, Instances: []string{c.o.Instance}, Start: p.start}
	w.tally.sum.Group = p.group
	return w
}

// run writes the shards handed over on w.in until it is closed.
func (w *writer) run() {
	defer close(w.done)
	for sr := range w.in {
		w.held = append(w.held, sr)
		w.probed += len(sr.cams)
		w.failed += sr.failed()
		if w.probed >= isolationSample {
			w.flush()
		}
	}
	w.flush()
	if w.isoSent {
		w.recordIsolation()
	}
}

// recordIsolation emits the sweep's collector.isolated event, with this
// collector's totals.
func (w *writer) recordIsolation() {
	iso := store.Isolation{Instance: w.c.o.Instance, Slot: w.p.slot, At: w.c.o.Now(), Probed: w.probed, Failed: w.failed}
	if err := retry(w.ctx, func(ctx context.Context) error { return w.c.o.Store.RecordIsolation(ctx, iso) }, w.trouble); err != nil {
		w.giveUp(err)
	}
}

// finish waits for the shards still probing, then for their writes.
func (w *writer) finish() {
	w.inflight.Wait()
	close(w.in)
	<-w.done
}

// trouble notes a Redis failure; the first of a sweep is logged.
func (w *writer) trouble(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastErr = err
	if !w.warned {
		w.warned = true
		w.log.Warn("redis unavailable, retrying until the sweep deadline", "err", err)
	}
}

// giveUp notes that results are being dropped; logged once.
func (w *writer) giveUp(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastErr = err
	if !w.gaveUp {
		w.gaveUp = true
		w.log.Error("redis unavailable until the sweep deadline: dropping results of this sweep", "err", err)
	}
}

func (w *writer) isolated() bool {
	return w.probed >= IsolationMinProbes && float64(w.failed) > w.c.o.IsolationThreshold*float64(w.probed)
}

// flush writes (or, isolated, withholds) the held shards and marks them
// done.
func (w *writer) flush() {
	batch := w.held
	w.held = nil
	if len(batch) == 0 {
		return
	}
	if w.isolated() {
		batch = w.freeze(batch)
	} else {
		batch = w.write(batch)
	}
	w.markDone(batch)
}

// freeze counts the shards as probed but writes nothing, and returns the
// shards to mark done. The isolation is recorded at the end of the sweep.
func (w *writer) freeze(batch []*shardRun) []*shardRun {
	w.tally.sum.Isolated = true
	var live []*shardRun
	for _, sr := range batch {
		if sr.lost.Load() {
			sr.stop()
			w.tally.sum.Dropped += len(sr.cams)
			continue
		}
		live = append(live, sr)
		for i, cam := range sr.cams {
			r := sr.results[i]
			w.tally.count(r.Reason, r.State == sharpeyes.StateDown, prevOf(sr, cam.ID).State)
		}
	}
	if !w.isoSent {
		w.isoSent = true
		w.log.Warn("most probes failed at once: this collector looks isolated, state changes withheld",
			"probed", w.probed, "failed", w.failed)
	}
	return live
}

// markDone stops renewing the shards' leases and marks them done.
func (w *writer) markDone(batch []*shardRun) {
	for _, sr := range batch {
		sr.stop()
		sr.renewed.Wait()
	}
	for _, sr := range batch {
		err := retry(w.ctx, func(ctx context.Context) error {
			return w.c.o.Store.MarkDone(ctx, sr.key, w.c.o.Instance, w.p.keepDone)
		}, w.trouble)
		if err != nil {
			w.giveUp(err)
			return
		}
		w.tally.sum.Shards++
	}
}

func prevOf(sr *shardRun, id string) sharpeyes.Status {
	if st, ok := sr.prev[id]; ok {
		return st
	}
	return sharpeyes.Unknown()
}
