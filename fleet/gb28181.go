package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// GBBehavior is how a simulated GB/T 28181 device behaves towards its
// platform.
type GBBehavior string

// The behaviours of a simulated GB/T 28181 device.
const (
	// GBOK registers, keeps alive and answers Catalog queries.
	GBOK GBBehavior = "ok"
	// GBWrongPassword registers with a wrong password (the platform says
	// 403) and tries again every Config.RetryInterval.
	GBWrongPassword GBBehavior = "wrong_password"
	// GBNoKeepalive keeps its registration refreshed but sends no
	// keepalives: registered, and offline once the keepalive timeout passes.
	GBNoKeepalive GBBehavior = "no_keepalive"
	// GBUnregister unregisters (REGISTER with Expires: 0) and stays so.
	GBUnregister GBBehavior = "unregister"
	// GBChannelOff behaves as GBOK but its catalog says its first channel
	// is OFF.
	GBChannelOff GBBehavior = "channel_off"
)

// GBBehaviors lists every device behaviour.
var GBBehaviors = []GBBehavior{GBOK, GBWrongPassword, GBNoKeepalive, GBUnregister, GBChannelOff}

func (b GBBehavior) code() int32 {
	for i, v := range GBBehaviors {
		if v == b {
			return int32(i)
		}
	}
	return -1
}

// Defaults of GBConfig.
const (
	DefaultGBDomain           = "4302000000"
	DefaultGBKeepalive        = 60 * time.Second
	DefaultGBExpires          = time.Hour
	DefaultGBPageSize         = 20
	DefaultGBDevicesPerSocket = 500
	// gbT1 is the first retransmission interval of a request (RFC 3261
	// T1); retransmissions double up to gbTxTimeout.
	gbT1        = 500 * time.Millisecond
	gbTxTimeout = 8 * time.Second
	// maxGBSerial bounds the six-digit serial of device and channel ids.
	maxGBSerial = 999_999
)

// GBConfig describes a set of simulated GB/T 28181 devices (SIP over UDP on
// loopback). Devices share UDP sockets, DevicesPerSocket each: a platform
// sees many devices behind one address and tells them apart by their ids,
// so 10,000 devices cost 20 file descriptors.
type GBConfig struct {
	// Platform is the host:port of the platform's SIP server (UDP).
	Platform string
	// Domain is the platform's 10-digit SIP domain, the Digest realm the
	// devices expect (default DefaultGBDomain); PlatformID its 20-digit id
	// (default Domain + "2000000001").
	Domain, PlatformID string
	// Password is every device's Digest password.
	Password string
	// Devices is the number of devices (1..999,999); Channels the number of
	// channels (cameras) of each, listed in its catalog.
	Devices, Channels int
	// Behaviors gives device i behaviour Behaviors[i]; the rest are GBOK.
	Behaviors []GBBehavior
	// Keepalive is the interval of Keepalive MESSAGEs (default 60 s).
	Keepalive time.Duration
	// Expires is the registration's lifetime asked for (default 1 h); a
	// device registers again after three quarters of it.
	Expires time.Duration
	// RetryInterval is the wait after a registration that failed or was
	// refused (default Keepalive).
	RetryInterval time.Duration
	// Spread staggers the devices' first registrations evenly over this
	// long (default 0: all at once) and their keepalives over Keepalive.
	Spread time.Duration
	// PageSize is the number of channels per Catalog response MESSAGE
	// (default 20).
	PageSize int
	// DevicesPerSocket is how many devices share one UDP socket (default 500).
	DevicesPerSocket int
	// LocalIP is the address the sockets bind (default 127.0.0.1).
	LocalIP string
	Logger  *slog.Logger // nil discards
}

