package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// writeProbeTTL keeps the readiness key of a process that went away from
// lingering.
const writeProbeTTL = 30 * time.Second

// newWriteProbeKey names the readiness key of one Store: one per process,
// so that replicas do not write the same key.
func newWriteProbeKey() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24)
	return "se:{co}:ready:" + hex.EncodeToString(b[:])
}

// ProbeWrite checks that Redis takes a write: it sets this process's tiny
// readiness key with a short TTL. On a Cluster it writes one such key on
// every master the client routes to (se:{<tag>}:ready:<rand>, the tag
// picked to hash into a slot that master serves), so that one master
// taking no writes (dead and not yet replaced by its replica, or stale in
// the client's slot map) fails it; the error names that master. It returns
// an error matching ErrFull when Redis is out of memory and ErrUnavailable
// when it cannot be reached or refuses writes (READONLY, MISCONF,
// CLUSTERDOWN).
func (s *Store) ProbeWrite(ctx context.Context) error {
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			if err := s.probeMaster(ctx, m); err != nil {
				return withKind(kindOf(err), fmt.Errorf("redis write probe on %s: %w", m.Options().Addr, err))
			}
			return nil
		})
	}
	if err := s.rdb.Set(ctx, s.probeKey, "1", writeProbeTTL).Err(); err != nil {
		return fmt.Errorf("redis write probe: %w", err)
	}
	return nil
}

// probeMaster writes the readiness key of one Cluster master, on a slot it
// serves: the first slot of its first range, as it reported (CLUSTER
// SLOTS, asked once per master and again after a MOVED answer).
func (s *Store) probeMaster(ctx context.Context, m *redis.Client) error {
	addr := m.Options().Addr
	tag, ok := s.readyTags.Load(addr)
	if !ok {
		slots, err := m.ClusterSlots(ctx).Result()
		if err != nil {
			return err
		}
		slot := -1
		for _, r := range slots {
			if len(r.Nodes) > 0 && r.Nodes[0].Addr == addr {
				slot = int(r.Start)
				break
			}
		}
		if slot < 0 {
			return fmt.Errorf("master %s reports no slot of its own", addr)
		}
		tag = tagForSlot(slot)
		s.readyTags.Store(addr, tag)
	}
	key := "se:{" + tag.(string) + "}:" + strings.TrimPrefix(s.probeKey, "se:{co}:")
	err := m.Set(ctx, key, "1", writeProbeTTL).Err()
	if err != nil && (redis.HasErrorPrefix(err, "MOVED") || redis.HasErrorPrefix(err, "ASK")) {
		s.readyTags.Delete(addr) // resharded: ask again next time
	}
	return err
}

// RecentlyFull reports whether Redis refused a write of this Store with
// OOM within the last window. A full Redis frees a little memory now and
// then (a connection's buffers, an expired lease), enough for the tiny
// write of ProbeWrite but not for an import: readiness looks at both.
func (s *Store) RecentlyFull(window time.Duration) bool {
	last := s.lastFull.Load()
	return last != 0 && time.Since(time.Unix(0, last)) < window
}

// EvictionError is a Redis whose maxmemory-policy lets it delete keys when
// memory runs out: the camera inventory would vanish silently.
type EvictionError struct{ Policy string }

// Error names the policy and how to fix it.
func (e *EvictionError) Error() string {
	return fmt.Sprintf("redis maxmemory-policy is %s, so Redis may evict keys (the camera inventory among them) "+
		"when it reaches maxmemory: run `CONFIG SET maxmemory-policy noeviction` "+
		"(and set maxmemory-policy noeviction in redis.conf)", e.Policy)
}

// PolicyMayEvict reports whether a maxmemory-policy lets Redis evict keys
// (allkeys-* and volatile-*; noeviction does not).
func PolicyMayEvict(policy string) bool {
	return strings.HasPrefix(policy, "allkeys-") || strings.HasPrefix(policy, "volatile-")
}

// Where the maxmemory-policy is read from, learnt on the first check:
// CONFIG GET, else INFO memory, else nowhere (both refused).
const (
	policyFromConfig int32 = iota
	policyFromInfo
	policyUnreadable
)

// errPolicyUnreadable is CheckEviction's answer once both ways to read
// the policy were refused.
var errPolicyUnreadable = errors.New("redis maxmemory-policy: CONFIG GET and INFO memory were refused")

// CheckEviction returns an *EvictionError when a Redis node's
// maxmemory-policy may evict keys (on a Cluster, any primary's), nil when
// none may, and another error when the policy cannot be read (CONFIG
// disabled and INFO refused, or Redis unreachable). A Redis that refused a
// way of reading it is not asked that way again, and its refusals are not
// counted as Redis errors (see OnError).
func (s *Store) CheckEviction(ctx context.Context) error {
	if s.policySource.Load() == policyUnreadable {
		return errPolicyUnreadable
	}
	ctx = context.WithValue(ctx, expectRefusalKey{}, true)
	check := func(ctx context.Context, c redis.UniversalClient) error {
		policy, err := s.maxmemoryPolicy(ctx, c)
		if err != nil {
			return err
		}
		if PolicyMayEvict(policy) {
			return &EvictionError{Policy: policy}
		}
		return nil
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return check(ctx, c) })
	}
	return check(ctx, s.rdb)
}

// maxmemoryPolicy reads the policy with CONFIG GET or, where CONFIG is
// disabled or renamed (managed Redis), from INFO memory.
func (s *Store) maxmemoryPolicy(ctx context.Context, c redis.UniversalClient) (string, error) {
	var cerr error
	if s.policySource.Load() == policyFromConfig {
		var cfg map[string]string
		cfg, cerr = c.ConfigGet(ctx, "maxmemory-policy").Result()
		if p := cfg["maxmemory-policy"]; cerr == nil && p != "" {
			return p, nil
		}
		if kindOf(cerr) != nil {
			return "", fmt.Errorf("redis config get maxmemory-policy: %w", cerr)
		}
		s.policySource.Store(policyFromInfo)
	}
	info, ierr := c.Info(ctx, "memory").Result()
	if kindOf(ierr) != nil {
		return "", fmt.Errorf("redis info memory: %w", ierr)
	}
	if ierr != nil {
		s.policySource.Store(policyUnreadable)
		return "", fmt.Errorf("%w: config get: %v; info memory: %w", errPolicyUnreadable, cerr, ierr)
	}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "maxmemory_policy:"); ok {
			return v, nil
		}
	}
	s.policySource.Store(policyUnreadable)
	return "", fmt.Errorf("%w (info memory has no maxmemory_policy field)", errPolicyUnreadable)
}
