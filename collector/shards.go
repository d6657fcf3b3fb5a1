package collector

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// ShardOf returns the shard of a camera id among n shards.
func ShardOf(id string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// partition puts the probed cameras that match into their shards.
func partition(cams []sharpeyes.Camera, n int, match func(*sharpeyes.Camera) bool) [][]*sharpeyes.Camera {
	shards := make([][]*sharpeyes.Camera, n)
	for i := range cams {
		if c := &cams[i]; probed(c, match) {
			s := ShardOf(c.ID, n)
			shards[s] = append(shards[s], c)
		}
	}
	return shards
}

// probed reports whether a sweep matching match probes c. Passive cameras
// (GB/T 28181 channels) are never probed: package gb28181 writes their
// status.
func probed(c *sharpeyes.Camera, match func(*sharpeyes.Camera) bool) bool {
	return c.Lifecycle.Probed() && !c.Probe.Passive() && match(c)
}

// shardSet is a sweep's shards: their sizes, which plan and divide the
// sweep, and the cameras to probe of each shard read so far. Only the
// sweep's claiming goroutine uses it.
type shardSet struct {
	// sizes counts the cameras to probe of each shard (whole inventory
	// read), or every camera of the shard's partition, whatever its kind
	// or group (partitions read on demand): a shard of size 0 is not
	// swept, and a shard may turn out to hold nothing to probe.
	sizes  []int
	cams   [][]*sharpeyes.Camera
	loaded []bool
	// load reads shard s (nil when every shard was read at the start).
	load func(ctx context.Context, s int) ([]*sharpeyes.Camera, error)
}

// wholeSet is a shard set read from the whole inventory.
func wholeSet(shards [][]*sharpeyes.Camera) *shardSet {
	ss := &shardSet{sizes: make([]int, len(shards)), cams: shards, loaded: make([]bool, len(shards))}
	for s, cams := range shards {
		ss.sizes[s], ss.loaded[s] = len(cams), true
	}
	return ss
}

// get returns the cameras to probe of shard s, reading it if needed.
func (ss *shardSet) get(ctx context.Context, s int) ([]*sharpeyes.Camera, error) {
	if ss.loaded[s] {
		return ss.cams[s], nil
	}
	cams, err := ss.load(ctx, s)
	if err != nil {
		return nil, err
	}
	ss.cams[s], ss.loaded[s] = cams, true
	return cams, nil
}

// claimOrder lists the non-empty shards in the order this replica tries
// them: ascending when the sweep is spread (the order they come due), else
// shuffled, so that replicas taking over others' shards together mostly
// try different ones.
func claimOrder(sizes []int, spread bool) []int {
	var order []int
	for s, n := range sizes {
		if n > 0 {
			order = append(order, s)
		}
	}
	if !spread {
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	return order
}

// shardRun is one claimed shard: its cameras, their previous status and the
// probe results, and the renewal of its lease until it is written.
type shardRun struct {
	shard   int
	key     string
	cams    []*sharpeyes.Camera
	prev    map[string]sharpeyes.Status
	results []probe.Result
	at      []time.Time
	tainted atomic.Bool // a probe ended because the sweep was cancelled
	lost    atomic.Bool // the lease went to another replica
	stop    context.CancelFunc
	renewed sync.WaitGroup
}

// renew keeps the shard's lease until stop is called. Redis errors are
// retried at the next tick; a lease taken by another replica marks the
// shard lost, so that its results are not written.
func (c *Collector) renew(ctx context.Context, sr *shardRun) {
	ctx, sr.stop = context.WithCancel(context.WithoutCancel(ctx))
	sr.renewed.Add(1)
	go func() {
		defer sr.renewed.Done()
		every(ctx, c.o.LeaseTTL/3, func() bool {
			ok, err := c.o.Store.RenewLease(ctx, sr.key, c.o.Instance, c.o.LeaseTTL)
			if err != nil {
				c.log.Debug("renew lease", "shard", sr.shard, "err", err)
				return true
			}
			if !ok {
				sr.lost.Store(true)
				c.log.Warn("lost the lease of a shard to another collector", "shard", sr.shard)
			}
			return ok
		})
	}()
}

// release stops renewing and gives the lease back so another replica can
// take the shard at once; used when its results are dropped.
func (c *Collector) release(ctx context.Context, sr *shardRun) {
	sr.stop()
	sr.renewed.Wait()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.FlushTimeout)
	defer cancel()
	if err := c.o.Store.ReleaseLease(ctx, sr.key, c.o.Instance); err != nil {
		c.log.Debug("release lease", "shard", sr.shard, "err", err)
	}
}

// ids returns the shard's camera ids, sorted.
func (sr *shardRun) ids() []string {
	ids := make([]string, len(sr.cams))
	for i, c := range sr.cams {
		ids[i] = c.ID
	}
	sort.Strings(ids)
	return ids
}

// pending drops the shards that are done (by anyone) from order.
func (c *Collector) pending(ctx context.Context, slot string, order []int) ([]int, error) {
	keys := make([]string, len(order))
	for i, s := range order {
		keys[i] = store.SweepLeaseKey(slot, s)
	}
	done, err := c.o.Store.LeasesDone(ctx, keys)
	if err != nil {
		return order, err
	}
	var rest []int
	for i, s := range order {
		if !done[i] {
			rest = append(rest, s)
		}
	}
	return rest, nil
}

// every calls fn each period until ctx ends or fn returns false: the
// renewals and heartbeats a replica keeps while it works.
func every(ctx context.Context, period time.Duration, fn func() bool) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !fn() {
			return
		}
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
