package store

import (
	"context"
	"errors"
	"net"

	"github.com/redis/go-redis/v9"
)

// OnError calls fn for every Redis command or pipeline that fails, except
// for the "no such key" answer (redis.Nil), which is a normal reply. It is
// how the Redis error metric counts without other packages seeing go-redis.
func (s *Store) OnError(fn func(err error)) {
	s.rdb.AddHook(errorHook{fn: fn})
}

type errorHook struct{ fn func(error) }

func (h errorHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			h.fn(err)
		}
		return conn, err
	}
}

func (h errorHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if counted(err, cmd) && (ctx.Value(expectRefusalKey{}) == nil || kindOf(err) != nil) {
			h.fn(err)
		}
		return err
	}
}

func (h errorHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if counted(cmd.Err(), cmd) {
				h.fn(cmd.Err())
				break // one failed round trip counts once
			}
		}
		return err
	}
}

// expectRefusalKey marks the context of commands that a Redis may refuse
// without anything being wrong (CONFIG disabled on a managed Redis): their
// refusals are not counted, only a Redis that cannot be reached or is full.
type expectRefusalKey struct{}

// expectedReplies are error replies the store asks for and handles on a
// healthy Redis: NOSCRIPT (a script not cached yet: EVALSHA falls back to
// loading it), NOGROUP (the alert consumer group not created yet: it is
// created) and BUSYGROUP (it already exists).
var expectedReplies = []string{"NOSCRIPT", "NOGROUP", "BUSYGROUP"}

// counted leaves out the normal "no such key" reply, the expected replies
// above and the connection handshake's optional CLIENT subcommands, which
// older servers refuse and go-redis then does without.
func counted(err error, cmd redis.Cmder) bool {
	if err == nil || errors.Is(err, redis.Nil) || cmd.Name() == "client" {
		return false
	}
	for _, p := range expectedReplies {
		if redis.HasErrorPrefix(err, p) {
			return false
		}
	}
	return true
}
