package gb28181_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
)

// tcpStream is a loopback TCP listener that accepts and closes: what a
// tcp probe needs to call a camera up.
func tcpStream(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln
}

// sweep runs one collector sweep on the platform's store and clock.
func (p *platform) sweep() {
	p.t.Helper()
	c, err := collector.New(collector.Options{Store: p.store, Now: p.clock.Now, Shards: 1,
		ProbeTimeout: 2 * time.Second, OnceJoinGrace: -1, Thresholds: collector.Thresholds{Failure: 1}})
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := c.RunOnce(context.Background()); err != nil {
		p.t.Fatal(err)
	}
}

func (p *platform) awaitSignalling(id string, lost bool) {
	p.t.Helper()
	p.await("signalling of "+id+" lost="+map[bool]string{true: "yes", false: "no"}[lost], func() bool {
		m, err := p.store.GBSignallingLost(context.Background())
		if err != nil {
			p.t.Fatal(err)
		}
		_, ok := m[id]
		return ok == lost
	})
}

func (p *platform) wantStatus(id string, state sharpeyes.State, reason string) {
	p.t.Helper()
	c, ok := p.camera(id)
	if !ok || c.Status.State != state || c.Status.Reason != reason {
		p.t.Errorf("camera %s: %+v, want %s %q", id, c.Status, state, reason)
	}
}

// A camera in the inventory with a tcp probe that is also channel 1 of a
// device: the catalog links it (gb_device) and keeps its probe; while the
// device is silent and the stream answers it is degraded signalling_lost;
// a stream that stops is down whatever the signalling; signalling back
// and the stream answering is up.
func TestChannelWithActiveProbeIsDegradedWhenSignallingIsLost(t *testing.T) {
	p := newPlatform(t)
	ln := tcpStream(t)
	port := ln.Addr().(*net.TCPAddr).Port
	if _, err := p.store.Put(context.Background(), sharpeyes.Camera{ID: ch1, Name: "东门", Host: "127.0.0.1",
		Port: port, Probe: sharpeyes.ProbeTCP, Lifecycle: sharpeyes.Active, Maintainer: "运维一队"}); err != nil {
		t.Fatal(err)
	}
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "ON")
	c, _ := p.camera(ch1)
	if c.Probe != sharpeyes.ProbeTCP || c.Port != port || c.GBDevice != nvrID || c.Name != "东门" || c.Maintainer != "运维一队" {
		t.Fatalf("catalog changed the inventory's camera beyond gb_device: %+v", c.Camera)
	}
	p.sipp(d, "keepalive.xml")
	p.awaitEvaluations(2)
	p.sweep()
	p.wantStatus(ch1, sharpeyes.StateUp, "")

	p.clock.Advance(timeout + time.Millisecond)
	p.awaitSignalling(ch1, true)
	p.awaitStatus(ch2, sharpeyes.StateDown, sharpeyes.ReasonKeepaliveTimeout) // a passive channel
	p.sweep()
	p.wantStatus(ch1, sharpeyes.StateDegraded, sharpeyes.ReasonSignallingLost)

	ln.Close()
	p.sweep()
	p.wantStatus(ch1, sharpeyes.StateDown, sharpeyes.ReasonRefused)

	ln2, err := net.Listen("tcp", ln.Addr().String())
	if err != nil {
		t.Skipf("port %d taken again: %v", port, err)
	}
	go func() {
		for {
			c, err := ln2.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln2.Close() })
	p.sipp(d, "keepalive.xml")
	p.awaitSignalling(ch1, false)
	p.sweep()
	p.wantStatus(ch1, sharpeyes.StateUp, "")
}
