package probe

import (
	"context"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestProbersCoverEveryKind(t *testing.T) {
	for _, k := range sharpeyes.ProbeKinds {
		if Probers[k] == nil {
			t.Errorf("no prober for %s", k)
		}
	}
	if len(Probers) != len(sharpeyes.ProbeKinds) {
		t.Errorf("%d probers for %d kinds", len(Probers), len(sharpeyes.ProbeKinds))
	}
}

func TestRunUnknownKind(t *testing.T) {
	res := Run(context.Background(), Target{Kind: "smtp", Host: "127.0.0.1"})
	if res.State != sharpeyes.StateDown || res.Reason != sharpeyes.ReasonBadResponse || !strings.Contains(res.Detail, "smtp") {
		t.Errorf("got %s/%s %q, want down/bad_response naming the kind", res.State, res.Reason, res.Detail)
	}
}

func TestExpiredContext(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, port := serve(t, silent)
	for _, k := range sharpeyes.ProbeKinds {
		t.Run(string(k), func(t *testing.T) {
			res := Run(ctx, Target{Kind: k, Host: "127.0.0.1", Port: port})
			assertVerdict(t, res, sharpeyes.StateDown, sharpeyes.ReasonTimeout)
		})
	}
}

func TestScrub(t *testing.T) {
	res := scrub(Result{Detail: "a pw b", Steps: []Step{{Detail: "pw"}}}, "pw")
	if res.Detail != "a xxxxx b" || res.Steps[0].Detail != "xxxxx" {
		t.Errorf("scrub = %+v", res)
	}
}

// A failure of the collector's own resources says nothing about the camera:
// probe_error with no verdict, never down.
func TestOwnResourceFailuresAreProbeErrorsWithoutVerdict(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"too many open files", syscall.EMFILE},
		{"file table full", syscall.ENFILE},
		{"no buffer space", syscall.ENOBUFS},
		{"no memory", syscall.ENOMEM},
		{"no local port", syscall.EADDRNOTAVAIL},
		{"local address in use", syscall.EADDRINUSE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", tc.err)}
			rec := newRecorder("")
			res := rec.fail("connect", err, sharpeyes.ReasonBadResponse)
			if res.Reason != ReasonProbeError || res.State != sharpeyes.StateUnknown {
				t.Fatalf("%v: got %s/%s, want unknown/%s", tc.err, res.State, res.Reason, ReasonProbeError)
			}
		})
	}
}
