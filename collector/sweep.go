package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// plan is one sweep to run.
type plan struct {
	group string
	// slot names the sweep; replicas running the same sweep share it.
	slot string
	// start is the recorded start (Options.Now); begun and deadline follow
	// the real clock: claiming stops and writes give up at the deadline.
	start, begun, deadline time.Time
	// spread is the window over which shards start (0: all at once).
	spread time.Duration
	// keepDone is how long done markers stay.
	keepDone time.Duration
	match    func(*sharpeyes.Camera) bool
	// once marks a RunOnce sweep: its slot is the store's once-sweep,
	// kept while it runs and ended once every shard is done.
	once bool
}

// SlotName names the sweep of a group ("" for the default schedule, "once"
// for RunOnce) at a scheduled time: replicas use it in their lease keys.
func SlotName(group string, at time.Time) string {
	if group == "" {
		group = "default"
	}
	return group + "@" + strconv.FormatInt(at.Unix(), 10)
}

// due is when shard s of n may start in a spread sweep.
func (p plan) due(s, n int) time.Time {
	return p.begun.Add(p.spread * time.Duration(s) / time.Duration(n))
}

// sweep runs one sweep: it claims shards until all are done (by any
// replica), the deadline passes or ctx ends, probes them and writes the
// results. It returns this collector's summary, and an error when the
// inventory could not be read, ctx ended, or results were dropped.
func (c *Collector) sweep(ctx context.Context, p plan) (Summary, error) {
	log := c.log.With("slot", p.slot)
	leave := c.members.join(ctx)
	defer leave()
	stopKeeping := func() {}
	if p.once {
		stopKeeping = c.keepOnce(ctx, p.slot)
		defer stopKeeping()
	}
	w := newWriter(ctx, c, p, log)
	defer w.close()
	sctx, cancel := context.WithDeadline(ctx, p.deadline)
	shards, err := c.shardsOf(sctx, p, w)
	if err == nil && hasGBChannels(shards.cams) {
		err = retry(sctx, w.readSignalling, w.trouble)
	}
	cancel()
	if err != nil {
		return w.tally.result(), err
	}
	log.Debug("sweep started", "group", p.group)
	go w.run()
	c.claim(ctx, p, shards, w)
	w.finish()
	if shards.load != nil {
		// Shards taken over from others are not kept: only this
		// replica's own, which the next sweep needs.
		c.parts.Keep(owned(assignSizes(c.members.members(), shards.sizes), c.o.Instance))
	}
	if p.once {
		stopKeeping()
		c.endOnce(ctx, p.slot, shards.sizes, log)
	}
	return c.report(ctx, p, w, log)
}

// keepOnce renews the once-sweep slot, so that runs started meanwhile
// join it, until the returned func is called.
func (c *Collector) keepOnce(ctx context.Context, slot string) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() {
		every(ctx, c.o.LeaseTTL/3, func() bool {
			if _, err := c.o.Store.RenewOnceSweep(ctx, slot, c.o.LeaseTTL); err != nil {
				c.log.Debug("renew once-sweep", "slot", slot, "err", err)
			}
			return true
		})
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// endOnce ends the once-sweep when every shard is done, so that a run
// started OnceJoinGrace after that starts a new one; otherwise its slot expires a lease period after
// its last participant stopped renewing it.
func (c *Collector) endOnce(ctx context.Context, slot string, sizes []int, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.FlushTimeout)
	defer cancel()
	left, err := c.pending(ctx, slot, claimOrder(sizes, true))
	if err == nil && len(left) == 0 {
		err = c.o.Store.EndOnceSweep(ctx, slot, c.o.OnceJoinGrace)
	}
	if err != nil {
		log.Debug("end once-sweep", "err", err)
	}
}

// report records and logs the summary of a finished sweep, hands it to
// OnSweep and returns it with the sweep's error, if any.
func (c *Collector) report(ctx context.Context, p plan, w *writer, log *slog.Logger) (Summary, error) {
	sum := w.tally.result()
	sum.End = c.o.Now()
	sum.DurationS = sum.End.Sub(sum.Start).Seconds()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.FlushTimeout)
	defer cancel()
	if sum.Probed > 0 {
		if err := c.o.Store.RecordSweep(rctx, sum.SweepSummary); err != nil {
			log.Warn("record sweep summary", "err", err)
		}
	}
	log.Info("sweep done", "probed", sum.Probed, "up", sum.Up, "degraded", sum.Degraded, "down", sum.Down,
		"unknown", sum.Unknown, "events", sum.Events, "dropped", sum.Dropped, "isolated", sum.Isolated)
	if c.o.OnSweep != nil {
		c.o.OnSweep(sum)
	}
	switch {
	case ctx.Err() != nil:
		return sum, fmt.Errorf("sweep %s: %w", p.slot, ctx.Err())
	case w.gaveUp:
		return sum, fmt.Errorf("sweep %s: redis unavailable, %d results dropped: %w", p.slot, sum.Dropped, w.lastErr)
	}
	return sum, nil
}

