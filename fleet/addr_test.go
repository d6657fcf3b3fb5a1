package fleet

import (
	"encoding/binary"
	"net"
	"testing"
)

func TestAddrRangeRoundTrip(t *testing.T) {
	r, err := newAddrRange("127.20.0.2", 100_000)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		i    int
		host string
	}{{0, "127.20.0.2"}, {252, "127.20.0.254"}, {253, "127.20.1.1"}, {99_999, "127.21.137.179"}}
	for _, tt := range tests {
		if got := r.host(tt.i); got != tt.host {
			t.Errorf("host(%d) = %s, want %s", tt.i, got, tt.host)
		}
		if got := r.index(r.ip(tt.i)); got != tt.i {
			t.Errorf("index(ip(%d)) = %d", tt.i, got)
		}
		if got := string(appendIP(nil, r.ip(tt.i))); got != tt.host {
			t.Errorf("appendIP(%d) = %s", tt.i, got)
		}
	}
	for _, host := range []string{"127.20.0.1", "127.20.1.0", "127.20.1.255", "127.21.137.180", "127.0.0.1"} {
		if got := r.index(binary.BigEndian.Uint32(net.ParseIP(host).To4())); got != -1 {
			t.Errorf("index(%s) = %d, want -1", host, got)
		}
	}
}

func TestAddrRangeSequential(t *testing.T) {
	r, err := newAddrRange("127.20.0.2", 2000)
	if err != nil {
		t.Fatal(err)
	}
	prev := r.ip(0)
	for i := 1; i < 2000; i++ {
		ip := r.ip(i)
		if ip <= prev || ip&0xff == 0 || ip&0xff == 255 || r.index(ip) != i {
			t.Fatalf("camera %d: %s after %s", i, r.host(i), r.host(i-1))
		}
		prev = ip
	}
}
