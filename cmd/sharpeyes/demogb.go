package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
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
// moment ago.
func freeSIPAddr() (string, error) {
	for range 20 {
		u, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return "", err
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
