package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// keyAcks holds each camera's last acknowledgement (camera id → JSON). One
// per camera at most: an acknowledgement of an episode that has ended is
// kept until the next one overwrites it or the camera is deleted, and
// readers check sharpeyes.Ack.Covers against the current status.
const keyAcks = "se:{al}:ack"

// SetAck stores a camera's acknowledgement, replacing any earlier one.
func (s *Store) SetAck(ctx context.Context, a sharpeyes.Ack) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode acknowledgement of %q: %w", a.CameraID, err)
	}
	if err := s.rdb.HSet(ctx, keyAcks, a.CameraID, raw).Err(); err != nil {
		return fmt.Errorf("acknowledge %q: %w", a.CameraID, err)
	}
	return nil
}

// DeleteAck removes a camera's acknowledgement, or returns ErrNotFound.
func (s *Store) DeleteAck(ctx context.Context, id string) error {
	n, err := s.rdb.HDel(ctx, keyAcks, id).Result()
	if err != nil {
		return fmt.Errorf("withdraw acknowledgement of %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("acknowledgement of %q: %w", id, ErrNotFound)
	}
	return nil
}

// Acks returns the stored acknowledgements of the given cameras (those
// with none are absent), whether or not they still cover their status.
func (s *Store) Acks(ctx context.Context, ids []string) (map[string]sharpeyes.Ack, error) {
	out := map[string]sharpeyes.Ack{}
	if len(ids) == 0 {
		return out, nil
	}
	vals, err := s.rdb.HMGet(ctx, keyAcks, ids...).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read acknowledgements: %w", err)
	}
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		var a sharpeyes.Ack
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			return nil, fmt.Errorf("decode acknowledgement of %q: %w", ids[i], err)
		}
		out[ids[i]] = a
	}
	return out, nil
}
