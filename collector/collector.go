// Package collector probes every camera on a schedule and turns the results
// into live status, events and outages in the store.
//
// A sweep probes the cameras of one schedule group once. Several collector
// replicas share a sweep: it is cut into shards (fnv(id) mod Shards), and a
// replica probes a shard only while it holds the shard's lease in Redis
// (store.TryLease), renewing it until the shard's results are written and
// the shard is marked done. A replica that dies stops renewing; its shards'
// leases expire and another replica takes them.
//
// Replicas divide each sweep evenly. Each records a heartbeat in the store
// (store.Heartbeat: se:{co}:members, every LeaseTTL/3 while Start or a
// sweep runs, and at each sweep's start) and is live while its last
// heartbeat is within LeaseTTL. Each sweep's non-empty shards are assigned
// across the live members by rendezvous hashing (a shard goes to the
// member with the highest hash(instance, shard)), bounded so that no
// member owns more than its even share rounded up; every replica computes
// the same owners, and while the members stay the same each owns the same
// shards in every sweep of every group. A replica claims its own shards as
// they come due, and another's once its owner is not live or the shard is
// still unclaimed LeaseTTL/2 after it came due (less when that would
// pass the sweep's deadline for the last shards to come due): a dead
// replica's shards are finished within about a lease period, before the
// deadline as long as LeaseTTL is at most half the interval. Status writes are compare-and-set (store.ApplyStatuses), so
// two replicas never record one change twice. Scheduled sweeps are named
// by their group and scheduled second; `collect --once` runs join the
// once-sweep the store names while it runs (store.JoinOnceSweep), so runs
// started together share it.
//
// What a replica reads. With the default Shards (64, store.Partitions)
// shard s is the store's inventory partition s: a sweep reads the
// partition sizes (one pipeline of HLEN), divides the shards by them, and
// reads only the partitions of the shards this replica owns, through a
// store.PartitionCache kept between sweeps that reads a partition again
// only when its version changed. A shard taken over from another replica
// is read when it is claimed, and dropped from the cache after the sweep,
// so a replica holds about its share of the inventory, and one edit costs
// the one replica that owns its partition one partition read. A shard
// with nothing of the sweep's group to probe is marked done when claimed.
// With any other Shards a sweep reads the whole inventory (store.Snapshot).
package collector

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/store"
)

// Defaults of Options.
const (
	DefaultSchedule           = "0 * * * * *" // every minute, on the minute
	DefaultProbeTimeout       = 5 * time.Second
	DefaultConcurrency        = 2000
	DefaultShards             = 64
	DefaultLeaseTTL           = 15 * time.Second
	DefaultIsolationThreshold = 0.8
	DefaultSpread             = 0.5 // the config default; 0 in Options means no spread
	DefaultMaxSweep           = 10 * time.Minute
	DefaultFlushTimeout       = 5 * time.Second
	// DefaultOnceJoinGrace is how long a finished once-sweep can still be
	// joined: runs started "together" by cron on several hosts start
	// seconds apart, and one that starts just after a small sweep ended
	// must not sweep again.
	DefaultOnceJoinGrace = 5 * time.Second
	// IsolationMinProbes is how many probes a sweep needs before it can be
	// judged isolated.
	IsolationMinProbes = 20
)