// shardsOf reads what the sweep's shards need, retrying while Redis is
// unavailable. With one shard per store partition (Shards ==
// store.Partitions) it reads the partition sizes, divides the shards
// among the live members (assignSizes) and reads only the partitions of
// the shards this replica owns, from its partition cache: a partition is
// read again only when it changed. Others are read when this replica
// claims their shard (shardSet.get). With another number of shards it
// reads the whole inventory.
func (c *Collector) shardsOf(ctx context.Context, p plan, w *writer) (*shardSet, error) {
	if c.o.Shards != store.Partitions {
		snap, err := c.snapshot(ctx, w.trouble)
		if err != nil {
			return nil, err
		}
		return wholeSet(partition(snap.Cameras(), c.o.Shards, p.match)), nil
	}
	var sizes []int
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		sizes, err = c.o.Store.PartitionSizes(ctx)
		return err
	}, w.trouble)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	ss := &shardSet{sizes: sizes, cams: make([][]*sharpeyes.Camera, len(sizes)), loaded: make([]bool, len(sizes)),
		load: func(ctx context.Context, s int) ([]*sharpeyes.Camera, error) {
			read, err := c.parts.Cameras(ctx, []int{s})
			if err != nil {
				return nil, fmt.Errorf("read inventory: %w", err)
			}
			return probedOf(read[s], p.match), nil
		}}
	mine := owned(assignSizes(c.members.members(), sizes), c.o.Instance)
	c.parts.Keep(mine)
	var read map[int][]sharpeyes.Camera
	err = retry(ctx, func(ctx context.Context) error {
		var err error
		read, err = c.parts.Cameras(ctx, mine)
		return err
	}, w.trouble)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	for _, s := range mine {
		ss.cams[s], ss.loaded[s] = probedOf(read[s], p.match), true
	}
	return ss, nil
}

// probedOf returns the cameras of cams that a sweep matching match probes.
func probedOf(cams []sharpeyes.Camera, match func(*sharpeyes.Camera) bool) []*sharpeyes.Camera {
	var out []*sharpeyes.Camera
	for i := range cams {
		if c := &cams[i]; probed(c, match) {
			out = append(out, c)
		}
	}
	return out
}

// snapshot reads the inventory, retrying while Redis is unavailable.
func (c *Collector) snapshot(ctx context.Context, onErr func(error)) (*store.Snapshot, error) {
	var snap *store.Snapshot
	err := retry(ctx, func(ctx context.Context) error {
		var err error
		snap, err = c.o.Store.Snapshot(ctx)
		return err
	}, onErr)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	return snap, nil
}

// claim takes shards until every shard is done (by any replica), the
// deadline passes or ctx ends. The shards are divided among the live
// members (assign); at each pass this replica tries, of the shards that
// are due, first its own, then those of others whose owner is not live or
// that are still unclaimed a grace after they became due (their owner
// may be slow or dying; see takeoverGrace). Leases still guard every shard: one held by
// another replica is tried again at a later pass, so that the shards of a
// replica that died are taken once their lease expires; a shard this
// replica took is never tried again. Passes come every poll and whenever a
// shard becomes due or its grace ends. Once no shard of its own is left to
// come, the writer is told to stop waiting for more results. While Redis
// fails, a pass ends at the first error and is tried again at the next.
func (c *Collector) claim(ctx context.Context, p plan, shards *shardSet, w *writer) {
	pending := claimOrder(shards.sizes, p.spread > 0)
	poll := min(c.o.LeaseTTL/4, time.Second)
	grace := takeoverGrace(p, c.o.LeaseTTL, len(shards.sizes))
	for len(pending) > 0 {
		members := c.members.members()
		owners := assignSizes(members, shards.sizes)
		now := time.Now()
		var mine, others, rest []int
		ownToCome := false
		wake := now.Add(poll)
		for _, s := range pending {
			due := p.due(s, len(shards.sizes))
			mineNow := owners[s] == c.o.Instance
			switch {
			case due.After(now):
				rest = append(rest, s)
				ownToCome = ownToCome || mineNow
				wake = earliest(wake, due)
			case mineNow:
				mine = append(mine, s)
			case !slices.Contains(members, owners[s]) || !now.Before(due.Add(grace)):
				others = append(others, s)
			default:
				rest = append(rest, s)
				wake = earliest(wake, due.Add(grace))
			}
		}
		c.log.Debug("claim pass", "slot", p.slot, "members", len(members), "mine", mine, "others", others, "waiting", rest)
		held, err := c.claimPass(ctx, p, shards, append(mine, others...), w)
		if ctx.Err() != nil || time.Now().After(p.deadline) {
			return
		}
		rest = append(rest, held...)
		if err != nil {
			w.trouble(err)
		} else if len(rest) > 0 && !ownToCome {
			w.settle() // every shard left is another replica's or held by one
		}
		if len(rest) == 0 || !sleep(ctx, min(time.Until(wake), time.Until(p.deadline))) || time.Now().After(p.deadline) {
			return
		}
		if pending, err = c.pending(ctx, p.slot, rest); err != nil {
			w.trouble(err)
		}
	}
}

