package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// The GB/T 28181 part of `serve --demo`: a handful of devices, one whose
// keepalives stop and one with a channel OFF.
const (
	demoGBDevices  = 5 // the default of --demo-gb
	demoGBChannels = 4
	demoGBDomain   = "4302000000"
	demoGBPassword = "Demo#2024"
)

// demoGB28181 enables the SIP server for a demo on a free loopback port,
// unless the config enables it already.
func demoGB28181(cfg *config.Config) error {
	g := &cfg.GB28181
	if g.Enabled {
		return nil
	}
	addr, err := freeSIPAddr()
	if err != nil {
		return fmt.Errorf("demo gb28181: %w", err)
	}
	g.Enabled, g.Listen = true, addr
	g.ID, g.Domain, g.Password = demoGBDomain+"2000000001", demoGBDomain, demoGBPassword
	return nil
}

// freeSIPAddr is a loopback address whose port was free for UDP and TCP a
// moment ago. The SIP server binds it only later, after the demo fleet
// has started; a port of the kernel's ephemeral range (what a ":0" listen
// gets) can meanwhile become the local port of any outgoing connection of
// the host, the demo's own probes included, and a parallel CI run failed
// the demo with "address already in use" so. The port is therefore drawn
// below that range where it can be read, and from ":0" otherwise.
func freeSIPAddr() (string, error) {
	low, ok := ephemeralLow()
	for range 50 {
		port := 0
		if ok && low > 10_000 {
			port = 10_000 + rand.IntN(low-10_000)
		}
		u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		l, err := net.Listen("tcp", u.LocalAddr().String())
		u.Close()
		if err == nil {
			l.Close()
			return u.LocalAddr().String(), nil
		}
	}
	return "", fmt.Errorf("no port free for both UDP and TCP on 127.0.0.1")
}

// ephemeralLow returns the lowest port the kernel gives outgoing
// connections (Linux's ip_local_port_range), when it can be read.
func ephemeralLow() (int, bool) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, false
	}
	low, err := strconv.Atoi(f[0])
	return low, err == nil
}

// startDemoGB starts the demo's devices against the SIP server of cfg
// (they retransmit until it is up). The returned func stops them.
func startDemoGB(ctx context.Context, log *slog.Logger, cfg config.Config, devices int) (func(), error) {
	g := cfg.GB28181
	_, port, err := net.SplitHostPort(g.Listen)
	if err != nil {
		return nil, fmt.Errorf("demo gb28181 devices: %w", err)
	}
	pw := g.Password
	if pw == "" {
		return nil, fmt.Errorf("demo gb28181 devices: gb28181.password is empty (per-device passwords only)")
	}
	f, err := fleet.StartGB(ctx, fleet.GBConfig{Platform: net.JoinHostPort("127.0.0.1", port), Domain: g.Domain,
		PlatformID: g.ID, Password: pw, Devices: devices, Channels: demoGBChannels,
		// The server starts after the devices: a device whose first
		// REGISTER went unanswered tries again soon, not a minute later.
		RetryInterval: 5 * time.Second,
		Behaviors:     demoGBBehaviors(devices), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("demo gb28181 devices: %w", err)
	}
	log.Info("demo GB/T 28181 devices registering", "devices", devices, "channels_each", demoGBChannels,
		"platform", net.JoinHostPort("127.0.0.1", port))
	return func() { f.Close() }, nil
}

// demoGBBehaviors makes the fourth device stop its keepalives and the
// fifth turn a channel OFF, when there are that many.
func demoGBBehaviors(devices int) []fleet.GBBehavior {
	b := make([]fleet.GBBehavior, min(devices, 5))
	if devices > 3 {
		b[3] = fleet.GBNoKeepalive
	}
	if devices > 4 {
		b[4] = fleet.GBChannelOff
	}
	return b
}
