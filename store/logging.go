package store

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetRedisLogger sends go-redis's own messages (connection pool failures
// while Redis is down) to log at Warn instead of the standard library's
// logger on stderr. go-redis has one logger per process, so call this once
// from main.
func SetRedisLogger(log *slog.Logger) {
	redis.SetLogger(slogPrinter{log})
}

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(ctx context.Context, format string, v ...any) {
	p.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
