package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Alerting keys (package alert), all under the {al} hash tag so that one
// script can touch a webhook's queue, lock, dead letters and dedupe keys:
//
//	se:{al}:silences      HASH   silence id -> silence JSON
//	se:{al}:webhooks      HASH   webhook id -> webhook JSON (no secret)
//	se:{al}:whsec         HASH   webhook id -> secret (write-only)
//	se:{al}:q:<wh>        LIST   outbox of one webhook, oldest first
//	se:{al}:due           ZSET   webhook id -> next delivery attempt (unix ms)
//	se:{al}:lock:<name>   STRING lease: deliver:<wh> per webhook, consumer
//	se:{al}:dl:<wh>       LIST   dead letters of one webhook, newest first
//	se:{al}:seen:<key>    STRING idempotency keys already enqueued (PX)
//	se:{al}:state:<wh>    HASH   alert state of one webhook (sent downs)
//	se:{al}:state         HASH   global alert state (isolation)
const (
	keySilences      = "se:{al}:silences"
	keyWebhooks      = "se:{al}:webhooks"
	keyWebhookSecret = "se:{al}:whsec"
)

// Silences returns every stored silence, the expired ones too (they stop
// applying on their own and are removed only by TrimSilences), ordered by
// start then id.
func (s *Store) Silences(ctx context.Context) ([]sharpeyes.Silence, error) {
	m, err := s.rdb.HGetAll(ctx, keySilences).Result()
	if err != nil {
		return nil, fmt.Errorf("read silences: %w", err)
	}
	out := make([]sharpeyes.Silence, 0, len(m))
	for id, raw := range m {
		var sl sharpeyes.Silence
		if err := json.Unmarshal([]byte(raw), &sl); err != nil {
			return nil, fmt.Errorf("decode silence %q: %w", id, err)
		}
		out = append(out, sl)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Silence returns one silence, or ErrNotFound.
func (s *Store) Silence(ctx context.Context, id string) (sharpeyes.Silence, error) {
	var sl sharpeyes.Silence
	raw, err := s.rdb.HGet(ctx, keySilences, id).Result()
	if errors.Is(err, redis.Nil) {
		return sl, fmt.Errorf("silence %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return sl, fmt.Errorf("get silence %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(raw), &sl); err != nil {
		return sl, fmt.Errorf("decode silence %q: %w", id, err)
	}
	return sl, nil
}

// ErrLimit is returned when a write would pass a cap on what the store
// keeps (the active silences: CreateSilenceLimited).
var ErrLimit = errors.New("limit reached")

// CreateSilence stores a new silence, or returns ErrExists when its id is
// taken. It sets no cap on the number of silences: the API uses
// CreateSilenceLimited.
func (s *Store) CreateSilence(ctx context.Context, sl sharpeyes.Silence) error {
	return s.CreateSilenceLimited(ctx, sl, time.Time{}, 0)
}

// CreateSilenceLimited stores a new silence unless its id is taken
// (ErrExists) or limit silences (limit > 0) have not ended at now
// (ErrLimit): silences in force and those scheduled count, ended ones
// (kept for reports) do not. The count and the write are one optimistic
// transaction, so concurrent creates cannot pass the cap together.
func (s *Store) CreateSilenceLimited(ctx context.Context, sl sharpeyes.Silence, now time.Time, limit int) error {
	raw, err := json.Marshal(sl)
	if err != nil {
		return fmt.Errorf("encode silence %q: %w", sl.ID, err)
	}
	if limit <= 0 {
		added, err := s.rdb.HSetNX(ctx, keySilences, sl.ID, raw).Result()
		if err != nil {
			return fmt.Errorf("create silence %q: %w", sl.ID, err)
		}
		if !added {
			return fmt.Errorf("silence %q: %w", sl.ID, ErrExists)
		}
		return nil
	}
	create := func(tx *redis.Tx) error {
		all, err := tx.HGetAll(ctx, keySilences).Result()
		if err != nil {
			return err
		}
		if _, taken := all[sl.ID]; taken {
			return fmt.Errorf("silence %q: %w", sl.ID, ErrExists)
		}
		active := 0
		for id, v := range all {
			var end struct {
				End time.Time `json:"end"`
			}
			if err := json.Unmarshal([]byte(v), &end); err != nil {
				return fmt.Errorf("decode silence %q: %w", id, err)
			}
			if end.End.After(now) {
				active++
			}
		}
		if active >= limit {
			return fmt.Errorf("%d silences are active or scheduled, the most allowed: end one first: %w", limit, ErrLimit)
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, keySilences, sl.ID, raw)
			return nil
		})
		return err
	}
	for range 20 { // another create or delete between the read and the write: read again
		err = s.rdb.Watch(ctx, create, keySilences)
		if !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil && !errors.Is(err, ErrExists) && !errors.Is(err, ErrLimit) {
		return fmt.Errorf("create silence %q: %w", sl.ID, err)
	}
	return err
}

// PutSilence replaces a stored silence (used to end one early), or returns
// ErrNotFound when there is none with its id.
func (s *Store) PutSilence(ctx context.Context, sl sharpeyes.Silence) error {
	raw, err := json.Marshal(sl)
	if err != nil {
		return fmt.Errorf("encode silence %q: %w", sl.ID, err)
	}
	// HSET only if the field exists: a deleted silence must not come back.
	n, err := hsetXXScript.Run(ctx, s.rdb, []string{keySilences}, sl.ID, raw).Int()
	if err != nil {
		return fmt.Errorf("put silence %q: %w", sl.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("silence %q: %w", sl.ID, ErrNotFound)
	}
	return nil
}

var hsetXXScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

// DeleteSilence removes a silence, or returns ErrNotFound.
func (s *Store) DeleteSilence(ctx context.Context, id string) error {
	n, err := s.rdb.HDel(ctx, keySilences, id).Result()
	if err != nil {
		return fmt.Errorf("delete silence %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("silence %q: %w", id, ErrNotFound)
	}
	return nil
}

// TrimSilences removes the silences that ended before before (history
// retention) and returns how many it removed.
func (s *Store) TrimSilences(ctx context.Context, before time.Time) (int, error) {
	all, err := s.Silences(ctx)
	if err != nil {
		return 0, err
	}
	var old []string
	for _, sl := range all {
		if sl.End.Before(before) {
			old = append(old, sl.ID)
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	n, err := s.rdb.HDel(ctx, keySilences, old...).Result()
	if err != nil {
		return 0, fmt.Errorf("trim silences: %w", err)
	}
	return int(n), nil
}
