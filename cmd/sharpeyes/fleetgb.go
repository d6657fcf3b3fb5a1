package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/fleet"
)

// gbFleetFlags are the flags of `sharpeyes fleet` for simulated GB/T 28181
// devices.
type gbFleetFlags struct {
	devices, channels  int
	platform, password string
	domain, mix        string
	keepalive          time.Duration
}

func (g *gbFleetFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&g.devices, "gb-devices", 0, "also run this many simulated GB/T 28181 devices (SIP over UDP on loopback)")
	fs.IntVar(&g.channels, "gb-channels", 4, "channels (cameras) in each GB/T 28181 device's catalog")
	fs.StringVar(&g.platform, "gb-platform", "", "host:port (UDP) of the GB/T 28181 platform the devices register with")
	fs.StringVar(&g.password, "gb-password", "", "the devices' SIP Digest password (default $SHARPEYES_FLEET_GB_PASSWORD)")
	fs.StringVar(&g.domain, "gb-domain", fleet.DefaultGBDomain, "the platform's 10-digit SIP domain; its id is the domain + 2000000001")
	fs.StringVar(&g.mix, "gb-mix", "", "device behaviours as name=count,… (wrong_password, no_keepalive, unregister, channel_off); the rest are ok")
	fs.DurationVar(&g.keepalive, "gb-keepalive", fleet.DefaultGBKeepalive, "interval of the devices' Keepalive MESSAGEs")
}

// config turns the flags into the devices' config; flags that do not fit
// are a usage error naming the flag.
func (g *gbFleetFlags) config(e env, log *slog.Logger) (fleet.GBConfig, error) {
	if g.password == "" {
		g.password = lookupEnv(e.environ, "SHARPEYES_FLEET_GB_PASSWORD")
	}
	switch {
	case g.platform == "":
		return fleet.GBConfig{}, usageErrorf("--gb-platform: required with --gb-devices")
	case g.password == "":
		return fleet.GBConfig{}, usageErrorf("--gb-password: required with --gb-devices")
	}
	cfg := fleet.GBConfig{Platform: g.platform, Domain: g.domain, Password: g.password, Devices: g.devices,
		Channels: g.channels, Keepalive: g.keepalive, Logger: log}
	for _, kv := range strings.Split(g.mix, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		name, count, ok := strings.Cut(kv, "=")
		n, err := strconv.Atoi(count)
		b := fleet.GBBehavior(name)
		if !ok || err != nil || n < 0 || !validGBBehavior(b) {
			return cfg, usageErrorf("--gb-mix: %q is not behaviour=count", kv)
		}
		for range n {
			cfg.Behaviors = append(cfg.Behaviors, b)
		}
	}
	return cfg, nil
}

func validGBBehavior(b fleet.GBBehavior) bool {
	for _, v := range fleet.GBBehaviors {
		if v == b {
			return true
		}
	}
	return false
}

// start runs the devices when --gb-devices asks for some; the returned
// func stops them.
func (g *gbFleetFlags) start(ctx context.Context, e env, log *slog.Logger) (func(), error) {
	if g.devices == 0 {
		return func() {}, nil
	}
	cfg, err := g.config(e, log)
	if err != nil {
		return nil, err
	}
	f, err := fleet.StartGB(ctx, cfg)
	if err != nil {
		return nil, usageError{err}
	}
	fmt.Fprintf(e.stdout, "%d GB/T 28181 devices of %d channels registering with %s (domain %s), keepalive every %s\n",
		g.devices, g.channels, g.platform, g.domain, g.keepalive)
	return func() { f.Close() }, nil
}
