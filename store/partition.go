package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Per-camera data is partitioned: a camera belongs to partition
// fnv1a32(id) mod Partitions, and every key of a partition carries the
// hash tag {pNN} (NN = 00..63), so that a Redis Cluster spreads the
// partitions over its masters while each script that touches one camera
// still works in one slot:
//
//	se:{pNN}:cam         HASH   camera id -> camera JSON (no credentials)
//	se:{pNN}:sec         HASH   camera id -> credentials JSON (write-only)
//	se:{pNN}:ver         STRING random token, replaced on every inventory
//	                            write of the partition (snapshots reload
//	                            only the partitions whose token changed)
//	se:{pNN}:status      HASH   camera id -> status JSON
//	se:{pNN}:state:<s>   SET    ids of cameras in state s (up, degraded, down)
//	se:{pNN}:open        HASH   camera id -> open outage JSON
//	se:{pNN}:probed      ZSET   camera id -> last probe (unix ms)
//	se:{pNN}:relay       LIST   history entries not yet copied to the global
//	                            keys (see relay below)
//	se:{pNN}:relay:lock  STRING the process copying them (30 s TTL)
//
// A hash of the id rather than the district (the first six digits of a
// civil code): every id has one, it never changes when a camera is edited
// (a region may), and buckets are even in size whatever the districts
// weigh. 64 partitions: a 500,000-camera province puts ~7,800 cameras
// (~4 MB of inventory) in each, small enough to reload one on an edit and
// to move between masters, while a read of the whole fleet stays one
// pipeline of 64 commands per key kind.
//
// The history (events stream, closed outages, lifecycle changes, first
// known times) stays in global keys, read in time order by reports and
// alerting. A status or inventory script cannot write them in the same
// slot, so it appends them to its partition's relay list in the same
// atomic step, and the writer then copies them to the global keys and
// drops them from the list (relayPartitions). A writer that dies in
// between leaves them in the list: the next write to that partition (every
// sweep writes every partition) copies them. Entries are copied at least
// once and in order within a partition; a crash between the copy and the
// drop copies them twice, and copyRelayed records such an entry once.
const Partitions = 64

// partKeys are the keys of one partition.
type partKeys struct {
	cam, sec, ver, status, open, probed, relay, relayLock string
	state                                                 [3]string // up, degraded, down
}

var parts = func() (out [Partitions]partKeys) {
	for p := range out {
		pre := fmt.Sprintf("se:{p%02d}:", p)
		out[p] = partKeys{cam: pre + "cam", sec: pre + "sec", ver: pre + "ver", status: pre + "status",
			open: pre + "open", probed: pre + "probed", relay: pre + "relay", relayLock: pre + "relay:lock",
			state: [3]string{pre + "state:up", pre + "state:degraded", pre + "state:down"}}
	}
	return out
}()

// partitionOf returns the partition of a camera id.
func partitionOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % Partitions)
}

// PartitionOf returns the partition of a camera id (for tests and
// benchmarks that count per-partition reads).
func PartitionOf(id string) int { return partitionOf(id) }

// PartitionKey returns the key of the given kind ("cam", "sec", "status",
// "open", "probed", "state:down"...) of the camera id's partition, for
// tests and tools.
func PartitionKey(id, kind string) string {
	return fmt.Sprintf("se:{p%02d}:%s", partitionOf(id), kind)
}

// AllPartitionKeys returns the key of the given kind of every partition.
func AllPartitionKeys(kind string) []string {
	out := make([]string, Partitions)
	for p := range out {
		out[p] = fmt.Sprintf("se:{p%02d}:%s", p, kind)
	}
	return out
}

// byPartition groups ids by partition, keeping their order.
func byPartition(ids []string) [Partitions][]string {
	var out [Partitions][]string
	for _, id := range ids {
		p := partitionOf(id)
		out[p] = append(out[p], id)
	}
	return out
}