// takeoverGrace is how long after a shard came due another replica waits
// for its live owner to claim it: LeaseTTL/2, but no longer than half the
// time between the last shard coming due and the deadline. A replica that
// died stays a member for up to LeaseTTL, so with a LeaseTTL close to the
// interval its last shards would otherwise be taken over only after the
// deadline and go unprobed until the next sweep.
func takeoverGrace(p plan, leaseTTL time.Duration, shards int) time.Duration {
	grace := leaseTTL / 2
	if shards > 0 {
		if room := p.deadline.Sub(p.due(shards-1, shards)) / 2; room > 0 && room < grace {
			grace = room
		}
	}
	return grace
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// claimPass tries each shard of try once and returns those not taken. It
// returns early when ctx ends or the deadline passes, and with the shards
// not yet tried when Redis fails.
func (c *Collector) claimPass(ctx context.Context, p plan, shards *shardSet, try []int, w *writer) ([]int, error) {
	var rest []int
	for i, s := range try {
		if ctx.Err() != nil || time.Now().After(p.deadline) {
			return nil, nil
		}
		taken, err := c.tryShard(ctx, p, s, shards, w)
		if err != nil {
			return append(rest, try[i:]...), err
		}
		if !taken {
			rest = append(rest, s)
		}
	}
	return rest, nil
}

// tryShard takes shard s if nobody holds it and it is not done, reads its
// cameras if this replica has not yet (a shard taken over from another),
// then starts probing it; a shard with nothing to probe (none of its
// cameras is in the sweep's group, or probed at all) is marked done at
// once. It reports whether the shard was taken, and an error when Redis
// failed.
func (c *Collector) tryShard(ctx context.Context, p plan, s int, shards *shardSet, w *writer) (bool, error) {
	key := store.SweepLeaseKey(p.slot, s)
	ok, err := c.o.Store.TryLease(ctx, key, c.o.Instance, c.o.LeaseTTL)
	if err != nil || !ok {
		return false, err
	}
	sr := &shardRun{shard: s, key: key}
	c.renew(ctx, sr) // reading a partition may take a while
	cams, err := shards.get(ctx, s)
	if err == nil && hasGBChannels([][]*sharpeyes.Camera{cams}) {
		err = w.readSignalling(ctx)
	}
	if err == nil && len(cams) == 0 {
		sr.stop()
		sr.renewed.Wait()
		if err = c.o.Store.MarkDone(ctx, key, c.o.Instance, p.keepDone); err == nil {
			return true, nil
		}
	}
	if err != nil {
		c.release(ctx, sr)
		return false, err
	}
	sr.cams, sr.results, sr.at = cams, make([]probe.Result, len(cams)), make([]time.Time, len(cams))
	ids := sr.ids()
	creds, err := c.o.Store.Credentials(ctx, ids)
	if err == nil {
		sr.prev, err = c.o.Store.Statuses(ctx, ids)
	}
	if err != nil {
		c.release(ctx, sr)
		return false, err
	}
	c.dispatch(ctx, sr, creds, w)
	return true, nil
}

// retry calls f until it succeeds or ctx ends, backing off from 50 ms to
// 2 s; onErr sees every failure. It returns f's last error when ctx ended
// first.
func retry(ctx context.Context, f func(context.Context) error, onErr func(error)) error {
	wait := 50 * time.Millisecond
	for {
		err := f(ctx)
		if err == nil {
			return nil
		}
		if onErr != nil {
			onErr(err)
		}
		if !sleep(ctx, wait) {
			return errors.Join(err, ctx.Err())
		}
		wait = min(2*wait, 2*time.Second)
	}
}
