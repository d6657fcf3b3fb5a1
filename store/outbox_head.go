package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// changeHeadScript changes a queue's head, only while ARGV[1] holds the lock
// (KEYS[3]) and the head is still ARGV[2]. ARGV[3] is the operation:
// "pop" removes it (delivered), "dead" moves ARGV[4] to the dead letters
// (KEYS[4]), "retry" replaces it with ARGV[4]. ARGV[5] is the webhook id,
// ARGV[6] when its queue is next due (unix ms).
var changeHeadScript = redis.NewScript(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return 0 end
if ARGV[3] == 'retry' then
  redis.call('LSET', KEYS[1], 0, ARGV[4])
else
  redis.call('LPOP', KEYS[1])
  if ARGV[3] == 'dead' then
    redis.call('LPUSH', KEYS[4], ARGV[4])
    redis.call('LTRIM', KEYS[4], 0, ARGV[7] - 1)
  end
end
if redis.call('LLEN', KEYS[1]) > 0 then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
else
  redis.call('ZREM', KEYS[2], ARGV[5])
end
return 1
`)

// AckHead removes head, just delivered, from the queue of wh; the next item
// is due at once. It returns ErrLockLost when token no longer holds the
// webhook's lock or head is no longer first.
func (s *Store) AckHead(ctx context.Context, wh, token string, head Delivery, now time.Time) error {
	return s.changeHead(ctx, wh, token, head, "pop", "", now)
}

// RetryHead replaces head with next (its attempts, error and NextAt
// updated) and schedules the queue for next.NextAt. It returns ErrLockLost
// as AckHead does.
func (s *Store) RetryHead(ctx context.Context, wh, token string, head, next Delivery) error {
	raw, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("encode delivery %s: %w", next.Key, err)
	}
	return s.changeHead(ctx, wh, token, head, "retry", string(raw), next.NextAt)
}

// DeadLetterHead moves head to the dead letters of wh as dead (which
// carries DeadAt and DeadReason); the next item is due at once. It returns
// ErrLockLost as AckHead does.
func (s *Store) DeadLetterHead(ctx context.Context, wh, token string, head, dead Delivery) error {
	raw, err := json.Marshal(dead)
	if err != nil {
		return fmt.Errorf("encode delivery %s: %w", dead.Key, err)
	}
	now := s.now()
	if dead.DeadAt != nil {
		now = *dead.DeadAt
	}
	return s.changeHead(ctx, wh, token, head, "dead", string(raw), now)
}

func (s *Store) changeHead(ctx context.Context, wh, token string, head Delivery, op, raw string, due time.Time) error {
	if head.raw == "" {
		return fmt.Errorf("%s delivery %s: not read by OutboxHead", op, head.Key)
	}
	keys := []string{keyQueue(wh), keyDue, WebhookLockKey(wh), keyDead(wh)}
	n, err := changeHeadScript.Run(ctx, s.rdb, keys, token, head.raw, op, raw, wh,
		due.UnixMilli(), DeadLettersKept).Int()
	if err != nil {
		return fmt.Errorf("%s delivery %s: %w", op, head.Key, err)
	}
	if n == 0 {
		return fmt.Errorf("%s delivery %s: %w", op, head.Key, ErrLockLost)
	}
	return nil
}

// DeadLetters returns up to limit dead letters of a webhook, newest first
// (an empty list for a webhook that has none).
func (s *Store) DeadLetters(ctx context.Context, wh string, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > DeadLettersKept {
		limit = DeadLettersKept
	}
	raws, err := s.rdb.LRange(ctx, keyDead(wh), 0, int64(limit-1)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read dead letters of %q: %w", wh, err)
	}
	out := make([]Delivery, 0, len(raws))
	for _, raw := range raws {
		var d Delivery
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("decode dead letter of %q: %w", wh, err)
		}
		out = append(out, d)
	}
	return out, nil
}
