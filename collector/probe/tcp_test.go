package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// fullBacklog returns a loopback port whose listener never accepts and
// whose accept queue is full, so that the kernel drops further SYNs and a
// connect times out.
func fullBacklog(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return port // the queue is full: this SYN was dropped
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatalf("accept queue of %s never filled", addr)
	return 0
}

func TestTCP(t *testing.T) {
	_, open := serve(t, silent)
	tests := []struct {
		name    string
		target  Target
		timeout time.Duration
		state   sharpeyes.State
		reason  string
	}{
		{"open port", Target{Host: "127.0.0.1", Port: open}, time.Second, sharpeyes.StateUp, ""},
		{"closed port", Target{Host: "127.0.0.1", Port: closedPort(t)}, time.Second, sharpeyes.StateDown, sharpeyes.ReasonRefused},
		{"no answer", Target{Host: "127.0.0.1", Port: fullBacklog(t)}, 300 * time.Millisecond, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		// .onion names are never sent to DNS (RFC 7686): a lookup failure
		// without any traffic.
		{"unresolvable name", Target{Host: "camera.onion", Port: 554}, time.Second, sharpeyes.StateDown, sharpeyes.ReasonDNS},
		{"no port", Target{Host: "127.0.0.1"}, time.Second, sharpeyes.StateUnknown, ReasonProbeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.target.Kind = sharpeyes.ProbeTCP
			res := probeWithin(t, Run, tt.target, tt.timeout)
			assertVerdict(t, res, tt.state, tt.reason)
		})
	}
}

func TestTCPWithoutDeadline(t *testing.T) {
	_, port := serve(t, silent)
	res := TCP(context.Background(), Target{Host: "127.0.0.1", Port: port})
	assertVerdict(t, res, sharpeyes.StateUp, "")
}

func TestNetReason(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	tests := []struct {
		err  error
		want string
	}{
		{op(syscall.ECONNREFUSED), sharpeyes.ReasonRefused},
		{op(syscall.ECONNRESET), sharpeyes.ReasonRefused},
		{io.EOF, sharpeyes.ReasonRefused},
		{op(syscall.EHOSTUNREACH), sharpeyes.ReasonUnreachable},
		{op(syscall.ENETUNREACH), sharpeyes.ReasonUnreachable},
		{op(&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}), sharpeyes.ReasonDNS},
		{&net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, sharpeyes.ReasonDNS},
		{op(os.ErrDeadlineExceeded), sharpeyes.ReasonTimeout},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), sharpeyes.ReasonTimeout},
		{errors.New("something else"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			if got := netReason(tt.err); got != tt.want {
				t.Errorf("netReason = %q, want %q", got, tt.want)
			}
		})
	}
}
