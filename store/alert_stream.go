package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// StreamEvent is one entry of the events stream as the alert dispatcher
// reads it: a camera state change (Type camera.<to>) or a
// collector.isolated entry (Instance, Slot, Probed, Failed set).
type StreamEvent struct {
	ID       string
	Type     string
	CameraID string
	From, To string
	Reason   string
	At       time.Time
	Instance string
	Slot     string
	Probed   int
	Failed   int
}

// EnsureEventGroup creates the consumer group on the events stream (and
// the stream, if missing) unless it exists. A new group starts at the end
// of the stream, or at its start with fromStart.
func (s *Store) EnsureEventGroup(ctx context.Context, group string, fromStart bool) error {
	start := "$"
	if fromStart {
		start = "0"
	}
	err := s.rdb.XGroupCreateMkStream(ctx, keyEvents, group, start).Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
		return fmt.Errorf("create event group %s: %w", group, err)
	}
	return nil
}

// ReadEventGroup reads up to count entries of the events stream for
// consumer of group. With after "" it returns new entries, waiting up to
// block (no wait when block is 0); otherwise the entries already delivered
// to consumer but not acknowledged, with ids above after ("0" for all):
// what a consumer left behind when it stopped. A missing group is created
// from the stream's start: on first use the consumer then sees the history
// kept (and judges for itself what is too old to matter), and after Redis
// restarted empty everything in the stream is newer than the group. No
// entries is not an error.
func (s *Store) ReadEventGroup(ctx context.Context, group, consumer, after string, count int, block time.Duration) ([]StreamEvent, error) {
	id := ">"
	if after != "" {
		id, block = after, 0
	}
	if block <= 0 {
		block = -1 // go-redis: no BLOCK argument; 0 would wait for ever
	}
	args := &redis.XReadGroupArgs{Group: group, Consumer: consumer,
		Streams: []string{keyEvents, id}, Count: int64(count), Block: block}
	res, err := s.rdb.XReadGroup(ctx, args).Result()
	if redis.HasErrorPrefix(err, "NOGROUP") {
		if err := s.EnsureEventGroup(ctx, group, true); err != nil {
			return nil, err
		}
		res, err = s.rdb.XReadGroup(ctx, args).Result()
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read events for %s: %w", group, err)
	}
	var out []StreamEvent
	for _, st := range res {
		for _, m := range st.Messages {
			out = append(out, decodeStreamEvent(m))
		}
	}
	return out, nil
}

// decodeStreamEvent reads an entry; one trimmed away while pending comes
// back with no values and so with an empty Type.
func decodeStreamEvent(m redis.XMessage) StreamEvent {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	num := func(k string) int { n, _ := strconv.Atoi(str(k)); return n }
	at, _ := time.Parse(time.RFC3339Nano, str("at"))
	return StreamEvent{
		ID: m.ID, Type: str("type"), CameraID: str("camera_id"),
		From: str("from"), To: str("to"), Reason: str("reason"), At: at,
		Instance: str("instance"), Slot: str("slot"), Probed: num("probed"), Failed: num("failed"),
	}
}

// AckEvents acknowledges entries of the events stream for group.
func (s *Store) AckEvents(ctx context.Context, group string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.rdb.XAck(ctx, keyEvents, group, ids...).Err(); err != nil {
		return fmt.Errorf("ack %d events for %s: %w", len(ids), group, err)
	}
	return nil
}

// AlertState returns the given fields of a webhook's alert state (wh ""
// for the global state); absent fields are left out.
func (s *Store) AlertState(ctx context.Context, wh string, fields []string) (map[string]string, error) {
	out := make(map[string]string, len(fields))
	if len(fields) == 0 {
		return out, nil
	}
	vals, err := s.rdb.HMGet(ctx, alertStateKey(wh), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("read alert state of %q: %w", wh, err)
	}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out[fields[i]] = str
		}
	}
	return out, nil
}

// AllAlertState returns every field of a webhook's alert state (wh "" for
// the global state).
func (s *Store) AllAlertState(ctx context.Context, wh string) (map[string]string, error) {
	out, err := s.rdb.HGetAll(ctx, alertStateKey(wh)).Result()
	if err != nil {
		return nil, fmt.Errorf("read alert state of %q: %w", wh, err)
	}
	return out, nil
}

// SetAlertState writes fields of a webhook's alert state (wh "" for the
// global state).
func (s *Store) SetAlertState(ctx context.Context, wh string, values map[string]string) error {
	if len(values) == 0 {
		return nil
	}
	if err := s.rdb.HSet(ctx, alertStateKey(wh), values).Err(); err != nil {
		return fmt.Errorf("write alert state of %q: %w", wh, err)
	}
	return nil
}

// DeleteAlertState removes fields of a webhook's alert state.
func (s *Store) DeleteAlertState(ctx context.Context, wh string, fields ...string) error {
	if len(fields) == 0 {
		return nil
	}
	if err := s.rdb.HDel(ctx, alertStateKey(wh), fields...).Err(); err != nil {
		return fmt.Errorf("delete alert state of %q: %w", wh, err)
	}
	return nil
}

func alertStateKey(wh string) string {
	if wh == "" {
		return "se:{al}:state"
	}
	return keyAlertState(wh)
}
