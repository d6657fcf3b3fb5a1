package fleet

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Every camera owns one loopback address. Addresses count up from the base,
// skipping the host octets .0 and .255, so that each /24 holds 254 cameras:
// 127.20.0.254 is followed by 127.20.1.1. A slot is the position of an
// address in that sequence, which makes both directions plain arithmetic:
// the listeners map a connection's local address to its camera in O(1).

// slotOf returns the slot of an IPv4 address as a uint32, or false for a
// .0 or .255 host octet.
func slotOf(ip uint32) (uint32, bool) {
	h := ip & 0xff
	if h == 0 || h == 255 {
		return 0, false
	}
	return (ip>>8)*254 + h - 1, true
}

// ipOfSlot is the inverse of slotOf.
func ipOfSlot(s uint32) uint32 { return (s/254)<<8 | (s%254 + 1) }

// addrRange is the block of addresses of one fleet.
type addrRange struct {
	first uint32 // slot of the first camera
	n     int
}

// newAddrRange checks that n cameras from base fit in 127.0.0.0/8.
func newAddrRange(base string, n int) (addrRange, error) {
	a, err := netip.ParseAddr(base)
	if err != nil || !a.Is4() || a.As4()[0] != 127 {
		return addrRange{}, fmt.Errorf("base_ip: %q is not an IPv4 address in 127.0.0.0/8", base)
	}
	b := a.As4()
	first, ok := slotOf(binary.BigEndian.Uint32(b[:]))
	if !ok {
		return addrRange{}, fmt.Errorf("base_ip: %q has host octet .0 or .255", base)
	}
	r := addrRange{first: first, n: n}
	if last := r.ip(n - 1); last>>24 != 127 {
		return addrRange{}, fmt.Errorf("cameras: %d cameras from %s leave 127.0.0.0/8", n, base)
	}
	return r, nil
}

// ip returns the address of camera i as a uint32.
func (r addrRange) ip(i int) uint32 { return ipOfSlot(r.first + uint32(i)) }

// host returns the address of camera i in dotted form.
func (r addrRange) host(i int) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], r.ip(i))
	return netip.AddrFrom4(b).String()
}

// index returns the camera of an address, or -1 when it is not the fleet's.
func (r addrRange) index(ip uint32) int {
	s, ok := slotOf(ip)
	if !ok || s < r.first || s-r.first >= uint32(r.n) {
		return -1
	}
	return int(s - r.first)
}

// connIndex returns the camera a connection was made to, from its local
// address, or -1 when the address is not one of the fleet's (the listeners
// are on 0.0.0.0, so 127.0.0.1, or with ListenAll another interface, can
// reach them too).
func (r addrRange) connIndex(c net.Conn) int {
	a, ok := c.LocalAddr().(*net.TCPAddr)
	if !ok {
		return -1
	}
	ip4 := a.IP.To4()
	if ip4 == nil {
		return -1
	}
	return r.index(binary.BigEndian.Uint32(ip4))
}

// appendIP appends the dotted form of ip without allocating.
func appendIP(dst []byte, ip uint32) []byte {
	for i := 3; i >= 0; i-- {
		dst = strconv.AppendUint(dst, uint64(ip>>(8*i)&0xff), 10)
		if i > 0 {
			dst = append(dst, '.')
		}
	}
	return dst
}
