package alert

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// LookupFunc resolves a host name to its addresses, as
// (*net.Resolver).LookupNetIP(ctx, "ip", host) does.
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// NewClient returns the HTTP client deliveries use. It resolves a name
// with lookup (nil: the system resolver) each time it opens a connection,
// dials only addresses that sharpeyes.CheckWebhookAddr accepts under
// allow, and checks again, on the socket itself, the address actually
// dialled; so a name that resolved to a public address when the webhook
// was created and resolves to 127.0.0.1 now (DNS rebinding) is refused.
// It follows no redirect (Notify reports a 3xx as a failure) and ignores
// HTTP_PROXY and friends: a proxy would resolve names where they cannot be
// checked. Refusals wrap sharpeyes.ErrTargetRefused.
func NewClient(allow sharpeyes.Networks, lookup LookupFunc) *http.Client {
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	g := &guard{allow: allow, lookup: lookup}
	g.dialer = net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// guard dials webhook receivers at checked addresses only.
type guard struct {
	allow  sharpeyes.Networks
	lookup LookupFunc
	dialer net.Dialer
}

// dial resolves addr's host, drops the addresses the rules refuse and
// dials the others in turn. With none left it returns the refusal.
func (g *guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", portStr, err)
	}
	ips, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ip := range ips {
		if err := sharpeyes.CheckWebhookAddr(ip, g.allow); err != nil {
			errs = append(errs, fmt.Errorf("%s resolves to %s: %w", host, ip, err))
			continue
		}
		conn, err := g.dialer.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%s has no address", host)
	}
	return nil, errors.Join(errs...)
}

func (g *guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if err := sharpeyes.CheckWebhookHost(host, g.allow); err != nil {
		return nil, err
	}
	ips, err := g.lookup(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	return ips, nil
}

// control runs on the socket before it connects: the last word on which
// address is dialled, whatever resolved it.
func (g *guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read the address dialled, %q", sharpeyes.ErrTargetRefused, address)
	}
	return sharpeyes.CheckWebhookAddr(ap.Addr(), g.allow)
}
