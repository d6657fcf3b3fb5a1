package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The outbox keeps one FIFO list per webhook. Only the holder of the
// webhook's delivery lock (TryLease on WebhookLockKey) works on its head,
// which keeps deliveries to one endpoint in order; every change to the head
// checks the lock and the head inside one script, so a holder whose lease
// expired cannot pop an item another holder is delivering. se:{al}:due says
// when each non-empty queue is next due; the scripts keep it in step with
// the lists, so that no queued item is left unscheduled.

const (
	keyDue = "se:{al}:due"
	// DeadLettersKept bounds each webhook's dead-letter list.
	DeadLettersKept = 1000
)

// ErrLockLost is returned when a change to a queue's head is refused
// because the caller no longer holds the webhook's delivery lock or the
// head is no longer the item it delivered.
var ErrLockLost = errors.New("delivery lock lost")

func keyQueue(wh string) string      { return "se:{al}:q:" + wh }
func keyDead(wh string) string       { return "se:{al}:dl:" + wh }
func keySeen(key string) string      { return "se:{al}:seen:" + key }
func keyAlertState(wh string) string { return "se:{al}:state:" + wh }

// WebhookLockKey is the lease key (for TryLease, RenewLease, ReleaseLease)
// that guards deliveries to one webhook.
func WebhookLockKey(wh string) string { return "se:{al}:lock:deliver:" + wh }

// AlertConsumerLeaseKey is the lease key held by the one alert dispatcher
// that consumes the events stream at a time.
const AlertConsumerLeaseKey = "se:{al}:lock:consumer"

// Delivery is one queued notification for one webhook.
type Delivery struct {
	// Key is the idempotency key: the same alert retried carries the same
	// key, and a key is enqueued at most once (per dedupe window).
	Key       string          `json:"key"`
	Webhook   string          `json:"webhook"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt time.Time       `json:"created_at"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	LastError string          `json:"last_error,omitempty"`
	// DeadAt and DeadReason are set on dead letters.
	DeadAt     *time.Time `json:"dead_at,omitempty"`
	DeadReason string     `json:"dead_reason,omitempty"`

	raw string // as stored, to recognise the head
}

var enqueueScript = redis.NewScript(`
local added = 0
for i = 1, #ARGV - 2, 3 do
  local k = (i - 1) / 3 * 2 + 2
  if redis.call('SET', KEYS[k], '1', 'NX', 'PX', ARGV[#ARGV]) then
    redis.call('RPUSH', KEYS[k+1], ARGV[i+2])
    redis.call('ZADD', KEYS[1], 'NX', ARGV[#ARGV-1], ARGV[i+1])
    added = added + 1
  end
end
return added
`)

// Enqueue appends deliveries to their webhooks' queues, skipping any whose
// key was enqueued within the last dedupe (so that an event handled twice
// is queued once). It returns how many it added.
func (s *Store) Enqueue(ctx context.Context, ds []Delivery, now time.Time, dedupe time.Duration) (int, error) {
	if len(ds) == 0 {
		return 0, nil
	}
	keys := []string{keyDue}
	args := make([]any, 0, 3*len(ds)+2)
	for _, d := range ds {
		raw, err := json.Marshal(d)
		if err != nil {
			return 0, fmt.Errorf("encode delivery %s: %w", d.Key, err)
		}
		keys = append(keys, keySeen(d.Key), keyQueue(d.Webhook))
		args = append(args, d.Key, d.Webhook, raw)
	}
	args = append(args, now.UnixMilli(), dedupe.Milliseconds())
	n, err := enqueueScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("enqueue %d deliveries: %w", len(ds), err)
	}
	return n, nil
}

// DueWebhooks returns up to limit webhooks whose queue head is due at now.
func (s *Store) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]string, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, keyDue, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("read due webhooks: %w", err)
	}
	return ids, nil
}

var headScript = redis.NewScript(`
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then redis.call('ZREM', KEYS[2], ARGV[1]) return false end
return head
`)

// OutboxHead returns the oldest queued delivery of a webhook, or
// ErrNotFound when its queue is empty (which also unschedules it).
func (s *Store) OutboxHead(ctx context.Context, wh string) (Delivery, error) {
	var d Delivery
	raw, err := headScript.Run(ctx, s.rdb, []string{keyQueue(wh), keyDue}, wh).Text()
	if errors.Is(err, redis.Nil) {
		return d, fmt.Errorf("outbox of %q: %w", wh, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("read outbox of %q: %w", wh, err)
	}
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return d, fmt.Errorf("decode delivery of %q: %w", wh, err)
	}
	d.raw = raw
	return d, nil
}

// OutboxLen returns how many deliveries wait in a webhook's queue.
func (s *Store) OutboxLen(ctx context.Context, wh string) (int64, error) {
	n, err := s.rdb.LLen(ctx, keyQueue(wh)).Result()
	if err != nil {
		return 0, fmt.Errorf("outbox length of %q: %w", wh, err)
	}
	return n, nil
}
