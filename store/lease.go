package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leases let several collectors share a sweep: the sweep is cut into
// shards, and a collector probes a shard only while it holds the shard's
// lease. Keys (under the hash tag of the shard's partition, shard mod 64,
// so that a lease and its done marker share a Cluster slot and a sweep's
// keys spread over the masters like the cameras they cover):
//
//	se:{pNN}:sweep:<slot>:<shard>       STRING owner, with a TTL (the lease)
//	se:{pNN}:sweep:<slot>:<shard>:done  STRING owner, set once the shard's
//	                                    results are written (kept a few
//	                                    intervals, then expires)
//
//	se:{co}:once                       STRING slot of the `collect --once`
//	                                   sweep under way, with a TTL its
//	                                   participants renew
//
// A lease whose owner died expires after its TTL, and another collector
// takes the shard; a done shard is never taken again in that slot.

// onceSweepKey names the once-sweep that runs started now join.
const onceSweepKey = "se:{co}:once"

// SweepLeaseKey returns the lease key of one shard of one sweep slot.
func SweepLeaseKey(slot string, shard int) string {
	return fmt.Sprintf("se:{p%02d}:sweep:%s:%d", shard%Partitions, slot, shard)
}

func doneKey(lease string) string { return lease + ":done" }

var tryLeaseScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

var renewLeaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not cur and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

var releaseLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`)

var markDoneScript = redis.NewScript(`
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`)

// TryLease takes the lease key for owner for ttl when nobody holds it. It
// returns false when the lease is held, by another owner or by owner
// itself (so that one holder never takes a shard twice; RenewLease extends
// a lease), or the shard is already done, and an error only when Redis
// fails.
func (s *Store) TryLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	return s.leaseOp(ctx, tryLeaseScript, "take", key, owner, ttl)
}

// RenewLease extends owner's lease by ttl. A lease that vanished (it
// expired, or Redis restarted empty) is taken again when nobody else holds
// it and the shard is not done. It returns false when the lease is lost,
// and an error only when Redis fails.
func (s *Store) RenewLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	return s.leaseOp(ctx, renewLeaseScript, "renew", key, owner, ttl)
}

func (s *Store) leaseOp(ctx context.Context, sc *redis.Script, what, key, owner string, ttl time.Duration) (bool, error) {
	n, err := sc.Run(ctx, s.rdb, []string{key, doneKey(key)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("%s lease %s: %w", what, key, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up owner's lease without marking the shard done, so
// another collector can take it at once. A lease held by someone else is
// left alone. It returns an error when Redis fails.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := releaseLeaseScript.Run(ctx, s.rdb, []string{key, doneKey(key)}, owner).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", key, err)
	}
	return nil
}

// MarkDone records that the shard of key is finished for keep (a few sweep
// intervals) and drops owner's lease. It returns an error when Redis
// fails.
func (s *Store) MarkDone(ctx context.Context, key, owner string, keep time.Duration) error {
	err := markDoneScript.Run(ctx, s.rdb, []string{key, doneKey(key)}, owner, keep.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("mark %s done: %w", key, err)
	}
	return nil
}

// LeasesDone reports, for each lease key, whether its shard is done, or
// returns an error when Redis fails.
func (s *Store) LeasesDone(ctx context.Context, keys []string) ([]bool, error) {
	cmds := make([]*redis.IntCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Exists(ctx, doneKey(k))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read done shards: %w", err)
	}
	out := make([]bool, len(keys))
	for i, c := range cmds {
		out[i] = c.Val() == 1
	}
	return out, nil
}

var joinOnceScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`)

var renewOnceScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

var endOnceScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
end
return 1
`)

// JoinOnceSweep returns the slot of the once-sweep under way, or, when
// none is, starts slot as that sweep for ttl (renewed by RenewOnceSweep
// while it runs). Runs of `collect --once` started together thus share one
// sweep. It returns an error when Redis fails.
func (s *Store) JoinOnceSweep(ctx context.Context, slot string, ttl time.Duration) (string, error) {
	cur, err := joinOnceScript.Run(ctx, s.rdb, []string{onceSweepKey}, slot, ttl.Milliseconds()).Text()
	if err != nil {
		return "", fmt.Errorf("join once-sweep: %w", err)
	}
	return cur, nil
}

// RenewOnceSweep keeps slot the once-sweep under way for ttl more (setting
// it again if it vanished). It returns false when another once-sweep has
// started since, and an error when Redis fails.
func (s *Store) RenewOnceSweep(ctx context.Context, slot string, ttl time.Duration) (bool, error) {
	n, err := renewOnceScript.Run(ctx, s.rdb, []string{onceSweepKey}, slot, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("renew once-sweep: %w", err)
	}
	return n == 1, nil
}

// EndOnceSweep ends the once-sweep slot, when it is the one under way:
// runs started within grace still join it (and find nothing left to
// probe), later ones start a new sweep. It returns an error when Redis
// fails.
func (s *Store) EndOnceSweep(ctx context.Context, slot string, grace time.Duration) error {
	if err := endOnceScript.Run(ctx, s.rdb, []string{onceSweepKey}, slot, grace.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("end once-sweep: %w", err)
	}
	return nil
}
