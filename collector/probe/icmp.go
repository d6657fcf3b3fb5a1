package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	probing "github.com/prometheus-community/pro-bing"
	"golang.org/x/net/icmp"

	"github.com/sharpeyes/sharpeyes"
)

// ErrNoICMP is wrapped by CheckICMP when this process can open no ICMP
// socket.
var ErrNoICMP = errors.New("icmp probes unavailable")

// icmpMode finds out once which ICMP socket the process may open: an
// unprivileged ping socket (Linux: the process's group within sysctl
// net.ipv4.ping_group_range) is preferred, a raw socket (root or
// CAP_NET_RAW) is the fallback. Opening a socket is the only reliable test:
// containers and seccomp profiles can deny what the sysctl allows.
var icmpMode = sync.OnceValues(func() (privileged bool, err error) {
	if c, err := icmp.ListenPacket("udp4", ""); err == nil {
		c.Close()
		return false, nil
	}
	if c, err := icmp.ListenPacket("ip4:icmp", ""); err == nil {
		c.Close()
		return true, nil
	}
	groups, _ := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	return false, fmt.Errorf("%w: sysctl net.ipv4.ping_group_range is %q and does not include gid %d, "+
		"and raw sockets need root or CAP_NET_RAW", ErrNoICMP, strings.Join(strings.Fields(string(groups)), " "), os.Getgid())
})

// CheckICMP reports whether ICMP probes can run in this process, so that
// start-up can refuse a configuration with icmp cameras clearly. It returns
// an error wrapping ErrNoICMP that says what to change.
func CheckICMP() error {
	_, err := icmpMode()
	return err
}

// ICMP sends one echo request and waits for the reply until the deadline:
// a reply is up (latency = round trip), none is down timeout. When ICMP
// sockets are unavailable the result is probe_error, without a verdict.
//
// Each probe opens its own socket (pro-bing's design). With raw sockets
// every open socket sees every echo reply, filtered in the kernel by ICMP
// id, so very large icmp fleets are better served by unprivileged sockets.
func ICMP(ctx context.Context, t Target) Result {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	rec := newRecorder(t.Password)
	privileged, err := icmpMode()
	if err != nil {
		return rec.fail("socket", failure(ReasonProbeError, err.Error()), "")
	}
	if t.Host == "" {
		return rec.fail("target", failure(ReasonProbeError, "no host"), "")
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, t.Host)
	if err == nil && len(ips) == 0 {
		err = failure(sharpeyes.ReasonDNS, "no address for "+quoteShort(t.Host))
	}
	if err != nil {
		return rec.fail("resolve", err, sharpeyes.ReasonDNS)
	}
	rec.step("resolve", true, ips[0].String())
	deadline, _ := ctx.Deadline()
	if time.Until(deadline) <= 0 {
		return rec.fail("echo", failure(sharpeyes.ReasonTimeout, "deadline passed before the echo"), "")
	}
	p := probing.New(ips[0].String())
	p.SetIPAddr(&ips[0])
	p.SetPrivileged(privileged)
	p.SetLogger(probing.NoopLogger{})
	p.Count, p.Timeout, p.RecordRtts, p.RecordTTLs = 1, time.Until(deadline), false, false
	err = p.RunWithContext(ctx)
	if st := p.Statistics(); st.PacketsRecv > 0 {
		rec.step("echo", true, "reply in "+st.MinRtt.String())
		res := rec.up("echo reply from " + ips[0].String())
		res.Latency = st.MinRtt
		return res
	}
	if err != nil && netReason(err) != sharpeyes.ReasonTimeout {
		return rec.fail("echo", err, sharpeyes.ReasonUnreachable)
	}
	return rec.fail("echo", failure(sharpeyes.ReasonTimeout, "no echo reply before the deadline"), "")
}
