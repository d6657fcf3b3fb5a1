package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// reply is an error reply as Redis sends it, which go-redis reports as a
// redis.Error.
type reply string

func (r reply) Error() string { return string(r) }
func (reply) RedisError()     {}

func TestKindOfSortsRedisErrorsIntoUnavailableAndFull(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"nil", nil, nil},
		{"no such key", redis.Nil, nil},
		{"caller cancelled", context.Canceled, nil},
		{"wrong type", reply("WRONGTYPE Operation against a key holding the wrong kind of value"), nil},
		{"script not cached", redis.ErrNoScript, nil},
		{"consumer group exists", reply("BUSYGROUP Consumer Group name already exists"), nil},
		{"unknown command", reply("ERR unknown command 'CONFIG', with args beginning with: 'GET'"), nil},
		{"plain error", errors.New("decode camera: bad json"), nil},
		{"connection refused", refused, ErrUnavailable},
		{"connection refused, wrapped", fmt.Errorf("list cameras: %w", refused), ErrUnavailable},
		{"connection reset", reset, ErrUnavailable},
		{"read timeout", timeout, ErrUnavailable},
		{"bare ECONNRESET", syscall.ECONNRESET, ErrUnavailable},
		{"connection closed by server", io.EOF, ErrUnavailable},
		{"caller's deadline", context.DeadlineExceeded, ErrUnavailable},
		{"client closed", redis.ErrClosed, ErrUnavailable},
		{"pool timeout", redis.ErrPoolTimeout, ErrUnavailable},
		{"pool exhausted", redis.ErrPoolExhausted, ErrUnavailable},
		{"circuit breaker open", maintnotifications.ErrCircuitBreakerOpen, ErrUnavailable},
		{"cluster without nodes", errors.New("redis: cluster has no nodes"), ErrUnavailable},
		{"sentinels unreachable", errors.New("redis: all sentinels specified in configuration are unreachable"), ErrUnavailable},
		{"loading", reply("LOADING Redis is loading the dataset in memory"), ErrUnavailable},
		{"master down", reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), ErrUnavailable},
		{"cluster down", reply("CLUSTERDOWN The cluster is down"), ErrUnavailable},
		{"try again", reply("TRYAGAIN Multiple keys request during rehashing of slot"), ErrUnavailable},
		{"read-only replica", reply("READONLY You can't write against a read only replica."), ErrUnavailable},
		{"read-only in a script", reply("ERR Error running script (call to f_ab12): @user_script:1: -READONLY You can't write against a read only replica."), ErrUnavailable},
		{"busy script", reply("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."), ErrUnavailable},
		{"failed save", reply("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."), ErrUnavailable},
		{"max clients", reply("ERR max number of clients reached"), ErrUnavailable},
		{"wrong password", reply("WRONGPASS invalid username-password pair or user is disabled."), ErrUnavailable},
		{"out of memory", reply("OOM command not allowed when used memory > 'maxmemory'."), ErrFull},
		{"out of memory in a script", reply("OOM command not allowed when used memory > 'maxmemory'. script: d8f2, on @user_script:1."), ErrFull},
		{"out of memory, wrapped", fmt.Errorf("put cameras: %w", reply("OOM command not allowed when used memory > 'maxmemory'.")), ErrFull},
		{"already marked", withKind(ErrFull, reply("EXECABORT Transaction discarded because of previous errors.")), ErrFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(tt.err); got != tt.want {
				t.Fatalf("kindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestWithKindKeepsTheRedisErrorReachable(t *testing.T) {
	oom := reply("OOM command not allowed when used memory > 'maxmemory'.")
	err := fmt.Errorf("put cameras: %w", withKind(ErrFull, oom))
	if !errors.Is(err, ErrFull) || !redis.HasErrorPrefix(err, "OOM ") || errors.Is(err, ErrUnavailable) {
		t.Fatalf("%v: want ErrFull and the OOM reply, not ErrUnavailable", err)
	}
	if err.Error() != "put cameras: "+string(oom) {
		t.Fatalf("text %q, want Redis's own", err.Error())
	}
}
