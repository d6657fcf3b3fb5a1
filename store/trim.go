package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Retention. One process at a time (the holder of the TrimLeaseKey lease)
// trims, hourly:
//
//   - events older than the retention, and beyond history.events_max;
//   - closed outages that ended before the retention;
//   - lifecycle changes older than the retention, except each camera's
//     latest one before it, which still says what the camera was at the
//     start of the kept history (changes of deleted cameras go entirely);
//   - the alert state (sent downs awaiting their resolution) of cameras no
//     longer in the inventory;
//   - dead letters older than DeadLetterMaxAge (and beyond DeadLettersKept
//     per webhook, at each write). Queued deliveries need no trimming:
//     each is delivered, or becomes a dead letter after alerts.max_age.

// TrimLeaseKey is the lease (TryLease, RenewLease, ReleaseLease) held by
// the one process that trims history.
const TrimLeaseKey = "se:{co}:lock:trim"

// DeadLetterMaxAge is how long a dead letter stays readable.
const DeadLetterMaxAge = 30 * 24 * time.Hour

// TrimHistory drops events recorded before the given time and beyond the
// events bound (SetEventsMax), closed outages that ended before it, and
// the lifecycle changes before it that no longer tell a camera's
// lifecycle at that time. Open outages and live status are kept. It
// returns an error when Redis fails.
func (s *Store) TrimHistory(ctx context.Context, before time.Time) error {
	ms := strconv.FormatInt(before.UnixMilli(), 10)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.XTrimMinID(ctx, keyEvents, ms)
		p.XTrimMaxLen(ctx, keyEvents, s.eventsMax)
		p.ZRemRangeByScore(ctx, keyOutages, "-inf", "("+ms)
		return nil
	})
	if err == nil {
		err = s.trimLifecycle(ctx, before)
	}
	if err != nil {
		return fmt.Errorf("trim history before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// trimLifecycle keeps, of the changes before the cut, only each existing
// camera's latest.
func (s *Store) trimLifecycle(ctx context.Context, before time.Time) error {
	old, err := s.rdb.ZRangeByScoreWithScores(ctx, keyLifecycle, &redis.ZRangeBy{
		Min: "-inf", Max: "(" + strconv.FormatInt(before.UnixMilli(), 10)}).Result()
	if err != nil {
		return fmt.Errorf("read lifecycle changes: %w", err)
	}
	latest := make(map[string]int) // camera -> index in old (scores ascend)
	var ids []string
	for i, z := range old {
		m, _ := z.Member.(string)
		id, _, _ := strings.Cut(m, "|")
		if _, seen := latest[id]; !seen {
			ids = append(ids, id)
		}
		latest[id] = i
	}
	exists, err := s.Existing(ctx, ids)
	if err != nil {
		return err
	}
	var drop []any
	for i, z := range old {
		m, _ := z.Member.(string)
		id, _, _ := strings.Cut(m, "|")
		if !exists[id] || latest[id] != i {
			drop = append(drop, m)
		}
	}
	for i := 0; i < len(drop); i += batch {
		if err := s.rdb.ZRem(ctx, keyLifecycle, drop[i:min(i+batch, len(drop))]...).Err(); err != nil {
			return fmt.Errorf("drop lifecycle changes: %w", err)
		}
	}
	return nil
}

// TrimAlertState drops, from every webhook's alert state, the sent downs
// of cameras no longer in the inventory (their resolution can never come),
// and returns how many it dropped or an error when Redis fails.
func (s *Store) TrimAlertState(ctx context.Context) (int, error) {
	dropped := 0
	err := s.scanKeys(ctx, alertStateKey("*"), func(key string) error {
		var fields []string
		iter := s.rdb.HScan(ctx, key, 0, "cam:*", 1000).Iterator()
		for i := 0; iter.Next(ctx); i++ {
			if i%2 == 0 { // field, value, field, value, ...
				fields = append(fields, iter.Val())
			}
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("read alert state %s: %w", key, err)
		}
		ids := make([]string, len(fields))
		for i, f := range fields {
			ids[i] = strings.TrimPrefix(f, "cam:")
		}
		exists, err := s.Existing(ctx, ids)
		if err != nil {
			return err
		}
		var gone []string
		for i, id := range ids {
			if !exists[id] {
				gone = append(gone, fields[i])
			}
		}
		if len(gone) == 0 {
			return nil
		}
		if err := s.rdb.HDel(ctx, key, gone...).Err(); err != nil {
			return fmt.Errorf("drop alert state of deleted cameras: %w", err)
		}
		dropped += len(gone)
		return nil
	})
	return dropped, err
}

// popOldScript drops the tail (oldest) dead letter if it is still ARGV[1].
var popOldScript = redis.NewScript(`
if redis.call('LINDEX', KEYS[1], -1) == ARGV[1] then redis.call('RPOP', KEYS[1]) return 1 end
return 0
`)

// TrimDeadLetters drops the dead letters of every webhook that died
// before the given time and returns how many, or an error when Redis fails.
func (s *Store) TrimDeadLetters(ctx context.Context, before time.Time) (int, error) {
	dropped := 0
	err := s.scanKeys(ctx, keyDead("*"), func(key string) error {
		for {
			raw, err := s.rdb.LIndex(ctx, key, -1).Result()
			if errors.Is(err, redis.Nil) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read dead letters %s: %w", key, err)
			}
			var d Delivery
			if json.Unmarshal([]byte(raw), &d) == nil && d.DeadAt != nil && !d.DeadAt.Before(before) {
				return nil // the oldest is young enough: so are the rest
			}
			// Undecodable letters go too: nothing can read them.
			n, err := popOldScript.Run(ctx, s.rdb, []string{key}, raw).Int()
			if err != nil {
				return fmt.Errorf("drop dead letter of %s: %w", key, err)
			}
			dropped += n
		}
	})
	return dropped, err
}

// scanKeys calls fn for each key matching pattern, on every master of a
// Cluster.
func (s *Store) scanKeys(ctx context.Context, pattern string, fn func(key string) error) error {
	scan := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("scan %s: %w", pattern, err)
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		return nil
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	}
	return scan(ctx, s.rdb)
}
