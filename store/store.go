// Package store keeps sharpeyes' data in Redis: the camera inventory (the
// system of record), live status, events and outages. It is the only package
// that imports go-redis; callers see ErrNotFound and ErrExists instead of
// redis.Nil, and ErrUnavailable or ErrFull (matched with errors.Is) when
// Redis cannot be reached or is out of memory.
//
// Key schema. Every key starts with "se:" and carries a Redis Cluster hash
// tag, so that the keys one operation touches together share a slot:
//
//	se:{pNN}:…          per-camera data (inventory, credentials, status,
//	                     state sets, open outages, probe index) in 64
//	                     partitions by a hash of the camera id: see
//	                     partition.go
//	se:{inv}:ver         STRING random token, replaced after every inventory
//	                            write (after the partition's own se:{pNN}:ver)
//	se:{inv}:lifecycle   ZSET   lifecycle changes "id|from|to|unixms", scored by time
//	                            (trimmed by history retention: see TrimHistory)
//	se:{inv}:schema      STRING the key schema's version ("2": partitioned)
//	se:{st}:events       STREAM state changes (camera.down, camera.up, ...)
//	se:{st}:outages      ZSET   closed outages JSON, scored by end (unix ms)
//	se:{st}:known        ZSET   camera id, scored by the first status write
//	                            with a known state (unix ms): monitored time
//	                            starts there
//	se:{st}:probed:built STRING the probe index was built from older statuses
//	se:{st}:sweep        HASH   last sweep: start, end, duration, counts
//	se:{st}:isolations   LIST   the last 1,000 sweeps judged isolated
//	se:{pNN}:sweep:<slot>:<shard>       STRING lease of one shard of one sweep
//	se:{pNN}:sweep:<slot>:<shard>:done  STRING the shard was written
//	se:{co}:once                        STRING slot of the once-sweep under way
//	se:{co}:members      ZSET   collector instance, scored by its last heartbeat
//	                            (Redis time, unix ms): live within the lease TTL
//	se:{co}:lock:trim    STRING lease of the one process that trims history
//	se:{co}:ready:<rand> STRING readiness write probe of one process (30 s TTL)
//
// The alerting keys (se:{al}:…: silences, webhooks, outbox queues, dead
// letters, delivery locks) are listed in silences.go.
// The GB/T 28181 keys (se:{gb}:…: device registrations, last keepalives)
// are listed in gb28181.go.
//
// Inventory writes of many cameras are pipelined inside MULTI/EXEC, one
// per partition.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrUnavailable marks an error of a Redis that cannot be reached or
	// cannot serve for now: connection refused or reset, timeouts, the
	// client's pool or circuit breaker giving up, or the replies LOADING,
	// MASTERDOWN, CLUSTERDOWN, TRYAGAIN and READONLY of a failover.
	ErrUnavailable = errors.New("redis unavailable")
	// ErrFull marks a write Redis refused with OOM: used memory is over
	// maxmemory and the policy (noeviction) keeps every key.
	ErrFull = errors.New("redis full")
)

// Keys of the schema above.
const (
	keyVersion   = "se:{inv}:ver"
	keyLifecycle = "se:{inv}:lifecycle"
	keyEvents    = "se:{st}:events"
	keyOutages   = "se:{st}:outages"
	keyKnown     = "se:{st}:known"
	keySweep     = "se:{st}:sweep"
)

// batch is how many fields one HSET or HMGET carries.
const batch = 1000

// Store is the Redis-backed store. It is safe for concurrent use.
type Store struct {
	rdb       redis.UniversalClient
	snap      snapshotCache
	now       func() time.Time
	eventsMax int64
	probeKey  string   // see ProbeWrite
	readyTags sync.Map // Cluster master address → hash tag of a slot it serves (ProbeWrite)
	// policySource says how CheckEviction reads the policy.
	policySource atomic.Int32
	// lastFull is when Redis last refused a write with OOM (unix ns).
	lastFull atomic.Int64
}

// New returns a Store over an open client, keeping at most EventsCap
// events until SetEventsMax says otherwise. It adds a hook to rdb that
// marks failed commands with ErrUnavailable or ErrFull.
func New(rdb redis.UniversalClient) *Store {
	s := &Store{rdb: rdb, now: time.Now, eventsMax: EventsCap, probeKey: newWriteProbeKey()}
	rdb.AddHook(classifyHook{lastFull: &s.lastFull})
	return s
}

// SetEventsMax bounds the events stream (config history.events_max): each
// append trims it to about n entries and TrimHistory to exactly n. A value
// below 1 restores EventsCap. Call it before the store is shared.
func (s *Store) SetEventsMax(n int64) {
	if n < 1 {
		n = EventsCap
	}
	s.eventsMax = n
}

// Client returns the underlying client, for packages of this module that
// keep their own keys (leases, outbox) under the same connection.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Ping checks that Redis answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// Options say how to reach Redis: one URL for a single node
// (redis:// or rediss://), or several addresses for Sentinel (with
// MasterName) or a Cluster.
type Options struct {
	URL          string
	Addrs        []string
	MasterName   string
	Cluster      bool
	Username     string
	Password     string
	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	PoolSize     int
}

// Open builds a client from opts and checks it answers within the dial
// timeout. It returns an error naming what is wrong with the URL or the
// connection; the password is never part of it.
func Open(ctx context.Context, opts Options) (redis.UniversalClient, error) {
	u := &redis.UniversalOptions{
		Addrs:         opts.Addrs,
		MasterName:    opts.MasterName,
		IsClusterMode: opts.Cluster,
		Username:      opts.Username,
		Password:      opts.Password,
		DialTimeout:   orDefault(opts.DialTimeout, 5*time.Second),
		ReadTimeout:   orDefault(opts.ReadTimeout, 3*time.Second),
		WriteTimeout:  orDefault(opts.WriteTimeout, 3*time.Second),
		PoolSize:      opts.PoolSize,
	}
	if opts.URL != "" {
		o, err := redis.ParseURL(opts.URL)
		if err != nil {
			return nil, fmt.Errorf("redis url %s: %w", sharpeyes.RedactURL(opts.URL), err)
		}
		u.Addrs = []string{o.Addr}
		u.DB = o.DB
		u.TLSConfig = o.TLSConfig
		if o.Username != "" {
			u.Username = o.Username
		}
		if o.Password != "" {
			u.Password = o.Password
		}
	}
	if len(u.Addrs) == 0 {
		return nil, errors.New("redis: no url or addresses given")
	}
	rdb := newClient(u)
	pctx, cancel := context.WithTimeout(ctx, u.DialTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis at %v: %w", u.Addrs, err)
	}
	return rdb, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
