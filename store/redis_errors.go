package store

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// kindOf returns ErrUnavailable when err says Redis cannot be reached or
// cannot serve for now, ErrFull when Redis refused a write because its
// maxmemory is reached, and nil for every other error (and for nil). A
// cancelled context is the caller's doing and is neither.
func kindOf(err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, redis.Nil):
		return nil
	case errors.Is(err, ErrUnavailable):
		return ErrUnavailable
	case errors.Is(err, ErrFull), redis.HasErrorPrefix(err, "OOM "):
		return ErrFull
	case unreachable(err), unavailableReply(err):
		return ErrUnavailable
	}
	return nil
}

// unavailableErrors are the client-side errors of a Redis that does not
// answer: the connection failed or closed, the pool gave up waiting for
// one, the maintenance circuit breaker is open, or the deadline passed.
var unavailableErrors = []error{
	redis.ErrClosed, redis.ErrPoolTimeout, redis.ErrPoolExhausted,
	maintnotifications.ErrCircuitBreakerOpen, context.DeadlineExceeded,
	io.EOF, io.ErrUnexpectedEOF,
	syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH,
}

// unavailableTexts are go-redis errors with no exported value: a cluster,
// ring or sentinel set with no node left to ask.
var unavailableTexts = []string{
	"redis: cluster has no nodes",
	"redis: all ring shards are down",
	"redis: all sentinels specified in configuration are unreachable",
	"redis: connection not available",
	"redis: connection unusable",
}

func unreachable(err error) bool {
	for _, target := range unavailableErrors {
		if errors.Is(err, target) {
			return true
		}
	}
	var netErr net.Error // dial, DNS, reset and timeout errors
	if errors.As(err, &netErr) {
		return true
	}
	msg := err.Error()
	for _, t := range unavailableTexts {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}

// unavailableReplies are the error replies of a Redis that is up but cannot
// serve for now: loading its data set, failing over (MASTERDOWN, READONLY
// from a demoted primary, CLUSTERDOWN, TRYAGAIN, NOREPLICAS), busy in a
// script, refusing writes after a failed save (MISCONF), out of client
// slots, or refusing our credentials. The trailing spaces keep BUSYGROUP,
// an expected reply, out.
var unavailableReplies = []string{
	"LOADING ", "MASTERDOWN ", "READONLY ", "CLUSTERDOWN ", "TRYAGAIN ", "NOREPLICAS ",
	"BUSY ", "MISCONF ", "max number of clients reached", "NOAUTH ", "WRONGPASS ",
}

func unavailableReply(err error) bool {
	for _, p := range unavailableReplies {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	// A script's write refused by a demoted primary.
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.Contains(rerr.Error(), "-READONLY ")
}

// classifiedError carries the sentinel Classify found next to the Redis
// error, so that errors.Is matches both and the text stays Redis's.
type classifiedError struct{ kind, err error }

func (e *classifiedError) Error() string   { return e.err.Error() }
func (e *classifiedError) Unwrap() []error { return []error{e.kind, e.err} }

// withKind returns err marked with kind (ErrUnavailable or ErrFull), or err
// itself when kind is nil or err is already marked.
func withKind(kind, err error) error {
	var done *classifiedError
	if kind == nil || err == nil || errors.As(err, &done) {
		return err
	}
	return &classifiedError{kind: kind, err: err}
}

// classifyHook marks the errors of every command and pipeline with their
// sentinel, so that every error of the store (and of the packages that use
// its client) can be told apart by errors.Is without go-redis. A
// transaction aborted by an OOM reply of one of its commands (EXECABORT)
// is marked as the command's error is.
// It also notes the time of the last OOM refusal for Store.RecentlyFull.
type classifyHook struct{ lastFull *atomic.Int64 }

func (classifyHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h classifyHook) mark(kind, err error) error {
	if kind == ErrFull {
		h.lastFull.Store(time.Now().UnixNano())
	}
	return withKind(kind, err)
}

func (h classifyHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		return h.mark(kindOf(err), err)
	}
}

func (h classifyHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		var first error
		for _, cmd := range cmds {
			kind := kindOf(cmd.Err())
			if kind == nil {
				continue
			}
			cmd.SetErr(withKind(kind, cmd.Err()))
			if first == nil {
				first = kind
			}
		}
		if kind := kindOf(err); kind != nil {
			first = kind
		}
		return h.mark(first, err)
	}
}
