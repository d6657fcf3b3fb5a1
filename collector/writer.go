package collector

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// writer turns finished shards into status writes, one goroutine per
// sweep. It holds shards back until it has isolationSample results that
// can judge isolation, or until no more results are coming for now: every
// shard this replica claimed has arrived and every shard left is held by
// another replica (settle). Then it tells an isolated collector (most
// probes timing out or finding no route at once) from cameras failing,
// and withholds every state change while isolated. Later shards are judged
// on the sweep's running totals. Holding back never waits for other
// replicas, which wait for our shards to be done.
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

	// outstanding counts the shards claimed but not yet handed over or
	// dropped; idle is set once the claim loop found nothing more to take
	// for now; wake tells the writer to look at both again.
	outstanding atomic.Int64
	idle        atomic.Bool
	wake        chan struct{}

	// siglost maps the cameras with a GB/T 28181 channel whose signalling
	// is lost to the reason (read once per sweep, by the claiming goroutine
	// when the first shard holding such a channel is read; see
	// signalling). sigRead says it was read (claiming goroutine only).
	siglost atomic.Pointer[map[string]string]
	sigRead bool

	held []*shardRun
	// sample counts the results that can judge isolation, failed those
	// among them that timed out or found no route.
	sample, failed int
	isoSent        bool

	mu      sync.Mutex // guards the fields below (claim and writer goroutines)
	warned  bool
	gaveUp  bool
	lastErr error
}

// isolationSample is how many results the first isolation judgement waits
// for when more are coming: enough that a fleet 90% down is not judged on
// a lucky handful.
const isolationSample = 200

func newWriter(ctx context.Context, c *Collector, p plan, log *slog.Logger) *writer {
	wctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), p.deadline)
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(c.o.FlushTimeout, cancel) })
	w := &writer{c: c, p: p, log: log, ctx: wctx, in: make(chan *shardRun), done: make(chan struct{}),
		wake: make(chan struct{}, 1), close: func() { stop(); cancel() }}
	w.tally.sum.SweepSummary = store.SweepSummary{Slot: p.slot, Instances: []string{c.o.Instance}, Start: p.start}
	w.tally.sum.Group = p.group
	return w
}

// run writes the shards handed over on w.in until it is closed.
func (w *writer) run() {
	defer close(w.done)
	for {
		select {
		case sr, ok := <-w.in:
			if !ok {
				w.flush()
				if w.isoSent {
					w.recordIsolation()
				}
				return
			}
			w.outstanding.Add(-1)
			w.hold(sr)
		case <-w.wake:
		}
		if w.sample >= isolationSample || w.idle.Load() && w.outstanding.Load() == 0 {
			w.flush()
		}
	}
}

// hold keeps sr for the next flush and counts its results.
func (w *writer) hold(sr *shardRun) {
	w.held = append(w.held, sr)
	w.signalling(sr)
	for _, r := range sr.results {
		if countsInIsolation(r) {
			w.sample++
			if isolationFailure(r) {
				w.failed++
			}
		}
	}
}

// countsInIsolation reports whether r can judge isolation: every result
// with a verdict. A probe_error, the collector's own failure, never does.
func countsInIsolation(r probe.Result) bool {
	switch r.State {
	case sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown:
		return r.Reason != probe.ReasonProbeError
	}
	return false
}

// isolationFailure reports whether r suggests the collector's own network
// is down: the probe timed out or found no route (SPEC "Status"). A refusal
// and every answer from a device prove the path works.
func isolationFailure(r probe.Result) bool {
	return r.Reason == sharpeyes.ReasonTimeout || r.Reason == sharpeyes.ReasonUnreachable
}

// claimed notes a shard claimed by this replica: the writer waits for it
// before flushing what it holds.
func (w *writer) claimed() { w.outstanding.Add(1) }

// dropShard notes a claimed shard that will not be handed over.
func (w *writer) dropShard() {
	w.outstanding.Add(-1)
	w.poke()
}

// settle tells the writer that this replica has nothing more to claim for
// now: once the shards it claimed have arrived, it flushes what it holds.
func (w *writer) settle() {
	w.idle.Store(true)
	w.poke()
}

func (w *writer) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// recordIsolation emits the sweep's collector.isolated event, with this
// collector's totals.
func (w *writer) recordIsolation() {
	iso := store.Isolation{Instance: w.c.o.Instance, Slot: w.p.slot, At: w.c.o.Now(), Probed: w.sample, Failed: w.failed}
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

// isolated judges the results so far: at least IsolationMinProbes of them,
// and more than IsolationThreshold of those timed out or found no route.
func (w *writer) isolated() bool {
	return w.sample >= IsolationMinProbes && float64(w.failed) > w.c.o.IsolationThreshold*float64(w.sample)
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
		w.log.Warn("most probes timed out or found no route at once: this collector looks isolated, state changes withheld",
			"probed", w.sample, "failed", w.failed)
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

// signalling turns the answers of cameras whose GB/T 28181 signalling is
// lost into degraded with signalling_lost: the stream answers, the
// platform has lost the device (SPEC "GB/T 28181 devices"). Failures stay
// what the probe found.
func (w *writer) signalling(sr *shardRun) {
	lost := w.siglost.Load()
	if lost == nil || len(*lost) == 0 {
		return
	}
	for i, cam := range sr.cams {
		r := &sr.results[i]
		if _, ok := (*lost)[cam.ID]; !ok {
			continue
		}
		if r.State == sharpeyes.StateUp || r.State == sharpeyes.StateDegraded {
			r.State, r.Reason = sharpeyes.StateDegraded, sharpeyes.ReasonSignallingLost
		}
	}
}

// readSignalling reads which GB/T 28181 channels lost their signalling,
// once per sweep; the claiming goroutine calls it before handing over the
// first shard with such a channel.
func (w *writer) readSignalling(ctx context.Context) error {
	if w.sigRead {
		return nil
	}
	m, err := w.c.o.Store.GBSignallingLost(ctx)
	if err != nil {
		return fmt.Errorf("read gb28181 signalling: %w", err)
	}
	w.siglost.Store(&m)
	w.sigRead = true
	return nil
}

// hasGBChannels reports whether any camera to probe is also a GB/T 28181
// channel, whose signalling the sweep must then read.
func hasGBChannels(shards [][]*sharpeyes.Camera) bool {
	for _, cams := range shards {
		for _, c := range cams {
			if c.GBDevice != "" {
				return true
			}
		}
	}
	return false
}
