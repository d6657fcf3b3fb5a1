package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// The probe index keeps what the status summary needs to count stale and
// never-probed cameras without reading every status:
//
//	se:{pNN}:probed       ZSET   camera id -> last probe (unix ms), for every
//	                             camera of the partition whose status has a
//	                             probe time
//	se:{st}:probed:built  STRING set once the index was built from the
//	                             statuses written before it existed
//
// The status script keeps it (one ZADD per write) and Delete removes the
// camera from it, both in the partition's slot with the statuses.
const keyProbedBuilt = "se:{st}:probed:built"

// SummaryReads is what one status summary reads from the probe index and
// the open outages, in one round trip.
type SummaryReads struct {
	// Probed is how many cameras have a probe time (the index's size).
	Probed int64
	// Stale are the cameras whose last probe is before the cutoff, to the
	// millisecond (any lifecycle; deleted cameras are not in the index).
	Stale []string
	// States is the state version, read before the index: the open
	// outages change only with it (OpenOutageIDs).
	States StateVersion
}

// ReadSummary returns the probe index's size, the cameras last probed
// before cutoff (over every partition, in one pipeline) and the state
// version, read first. A zero
// cutoff skips the stale cameras. Its cost grows with the stale cameras,
// not with the fleet.
func (s *Store) ReadSummary(ctx context.Context, cutoff time.Time) (SummaryReads, error) {
	ver, err := s.StateVersion(ctx)
	if err != nil {
		return SummaryReads{}, fmt.Errorf("read summary: %w", err)
	}
	var card [Partitions]*redis.IntCmd
	var stale [Partitions]*redis.StringSliceCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			card[i] = p.ZCard(ctx, parts[i].probed)
			if !cutoff.IsZero() {
				stale[i] = p.ZRangeByScore(ctx, parts[i].probed, &redis.ZRangeBy{Min: "-inf", Max: "(" + strconv.FormatInt(cutoff.UnixMilli(), 10)})
			}
		}
		return nil
	})
	if err != nil {
		return SummaryReads{}, fmt.Errorf("read summary: %w", err)
	}
	out := SummaryReads{States: ver}
	for i := range parts {
		out.Probed += card[i].Val()
		if stale[i] != nil {
			out.Stale = append(out.Stale, stale[i].Val()...)
		}
	}
	return out, nil
}

// OpenOutageIDs returns the cameras with an open outage and the state
// version, read before them. Outages open and close only with a
// state change (an event) or a Delete (which changes a state set's size),
// so the ids stay valid while the version does.
func (s *Store) OpenOutageIDs(ctx context.Context) ([]string, StateVersion, error) {
	ver, err := s.StateVersion(ctx)
	if err != nil {
		return nil, StateVersion{}, fmt.Errorf("read open outages: %w", err)
	}
	ids, err := s.fanOutStrings(ctx, func(p redis.Pipeliner, k *partKeys) *redis.StringSliceCmd {
		return p.HKeys(ctx, k.open)
	})
	if err != nil {
		return nil, StateVersion{}, fmt.Errorf("read open outages: %w", err)
	}
	return ids, ver, nil
}

// ProbedIDs returns every camera with a probe time (the whole index: a
// report reads it again only when the index's size or the inventory
// changed).
func (s *Store) ProbedIDs(ctx context.Context) ([]string, error) {
	ids, err := s.fanOutStrings(ctx, func(p redis.Pipeliner, k *partKeys) *redis.StringSliceCmd {
		return p.ZRange(ctx, k.probed, 0, -1)
	})
	if err != nil {
		return nil, fmt.Errorf("read probed cameras: %w", err)
	}
	return ids, nil
}

// backfillScript adds ids (ARGV, pairs of probe ms and id) to the probe
// index when their status still exists, never lowering a newer time the
// status script wrote meanwhile. KEYS: status, probed.
var backfillScript = redis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i+1]) == 1 then
    n = n + redis.call('ZADD', KEYS[2], 'GT', ARGV[i], ARGV[i+1])
  end
end
return n
`)

// BuildProbeIndex fills the probe index from the statuses once, for a
// store whose statuses were written before the index existed; later calls
// only check the marker. It is safe to run while statuses are written and
// from several processes at once.
func (s *Store) BuildProbeIndex(ctx context.Context) error {
	n, err := s.rdb.Exists(ctx, keyProbedBuilt).Result()
	if err != nil {
		return fmt.Errorf("build probe index: %w", err)
	}
	if n == 1 {
		return nil
	}
	for pi := range parts {
		if err := s.buildProbeIndex(ctx, &parts[pi]); err != nil {
			return err
		}
	}
	if err := s.rdb.Set(ctx, keyProbedBuilt, "1", 0).Err(); err != nil {
		return fmt.Errorf("build probe index: %w", err)
	}
	return nil
}

func (s *Store) buildProbeIndex(ctx context.Context, k *partKeys) error {
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, k.status, cursor, "", batch).Result()
		if err != nil {
			return fmt.Errorf("build probe index: %w", err)
		}
		args := make([]any, 0, len(kv))
		for i := 0; i+1 < len(kv); i += 2 {
			var st sharpeyes.Status
			if err := json.Unmarshal([]byte(kv[i+1]), &st); err != nil {
				return fmt.Errorf("build probe index: decode status of %q: %w", kv[i], err)
			}
			if ms := st.LastProbe.UnixMilli(); !st.LastProbe.IsZero() && ms > 0 {
				args = append(args, ms, kv[i])
			}
		}
		if len(args) > 0 {
			if err := backfillScript.Run(ctx, s.rdb, []string{k.status, k.probed}, args...).Err(); err != nil {
				return fmt.Errorf("build probe index: %w", err)
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// fanOutStrings runs one read per partition in a pipeline and joins the
// replies.
func (s *Store) fanOutStrings(ctx context.Context, read func(redis.Pipeliner, *partKeys) *redis.StringSliceCmd) ([]string, error) {
	var cmds [Partitions]*redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			cmds[i] = read(p, &parts[i])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cmds {
		out = append(out, c.Val()...)
	}
	return out, nil
}
