package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// stored is what a write needs to know of a camera already stored.
type stored struct {
	Lifecycle sharpeyes.Lifecycle `json:"lifecycle"`
	Host      string              `json:"host"`
	Port      int                 `json:"port"`
}

// storedOf returns the stored lifecycle, host and port of each of ids that
// exists.
func (s *Store) storedOf(ctx context.Context, ids []string) (map[string]stored, error) {
	out := make(map[string]stored, len(ids))
	err := s.hmgetBatches(ctx, camKey, ids, func(id, raw string) error {
		var c stored
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return fmt.Errorf("decode camera %q: %w", id, err)
		}
		out[id] = c
		return nil
	})
	return out, err
}

func encodeLifecycleChange(c sharpeyes.LifecycleChange) string {
	return c.CameraID + "|" + string(c.From) + "|" + string(c.To) + "|" + strconv.FormatInt(c.At.UnixMilli(), 10)
}

func decodeLifecycleChange(m string) (sharpeyes.LifecycleChange, error) {
	parts := strings.Split(m, "|")
	if len(parts) != 4 {
		return sharpeyes.LifecycleChange{}, fmt.Errorf("malformed lifecycle change %q", m)
	}
	ms, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return sharpeyes.LifecycleChange{}, fmt.Errorf("malformed lifecycle change %q: %w", m, err)
	}
	return sharpeyes.LifecycleChange{CameraID: parts[0], From: sharpeyes.Lifecycle(parts[1]),
		To: sharpeyes.Lifecycle(parts[2]), At: time.UnixMilli(ms).UTC()}, nil
}

// LifecycleChanges returns every recorded lifecycle change up to and
// including until, oldest first.
func (s *Store) LifecycleChanges(ctx context.Context, until time.Time) ([]sharpeyes.LifecycleChange, error) {
	members, err := s.rdb.ZRangeByScore(ctx, keyLifecycle, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(until.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("read lifecycle changes: %w", err)
	}
	out := make([]sharpeyes.LifecycleChange, 0, len(members))
	for _, m := range members {
		c, err := decodeLifecycleChange(m)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SetClock replaces the store's clock (time of lifecycle changes and other
// records the store stamps itself), for tests and replays.
func (s *Store) SetClock(now func() time.Time) { s.now = now }
