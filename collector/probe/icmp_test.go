package probe

import (
	"errors"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestICMP(t *testing.T) {
	if err := CheckICMP(); err != nil {
		if !errors.Is(err, ErrNoICMP) {
			t.Fatalf("CheckICMP error %v does not wrap ErrNoICMP", err)
		}
		t.Skipf("the kernel allows neither unprivileged ping sockets nor raw sockets here: %v", err)
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			res := probeWithin(t, Run, Target{Kind: sharpeyes.ProbeICMP, Host: host}, 2*time.Second)
			assertVerdict(t, res, sharpeyes.StateUp, "")
			if res.Latency <= 0 || res.Latency > time.Second {
				t.Errorf("latency %v, want a loopback round trip", res.Latency)
			}
		})
	}
	t.Run("unresolvable name", func(t *testing.T) {
		res := probeWithin(t, ICMP, Target{Host: "camera.onion"}, time.Second)
		assertVerdict(t, res, sharpeyes.StateDown, sharpeyes.ReasonDNS)
	})
}
