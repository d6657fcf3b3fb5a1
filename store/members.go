package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Collector membership: every collector replica records a heartbeat, so
// that the replicas agree on who is live and divide each sweep's shards
// among themselves (see package collector). Key:
//
//	se:{co}:members   ZSET  instance name, scored by its last heartbeat
//	                        (Redis server time, unix ms)
//
// A member is live while its heartbeat is within the lease TTL. Members
// silent for 10 TTLs are dropped at the next heartbeat of anyone.
const keyMembers = "se:{co}:members"

// heartbeatScript records ARGV[1] live now and returns the live members.
// The time is the Redis server's, so that the clocks of the collectors'
// hosts do not matter. ARGV[2] is the TTL in ms.
var heartbeatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * ttl)
redis.call('PEXPIRE', KEYS[1], 10 * ttl)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - ttl, '+inf')
`)

// Heartbeat records instance as a live collector now and returns every
// live member (instance included): those whose last heartbeat is within
// ttl. It returns an error when Redis fails.
func (s *Store) Heartbeat(ctx context.Context, instance string, ttl time.Duration) ([]string, error) {
	live, err := heartbeatScript.Run(ctx, s.rdb, []string{keyMembers}, instance, ttl.Milliseconds()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("collector heartbeat: %w", err)
	}
	return live, nil
}

// LeaveMembers removes instance from the live collectors, when it stops
// for good. It returns an error when Redis fails.
func (s *Store) LeaveMembers(ctx context.Context, instance string) error {
	if err := s.rdb.ZRem(ctx, keyMembers, instance).Err(); err != nil {
		return fmt.Errorf("leave collectors: %w", err)
	}
	return nil
}