func (c GBConfig) withDefaults() GBConfig {
	if c.Domain == "" {
		c.Domain = DefaultGBDomain
	}
	if c.PlatformID == "" {
		c.PlatformID = c.Domain + "2000000001"
	}
	if c.Keepalive == 0 {
		c.Keepalive = DefaultGBKeepalive
	}
	if c.Expires == 0 {
		c.Expires = DefaultGBExpires
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = c.Keepalive
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultGBPageSize
	}
	if c.DevicesPerSocket == 0 {
		c.DevicesPerSocket = DefaultGBDevicesPerSocket
	}
	if c.LocalIP == "" {
		c.LocalIP = "127.0.0.1"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate returns an error naming the first bad field, or nil.
func (c GBConfig) validate() error {
	switch {
	case c.Devices < 1 || c.Devices > maxGBSerial:
		return fmt.Errorf("devices: %d is out of range 1-%d", c.Devices, maxGBSerial)
	case c.Channels < 0 || c.Devices*c.Channels > maxGBSerial:
		return fmt.Errorf("channels: %d per device makes more than %d channels", c.Channels, maxGBSerial)
	case !digits(c.Domain, 10):
		return fmt.Errorf("domain: %q is not 10 digits", c.Domain)
	case !digits(c.PlatformID, 20):
		return fmt.Errorf("platform_id: %q is not 20 digits", c.PlatformID)
	case c.Password == "":
		return errors.New("password: is required")
	case c.Keepalive < 0 || c.Expires < time.Second || c.RetryInterval < 0 || c.Spread < 0:
		return errors.New("keepalive, expires, retry_interval, spread: must not be negative (expires at least 1s)")
	case c.PageSize < 1 || c.DevicesPerSocket < 1:
		return errors.New("page_size, devices_per_socket: must be at least 1")
	case len(c.Behaviors) > c.Devices:
		return fmt.Errorf("behaviors: %d for %d devices", len(c.Behaviors), c.Devices)
	}
	for i, b := range c.Behaviors {
		if b != "" && b.code() < 0 {
			return fmt.Errorf("behaviors[%d]: unknown behaviour %q", i, b)
		}
	}
	if _, err := net.ResolveUDPAddr("udp", c.Platform); err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	return nil
}

func digits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}

// GBStats counts what the devices did since start.
type GBStats struct {
	// Registered counts 200s to a REGISTER with a non-zero Expires;
	// Refused 403s to a REGISTER; Unregistered 200s to Expires: 0.
	Registered, Refused, Unregistered int64
	// Keepalives counts keepalives answered 200.
	Keepalives int64
	// CatalogQueries counts Catalog queries answered; CatalogPages the
	// Catalog response MESSAGEs the platform answered 200.
	CatalogQueries, CatalogPages int64
	// Retransmissions counts requests sent again for want of an answer;
	// Timeouts requests that never got one.
	Retransmissions, Timeouts int64
}

type gbCounters struct {
	registered, refused, unregistered, keepalives atomic.Int64
	queries, pages, retrans, timeouts             atomic.Int64
}

// GBFleet is a running set of simulated GB/T 28181 devices. Its methods are
// safe for concurrent use.
type GBFleet struct {
	cfg      GBConfig
	log      *slog.Logger
	platform *net.UDPAddr
	devs     []*gbDevice
	byID     map[string]*gbDevice
	socks    []*gbSocket
	n        gbCounters
	ctx      context.Context // ends with Close
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	once     sync.Once
}

// StartGB validates cfg, opens the devices' sockets and starts every
// device, which registers and keeps alive until Close or until ctx ends.
// It returns an error naming the bad field of an invalid config, or the
// failing socket.
func StartGB(ctx context.Context, cfg GBConfig) (*GBFleet, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("gb28181 fleet config: %w", err)
	}
	platform, _ := net.ResolveUDPAddr("udp", cfg.Platform)
	ctx, cancel := context.WithCancel(ctx)
	f := &GBFleet{cfg: cfg, log: cfg.Logger, platform: platform, ctx: ctx, cancel: cancel,
		byID: make(map[string]*gbDevice, cfg.Devices)}
	for i := 0; i < cfg.Devices; i += cfg.DevicesPerSocket {
		s, err := listenGB(f, cfg.LocalIP)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.socks = append(f.socks, s)
	}
	for i := range cfg.Devices {
		d := newGBDevice(f, i, f.socks[i/cfg.DevicesPerSocket])
		f.devs = append(f.devs, d)
		f.byID[d.id] = d
	}
	for _, s := range f.socks {
		f.wg.Go(s.read)
	}
	for i, d := range f.devs {
		delay := time.Duration(0)
		if cfg.Spread > 0 {
			delay = cfg.Spread * time.Duration(i) / time.Duration(cfg.Devices)
		}
		f.wg.Go(func() { d.run(ctx, delay) })
	}
	f.log.Info("gb28181 devices started", "devices", cfg.Devices, "channels_each", cfg.Channels,
		"platform", cfg.Platform, "sockets", len(f.socks), "keepalive", cfg.Keepalive)
	return f, nil
}

// Close stops every device (without unregistering them) and closes the
// sockets. It is safe to call more than once.
func (f *GBFleet) Close() error {
	f.once.Do(func() {
		f.cancel()
		for _, s := range f.socks {
			s.conn.Close()
		}
		f.wg.Wait()
	})
	return nil
}

// IDs returns the devices' 20-digit ids, in order.
func (f *GBFleet) IDs() []string {
	out := make([]string, len(f.devs))
	for i, d := range f.devs {
		out[i] = d.id
	}
	return out
}

// Channels returns a device's catalog as it answers it now (nil for an
// unknown id).
func (f *GBFleet) Channels(id string) []GBChannel {
	d, ok := f.byID[id]
	if !ok {
		return nil
	}
	return d.catalog()
}

// Addr returns the host:port of a device's UDP socket ("" for an unknown
// id); devices share sockets.
func (f *GBFleet) Addr(id string) string {
	d, ok := f.byID[id]
	if !ok {
		return ""
	}
	return d.sock.addr
}

// Set changes a device's behaviour; the device acts on it at once. An
// unknown id or behaviour is an error.
func (f *GBFleet) Set(id string, b GBBehavior) error {
	d, ok := f.byID[id]
	if !ok {
		return fmt.Errorf("set %q: unknown gb28181 device", id)
	}
	code := b.code()
	if code < 0 {
		return fmt.Errorf("set %q: unknown behaviour %q", id, b)
	}
	d.beh.Store(code)
	select {
	case d.wake <- struct{}{}:
	default:
	}
	return nil
}

// Behavior returns a device's behaviour, or "" for an unknown id.
func (f *GBFleet) Behavior(id string) GBBehavior {
	d, ok := f.byID[id]
	if !ok {
		return ""
	}
	return d.behavior()
}

// Stats returns the counters of everything the devices did since start.
func (f *GBFleet) Stats() GBStats {
	n := &f.n
	return GBStats{Registered: n.registered.Load(), Refused: n.refused.Load(), Unregistered: n.unregistered.Load(),
		Keepalives: n.keepalives.Load(), CatalogQueries: n.queries.Load(), CatalogPages: n.pages.Load(),
		Retransmissions: n.retrans.Load(), Timeouts: n.timeouts.Load()}
}