// Options are the collector's dependencies and settings. Zero values take
// the defaults above.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger
	// Probe probes one camera (default probe.Run); tests wrap it to count.
	Probe probe.Func
	// Now gives the times recorded in statuses, events and summaries
	// (default time.Now). Waiting always follows the real clock.
	Now func() time.Time
	// Instance names this replica in leases and summaries (default
	// host-pid-random); it must be unique to the process, so that two
	// replicas never share a lease, and must not contain commas.
	Instance string
	// Schedule is the cron spec, with seconds, of the default group
	// (config.ParseSchedule reads it).
	Schedule string
	// Groups sweep their cameras on their own schedules; a camera belongs
	// to the first group whose filter it matches, else to the default
	// schedule.
	Groups        []config.Group
	ProbeTimeout  time.Duration
	Concurrency   int
	Thresholds    Thresholds
	MaxClockDrift time.Duration
	// Spread is the fraction of the interval over which a scheduled sweep's
	// shards start (0: all at once; config default DefaultSpread).
	Spread             float64
	Shards             int
	LeaseTTL           time.Duration
	IsolationThreshold float64
	// MaxSweep bounds RunOnce (when ctx has no earlier deadline).
	MaxSweep time.Duration
	// FlushTimeout is how long finished results may still be written after
	// the sweep's ctx is cancelled.
	FlushTimeout time.Duration
	// OnceJoinGrace is how long a finished once-sweep can still be
	// joined (default DefaultOnceJoinGrace; negative: not at all).
	OnceJoinGrace time.Duration
	// OnSweep is called with each sweep's summary (for metrics).
	OnSweep func(Summary)
	// OnProbe is called after each probe whose result is kept (for
	// metrics); probes cut short by a cancelled sweep are not reported.
	OnProbe func(kind, reason string, latency time.Duration)
}

// Collector runs sweeps. It is safe for concurrent use.
type Collector struct {
	o     Options
	log   *slog.Logger
	sem   chan struct{}
	sched *scheduler
	// members keeps the replica's heartbeat and the live members.
	members membership
	// parts keeps the inventory partitions of the shards this replica
	// owns (when Shards == store.Partitions), between sweeps.
	parts *store.PartitionCache
}

// New checks o, fills its defaults and returns a Collector, or an error
// naming the bad option.
func New(o Options) (*Collector, error) {
	if o.Store == nil {
		return nil, errors.New("collector: no store")
	}
	if err := o.fill(); err != nil {
		return nil, err
	}
	c := &Collector{o: o, log: o.Logger.With("instance", o.Instance), sem: make(chan struct{}, o.Concurrency),
		parts: o.Store.NewPartitionCache()}
	sched, err := newScheduler(c)
	if err != nil {
		return nil, err
	}
	c.sched = sched
	c.members.c = c
	return c, nil
}

func (o *Options) fill() error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Probe == nil {
		o.Probe = probe.Run
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Instance == "" {
		o.Instance = defaultInstance()
	}
	if strings.Contains(o.Instance, ",") {
		return fmt.Errorf("collector: instance %q contains a comma", o.Instance)
	}
	if o.Schedule == "" {
		o.Schedule = DefaultSchedule
	}
	setDefault(&o.ProbeTimeout, DefaultProbeTimeout)
	setDefault(&o.Concurrency, DefaultConcurrency)
	setDefault(&o.Shards, DefaultShards)
	setDefault(&o.LeaseTTL, DefaultLeaseTTL)
	setDefault(&o.IsolationThreshold, DefaultIsolationThreshold)
	setDefault(&o.MaxSweep, DefaultMaxSweep)
	setDefault(&o.FlushTimeout, DefaultFlushTimeout)
	if o.OnceJoinGrace == 0 {
		o.OnceJoinGrace = DefaultOnceJoinGrace
	}
	o.Thresholds = o.Thresholds.withDefaults()
	if o.Spread < 0 || o.Spread > 1 {
		return fmt.Errorf("collector: spread %g is not within 0..1", o.Spread)
	}
	if o.IsolationThreshold > 1 {
		return fmt.Errorf("collector: isolation threshold %g is above 1", o.IsolationThreshold)
	}
	return nil
}

func setDefault[T int | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

func defaultInstance() string {
	host, _ := os.Hostname()
	return strings.ReplaceAll(host, ",", "_") + "-" + strconv.Itoa(os.Getpid()) + "-" + randomHex(3)
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Instance returns the replica's name.
func (c *Collector) Instance() string { return c.o.Instance }
