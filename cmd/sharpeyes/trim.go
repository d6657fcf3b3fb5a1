package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// trimHistory drops events, outages and silences older than the retention,
// once at start and then every hour, until ctx ends.
func trimHistory(ctx context.Context, log *slog.Logger, s *store.Store, retention time.Duration) {
	if retention <= 0 {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		before := time.Now().Add(-retention)
		if err := s.TrimHistory(ctx, before); err != nil && ctx.Err() == nil {
			log.Warn("trim history", "error", err)
		}
		if _, err := s.TrimSilences(ctx, before); err != nil && ctx.Err() == nil {
			log.Warn("trim silences", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
