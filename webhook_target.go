package sharpeyes

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Webhook targets (SPEC "Alerts (webhooks)"): a webhook may not reach
// loopback, link-local, unspecified or multicast addresses, nor a cloud's
// metadata service, unless alerts.allow_networks admits the address. The
// same rules run when a webhook is created (Normalize, for the config file
// and the API alike) and on every address a delivery dials (the alert
// package's dialer), so that a name that resolves elsewhere later (DNS
// rebinding) is still refused. Private ranges (10/8, 172.16/12,
// 192.168/16, fc00::/7) stay allowed: a city's chat relay often sits on
// one.

// ErrTargetRefused is wrapped by every error saying that a webhook may not
// reach an address or name.
var ErrTargetRefused = errors.New("webhook target refused")

// Networks is alerts.allow_networks: the CIDRs that webhooks may reach
// even where the rules above refuse them. The zero value admits nothing.
type Networks []netip.Prefix

// ParseNetwork parses one CIDR such as "127.0.0.0/8" or "fd00::/8", or
// returns an error saying what a CIDR looks like.
func ParseNetwork(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("must be a CIDR like 10.20.0.0/16 or fd00::/8, got %q", clip(cidr))
	}
	return p.Masked(), nil
}

// ParseNetworks parses CIDRs with ParseNetwork. It returns an error
// naming the first that does not parse, by index ("[1]: ...").
func ParseNetworks(cidrs []string) (Networks, error) {
	out := make(Networks, 0, len(cidrs))
	for i, s := range cidrs {
		p, err := ParseNetwork(s)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Contains reports whether ip, or the IPv4 address it is written as
// (IPv4-mapped IPv6), lies in one of n.
func (n Networks) Contains(ip netip.Addr) bool {
	ip = ip.WithZone("")
	return slices.ContainsFunc(n, func(p netip.Prefix) bool { return p.Contains(ip) || p.Contains(ip.Unmap()) })
}

// metadataAddrs are cloud metadata and host-agent services that private or
// public ranges would otherwise let through (169.254.169.254 is refused
// as link-local anyway).
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS IMDS over IPv6
	netip.MustParseAddr("fd20:ce::254"),    // Google Cloud metadata over IPv6
	netip.MustParseAddr("192.0.0.192"),     // Oracle Cloud (legacy)
	netip.MustParseAddr("168.63.129.16"),   // Azure WireServer
}

// metadataNames are host names of cloud metadata services.
var metadataNames = []string{
	"metadata", "metadata.google.internal", "metadata.goog", // Google Cloud
	"instance-data", "instance-data.ec2.internal", // AWS
	"metadata.tencentyun.com", // Tencent Cloud
}

// refusedKind names the kind of address ip is when webhooks may not reach
// it ("loopback", ...), or returns "".
func refusedKind(ip netip.Addr) string {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if k := refusedKind(ip.Unmap()); k != "" {
			return k + " (IPv4-mapped)"
		}
		return ""
	}
	if v4, ok := nat64IPv4(ip); ok {
		if k := refusedKind(v4); k != "" {
			return k + " (through NAT64)"
		}
	}
	switch {
	case slices.Contains(metadataAddrs, ip):
		return "cloud metadata"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsUnspecified(), ip.Is4() && ip.As4()[0] == 0:
		return "unspecified" // 0.0.0.0/8 reaches this host on Linux
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "multicast"
	}
	return ""
}

var (
	nat64WellKnown = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local     = netip.MustParsePrefix("64:ff9b:1::/48")
)

// nat64IPv4 returns the IPv4 address embedded in a NAT64 address (RFC
// 6052 well-known prefix, RFC 8215 local-use prefix).
func nat64IPv4(ip netip.Addr) (netip.Addr, bool) {
	b := ip.As16()
	switch {
	case nat64WellKnown.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case nat64Local.Contains(ip): // /48: bits 64-71 are the reserved "u" octet
		return netip.AddrFrom4([4]byte{b[6], b[7], b[9], b[10]}), true
	}
	return netip.Addr{}, false
}

// CheckWebhookAddr returns nil when a webhook may connect to ip: it is not
// loopback, link-local, unspecified, multicast or a cloud metadata
// address (in any IPv4-mapped or NAT64 form), or allow admits it.
// Otherwise it returns an error wrapping ErrTargetRefused that names the
// address and its kind.
func CheckWebhookAddr(ip netip.Addr, allow Networks) error {
	kind := refusedKind(ip)
	if kind == "" || allow.Contains(ip) {
		return nil
	}
	return fmt.Errorf("%w: %s is a %s address; add it to alerts.allow_networks to allow it", ErrTargetRefused, ip, kind)
}

// CheckWebhookHost checks the host of a webhook URL before anything is
// resolved: an IP address in any form a resolver accepts (dotted, IPv6,
// and the decimal, octal, hexadecimal and short IPv4 forms such as
// 2130706433 or 0x7f.1) goes through CheckWebhookAddr; the non-standard
// IPv4 forms are refused in any case, since resolvers disagree on them;
// names of cloud metadata services and of localhost are refused. Names
// are checked again, on the addresses they resolve to, at each delivery.
// Errors wrap ErrTargetRefused.
func CheckWebhookHost(host string, allow Networks) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return CheckWebhookAddr(ip, allow)
	}
	if endsInNumber(h) {
		ip, ok := parseIPv4Forms(h)
		if !ok {
			return fmt.Errorf("%w: host %q is neither a name nor an IP address", ErrTargetRefused, clip(host))
		}
		if kind := refusedKind(ip); kind != "" {
			return fmt.Errorf("%w: host %q is the %s address %s written another way", ErrTargetRefused, clip(host), kind, ip)
		}
		return fmt.Errorf("%w: host %q is %s written another way; write IPv4 addresses as four decimal numbers", ErrTargetRefused, clip(host), ip)
	}
	if slices.Contains(metadataNames, h) {
		return fmt.Errorf("%w: %s is a cloud metadata service", ErrTargetRefused, h)
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if allow.Contains(netip.AddrFrom4([4]byte{127, 0, 0, 1})) {
			return nil
		}
		return fmt.Errorf("%w: %s is a loopback name; add 127.0.0.0/8 to alerts.allow_networks to allow it", ErrTargetRefused, clip(h))
	}
	return nil
}

// endsInNumber reports whether the last label of host is a number
// (decimal, or 0x hexadecimal), which makes resolvers and browsers read
// the whole host as an IPv4 address (WHATWG URL "ends in a number").
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(rest, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// parseIPv4Forms reads the IPv4 forms of inet_aton: one to four parts,
// each decimal, octal (leading 0) or hexadecimal (0x), the last filling
// the remaining bytes.
func parseIPv4Forms(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseIPv4Part(p)
		bits := 8
		if i == len(parts)-1 {
			bits = 8 * (5 - len(parts))
		}
		if !ok || n >= 1<<bits {
			return netip.Addr{}, false
		}
		v = v<<bits | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseIPv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case strings.HasPrefix(p, "0x"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}