// hmgetBatches calls fn for every id of ids present in the hash of its
// partition that key names, reading in pipelined HMGET batches.
func (s *Store) hmgetBatches(ctx context.Context, key func(*partKeys) string, ids []string, fn func(id, raw string) error) error {
	if len(ids) == 0 {
		return nil
	}
	var cmds []*redis.SliceCmd
	var chunks [][]string
	grouped := byPartition(ids)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for pi, pids := range grouped {
			for i := 0; i < len(pids); i += batch {
				chunk := pids[i:min(i+batch, len(pids))]
				chunks = append(chunks, chunk)
				cmds = append(cmds, p.HMGet(ctx, key(&parts[pi]), chunk...))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", key(&parts[0])[len("se:{p00}:"):], err)
	}
	for ci, cmd := range cmds {
		for i, v := range cmd.Val() {
			if raw, ok := v.(string); ok {
				if err := fn(chunks[ci][i], raw); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func camKey(k *partKeys) string    { return k.cam }
func secKey(k *partKeys) string    { return k.sec }
func statusKey(k *partKeys) string { return k.status }

// Relay entries are JSON arrays whose first element says what to do with
// the global keys and whose second orders them (see relayOrder):
//
//	["e", order, type, camera_id, from, to, reason, at]  XADD to the events stream
//	["o", order, score, outage JSON]                      ZADD to closed outages
//	["l", order, score, lifecycle change]                 ZADD to lifecycle changes
//	["k", order, score, camera id]                        ZADD NX to first-known times
//	["K", order, camera id]                               ZREM from first-known times
const relayLockTTL = 30_000 // ms

// relayOrder is the order key of the i-th entry of a write made at base
// (unix ns): the entries of several partitions are copied in this order,
// so that one call's events keep the order of its writes.
func relayOrder(base int64, i int) string { return fmt.Sprintf("%019d.%07d", base, i) }

// relayClaimScript takes a partition's relay lock (KEYS: relay, lock; ARGV:
// token, TTL ms, count) and returns up to count entries, or false when
// another process holds the lock or nothing waits.
var relayClaimScript = redis.NewScript(`
if redis.call('LLEN', KEYS[1]) == 0 then return false end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
`)

// relayAckScript drops the n entries copied (ARGV: token, n, TTL ms, count)
// if the lock is still ours and returns the next ones, releasing the lock
// when none are left (then it returns false).
var relayAckScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return false end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return false
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[4]) - 1)
`)

// relayBatch is how many relay entries of a partition one round copies.
const relayBatch = 500

// relayPartitions copies the relay entries of the given partitions to the
// global history keys, all partitions' entries merged in their order. A
// partition whose lock another process holds is left to it.
func (s *Store) relayPartitions(ctx context.Context, ps []int) error {
	if len(ps) == 0 {
		return nil
	}
	token := newToken()
	held := make(map[int][]string)
	// One round trip claims every partition, one acknowledges them.
	run := func(sc *redis.Script, args func(p int) []any, which []int) error {
		cmds := make([]*redis.Cmd, len(which))
		_, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
			for i, p := range which {
				k := &parts[p]
				cmds[i] = sc.Eval(ctx, pl, []string{k.relay, k.relayLock}, args(p)...)
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("relay history: %w", err)
		}
		for i, p := range which {
			entries, err := cmds[i].StringSlice()
			if err != nil && !errors.Is(err, redis.Nil) {
				return fmt.Errorf("relay history of partition %d: %w", p, err)
			}
			if len(entries) > 0 {
				held[p] = entries
			} else {
				delete(held, p)
			}
		}
		return nil
	}
	if err := run(relayClaimScript, func(int) []any { return []any{token, relayLockTTL, relayBatch} }, ps); err != nil {
		return err
	}
	for len(held) > 0 {
		var all []relayed
		which := make([]int, 0, len(held))
		for p, entries := range held {
			which = append(which, p)
			for _, raw := range entries {
				var e []string
				if err := json.Unmarshal([]byte(raw), &e); err != nil || len(e) < 3 {
					continue // not ours: dropped rather than blocking the partition
				}
				all = append(all, e)
			}
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i][1] < all[j][1] })
		if err := s.copyRelayed(ctx, all); err != nil {
			return fmt.Errorf("relay history: %w", err)
		}
		n := make(map[int]int, len(held))
		for p, entries := range held {
			n[p] = len(entries)
		}
		if err := run(relayAckScript, func(p int) []any { return []any{token, n[p], relayLockTTL, relayBatch} }, which); err != nil {
			return err
		}
	}
	return nil
}

// relayed is one decoded relay entry.
type relayed []string

// keyRelayed remembers the relay entries of events already copied to the
// events stream (entry id -> copy time, unix ms), so that an entry copied
// twice (a writer died between copying and dropping it) is added once.
const keyRelayed = "se:{st}:relayed"

// An entry is re-copied by the next write to its partition once the dead
// writer's relay lock expired (relayLockTTL): minutes at most while
// sweeps run. The ids are kept relayedKeep, and at most relayedCap of them.
const (
	relayedKeep = 6 * time.Hour
	relayedCap  = 200_000
)

// relayEventsScript appends events to the stream unless their relay entry
// was copied before (KEYS: events, relayed; ARGV: stream max length (0 for
// none), now ms, forget-before ms, cap, then 7 per event: entry id, type,
// camera_id, from, to, reason, at). It returns how many it appended.
var relayEventsScript = redis.NewScript(`
local n = 0
for i = 5, #ARGV, 7 do
  if redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[i]) == 1 then
    local fields = {'type', ARGV[i+1], 'camera_id', ARGV[i+2], 'from', ARGV[i+3], 'to', ARGV[i+4], 'reason', ARGV[i+5], 'at', ARGV[i+6]}
    if tonumber(ARGV[1]) > 0 then
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
    else
      redis.call('XADD', KEYS[1], '*', unpack(fields))
    end
    n = n + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1) end
return n
`)

// relayEventsBatch is how many events one relayEventsScript call appends.
const relayEventsBatch = 500

// copyRelayed writes relay entries to the global keys, in order. Every
// kind is idempotent, so an entry copied twice is recorded once: events
// are deduplicated by their entry id (camera id and order) in keyRelayed,
// outages and lifecycle changes are sorted-set members (the same entry is
// the same member), first-known times are ZADD NX and their removal ZREM.
func (s *Store) copyRelayed(ctx context.Context, entries []relayed) error {
	now := time.Now()
	head := []any{s.eventsMax, now.UnixMilli(), now.Add(-relayedKeep).UnixMilli(), relayedCap}
	events := head
	flush := func(p redis.Pipeliner) {
		if len(events) > len(head) {
			relayEventsScript.Eval(ctx, p, []string{keyEvents, keyRelayed}, events...)
			events = append(make([]any, 0, len(head)+7*relayEventsBatch), head...)
		}
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range entries {
			switch {
			case e[0] == "e" && len(e) == 8:
				events = append(events, e[3]+"|"+e[1], e[2], e[3], e[4], e[5], e[6], e[7])
				if len(events) >= len(head)+7*relayEventsBatch {
					flush(p)
				}
			case e[0] == "o" && len(e) == 4:
				p.ZAdd(ctx, keyOutages, redis.Z{Score: parseScore(e[2]), Member: e[3]})
			case e[0] == "l" && len(e) == 4:
				p.ZAdd(ctx, keyLifecycle, redis.Z{Score: parseScore(e[2]), Member: e[3]})
			case e[0] == "k" && len(e) == 4:
				p.ZAddNX(ctx, keyKnown, redis.Z{Score: parseScore(e[2]), Member: e[3]})
			case e[0] == "K" && len(e) == 3:
				p.ZRem(ctx, keyKnown, e[2])
			}
		}
		flush(p)
		return nil
	})
	return err
}

// relayEntry encodes one relay entry.
func relayEntry(fields ...string) string {
	raw, _ := json.Marshal(fields)
	return string(raw)
}

func parseScore(v string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	return f
}
