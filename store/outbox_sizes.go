package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// OutboxSize is how many deliveries wait in one webhook's queue and how
// many dead letters it keeps (at most DeadLettersKept).
type OutboxSize struct {
	Queued, Dead int64
}

// OutboxSizes returns the OutboxSize of each webhook id, in order, in one
// round trip (for the metrics scrape).
func (s *Store) OutboxSizes(ctx context.Context, whs []string) ([]OutboxSize, error) {
	if len(whs) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	queued := make([]*redis.IntCmd, len(whs))
	dead := make([]*redis.IntCmd, len(whs))
	for i, wh := range whs {
		queued[i] = pipe.LLen(ctx, keyQueue(wh))
		dead[i] = pipe.LLen(ctx, keyDead(wh))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("outbox sizes of %d webhooks: %w", len(whs), err)
	}
	out := make([]OutboxSize, len(whs))
	for i := range whs {
		out[i] = OutboxSize{Queued: queued[i].Val(), Dead: dead[i].Val()}
	}
	return out, nil
}
