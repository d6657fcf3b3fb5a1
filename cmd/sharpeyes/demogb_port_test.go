package main

import (
	"net"
	"strconv"
	"testing"
)

// The demo's SIP port is drawn below the kernel's ephemeral port range:
// between the check that it is free and the SIP server's bind, a port of
// that range can be taken by any outgoing connection of the host (a
// parallel CI run failed the demo with "address already in use" so).
func TestDemoSIPPortIsOutsideTheEphemeralRange(t *testing.T) {
	low, ok := ephemeralLow()
	if !ok {
		t.Skip("no /proc/sys/net/ipv4/ip_local_port_range here")
	}
	for range 20 {
		addr, err := freeSIPAddr()
		if err != nil {
			t.Fatal(err)
		}
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		port, _ := strconv.Atoi(p)
		if port < 1024 || port >= low {
			t.Fatalf("demo SIP address %s: port not within 1024..%d", addr, low-1)
		}
	}
}
