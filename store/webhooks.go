package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Webhooks added through the API live in se:{al}:webhooks, their secrets
// apart in se:{al}:whsec (as camera credentials are), so that reading the
// list for the API never touches a secret by accident.

// keyWebhookNames indexes the names of webhooks added through the API
// (name → id), so that two creates racing with one name cannot both win.
const keyWebhookNames = "se:{al}:whname"

// ErrNameTaken is returned by CreateWebhook when another stored webhook
// has the name; it wraps ErrExists.
var ErrNameTaken = fmt.Errorf("name taken: %w", ErrExists)

// createWebhookScript adds a webhook, its secret and its name unless the
// id (0) or the name (-1) is taken.
var createWebhookScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if ARGV[4] ~= '' then
  if redis.call('HSETNX', KEYS[3], ARGV[4], ARGV[1]) == 0 then return -1 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
return 1
`)

// CreateWebhook stores a new webhook with its secret, or returns ErrExists
// when its id is taken and ErrNameTaken when another stored webhook has
// its name.
func (s *Store) CreateWebhook(ctx context.Context, w sharpeyes.Webhook) error {
	raw, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("encode webhook %q: %w", w.ID, err)
	}
	n, err := createWebhookScript.Run(ctx, s.rdb, []string{keyWebhooks, keyWebhookSecret, keyWebhookNames},
		w.ID, raw, w.Secret, w.Name).Int()
	if err != nil {
		return fmt.Errorf("create webhook %q: %w", w.ID, err)
	}
	switch n {
	case 0:
		return fmt.Errorf("webhook %q: %w", w.ID, ErrExists)
	case -1:
		return fmt.Errorf("webhook name %q: %w", w.Name, ErrNameTaken)
	}
	return nil
}

// Webhook returns one stored webhook with its secret, or ErrNotFound.
func (s *Store) Webhook(ctx context.Context, id string) (sharpeyes.Webhook, error) {
	var w sharpeyes.Webhook
	var raw, secret *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		raw = p.HGet(ctx, keyWebhooks, id)
		secret = p.HGet(ctx, keyWebhookSecret, id)
		return nil
	})
	if errors.Is(raw.Err(), redis.Nil) {
		return w, fmt.Errorf("webhook %q: %w", id, ErrNotFound)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return w, fmt.Errorf("get webhook %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(raw.Val()), &w); err != nil {
		return w, fmt.Errorf("decode webhook %q: %w", id, err)
	}
	w.Secret = secret.Val()
	return w, nil
}

// Webhooks returns every stored webhook with its secret, ordered by id.
func (s *Store) Webhooks(ctx context.Context) ([]sharpeyes.Webhook, error) {
	var all, secrets *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HGetAll(ctx, keyWebhooks)
		secrets = p.HGetAll(ctx, keyWebhookSecret)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read webhooks: %w", err)
	}
	out := make([]sharpeyes.Webhook, 0, len(all.Val()))
	for id, raw := range all.Val() {
		var w sharpeyes.Webhook
		if err := json.Unmarshal([]byte(raw), &w); err != nil {
			return nil, fmt.Errorf("decode webhook %q: %w", id, err)
		}
		w.Secret = secrets.Val()[id]
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// freeNameScript drops a name from the index if it still names the id.
var freeNameScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`)

// DeleteWebhook removes a webhook with its secret, its queued deliveries,
// dead letters and alert state, or returns ErrNotFound.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	var name string
	switch raw, err := s.rdb.HGet(ctx, keyWebhooks, id).Result(); {
	case errors.Is(err, redis.Nil):
		return fmt.Errorf("webhook %q: %w", id, ErrNotFound)
	case err != nil:
		return fmt.Errorf("delete webhook %q: %w", id, err)
	default:
		var w sharpeyes.Webhook
		if json.Unmarshal([]byte(raw), &w) == nil {
			name = w.Name
		}
	}
	var del *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if name != "" {
			freeNameScript.Eval(ctx, p, []string{keyWebhookNames}, name, id)
		}
		del = p.HDel(ctx, keyWebhooks, id)
		p.HDel(ctx, keyWebhookSecret, id)
		p.Del(ctx, keyQueue(id), keyDead(id), keyAlertState(id))
		p.ZRem(ctx, keyDue, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete webhook %q: %w", id, err)
	}
	if del.Val() == 0 {
		return fmt.Errorf("webhook %q: %w", id, ErrNotFound)
	}
	return nil
}
