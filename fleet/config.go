package fleet

import (
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// Behavior is how a simulated camera answers its probes.
type Behavior string

// The behaviours a camera can have. Refused and Blackhole are port-level:
// they are fixed when the fleet starts (see Fleet.Set).
const (
	OK        Behavior = "ok"        // answers correctly
	Refused   Behavior = "refused"   // registered on a port nobody listens on: ECONNREFUSED
	Silent    Behavior = "silent"    // accepts, never answers
	RTSP401   Behavior = "rtsp_401"  // always 401, even with the right credentials
	RTSP404   Behavior = "rtsp_404"  // the stream path is missing
	RTSP503   Behavior = "rtsp_503"  // 503 to every request
	Slow      Behavior = "slow"      // answers correctly after Config.SlowDelay
	Garbage   Behavior = "garbage"   // reads the request, writes junk bytes, closes
	Drift     Behavior = "drift"     // ONVIF clock off by Config.Drift
	Reset     Behavior = "reset"     // accepts, then resets the connection (RST)
	NoVideo   Behavior = "novideo"   // SDP with an audio track only
	Blackhole Behavior = "blackhole" // registered on a port that drops SYNs: connect times out
)

// Behaviors lists every behaviour in a stable order; a behaviour's position
// is its code in the fleet's atomic table.
var Behaviors = []Behavior{OK, Refused, Silent, RTSP401, RTSP404, RTSP503, Slow, Garbage, Drift, Reset, NoVideo, Blackhole}

// portLevel reports whether b is realised by the port a camera is registered
// with rather than by how the shared listeners answer.
func (b Behavior) portLevel() bool { return b == Refused || b == Blackhole }

// code returns b's index in Behaviors, or -1 for an unknown behaviour.
func (b Behavior) code() int32 {
	for i, v := range Behaviors {
		if v == b {
			return int32(i)
		}
	}
	return -1
}

// Defaults of Config.
const (
	DefaultBaseIP       = "127.20.0.2"
	DefaultSlowDelay    = 1500 * time.Millisecond
	DefaultDrift        = time.Hour
	DefaultProbeTimeout = 5 * time.Second
	DefaultConnTimeout  = 10 * time.Second
	DefaultSilentHold   = 30 * time.Second
	// MaxCameras is bounded by the six-digit serial of the generated ids.
	MaxCameras = 999_999
)

// Config describes a simulated fleet. The zero value of every field but
// Cameras is usable.
type Config struct {
	Cameras int   // number of cameras, 1..MaxCameras
	Seed    int64 // makes kinds, behaviours and inventory deterministic
	// BaseIP is the first camera's loopback address (default 127.20.0.2);
	// cameras count up from it, skipping host octets .0 and .255.
	BaseIP string
	// Ports of the shared listeners; 0 lets the OS pick.
	RTSPPort, ONVIFPort, TCPPort, HTTPPort int
	// ListenAll takes connections from every interface. By default the
	// listeners and reserved ports are tied to the loopback device (Linux
	// SO_BINDTODEVICE "lo"): they take connections to 127.0.0.0/8 only, and
	// nothing is served to the network.
	ListenAll bool
	// RefusedPort and BlackholePort are the reserved ports of refused and
	// blackholed cameras; 0 lets the OS pick.
	RefusedPort, BlackholePort int
	// Mix is the fraction of the whole fleet per behaviour (the rest is OK),
	// dealt only to cameras whose probe kind can show it (see eligible).
	Mix map[Behavior]float64
	// Kinds is the fraction per probe kind; the rest is rtsp.
	Kinds map[sharpeyes.ProbeKind]float64
	// Lifecycles is the fraction per lifecycle; the rest is active.
	Lifecycles map[sharpeyes.Lifecycle]float64
	// Username and Password, when Username is set, make RTSP require Digest
	// (MD5, qop=auth) authentication; AllowBasic also accepts Basic.
	// BasicOnly challenges with Basic alone and accepts nothing else, like
	// a device that downgrades its clients (see Fleet.SetBasicOnly).
	Username, Password string
	AllowBasic         bool
	BasicOnly          bool
	SlowDelay          time.Duration // delay of slow cameras (default 1.5 s)
	Drift              time.Duration // clock offset of drift cameras (default 1 h)
	// ProbeTimeout is the collector timeout Expected assumes for slow
	// cameras (default 5 s).
	ProbeTimeout time.Duration
	// ConnTimeout is the idle read deadline of every connection (default 10 s).
	ConnTimeout time.Duration
	// SilentHold is how long a silent camera holds a connection (default 30 s).
	SilentHold time.Duration
	// Region is the district level of the generated regions (e.g. "演示区");
	// empty spreads the fleet over the districts of Zhuzhou.
	Region string
	Logger *slog.Logger // nil discards
}

func (c Config) withDefaults() Config {
	if c.BaseIP == "" {
		c.BaseIP = DefaultBaseIP
	}
	setDur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	setDur(&c.SlowDelay, DefaultSlowDelay)
	setDur(&c.Drift, DefaultDrift)
	setDur(&c.ProbeTimeout, DefaultProbeTimeout)
	setDur(&c.ConnTimeout, DefaultConnTimeout)
	setDur(&c.SilentHold, DefaultSilentHold)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate returns an error naming the first bad field, or nil.
func (c Config) validate() error {
	if c.Cameras < 1 || c.Cameras > MaxCameras {
		return fmt.Errorf("cameras: %d is out of range 1-%d", c.Cameras, MaxCameras)
	}
	if _, err := netip.ParseAddr(c.BaseIP); err != nil {
		return fmt.Errorf("base_ip: %w", err)
	}
	ports := map[string]int{"rtsp_port": c.RTSPPort, "onvif_port": c.ONVIFPort, "tcp_port": c.TCPPort,
		"http_port": c.HTTPPort, "refused_port": c.RefusedPort, "blackhole_port": c.BlackholePort}
	for name, p := range ports {
		if p < 0 || p > 65535 {
			return fmt.Errorf("%s: %d is out of range 0-65535", name, p)
		}
	}
	if err := checkFractions("mix", c.Mix, func(b Behavior) bool { return b.code() >= 0 }); err != nil {
		return err
	}
	if err := checkFractions("kinds", c.Kinds, validKind); err != nil {
		return err
	}
	if err := checkFractions("lifecycles", c.Lifecycles, validLifecycle); err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{"slow_delay": c.SlowDelay, "drift": c.Drift,
		"probe_timeout": c.ProbeTimeout, "conn_timeout": c.ConnTimeout, "silent_hold": c.SilentHold} {
		if d < 0 {
			return fmt.Errorf("%s: %v is negative", name, d)
		}
	}
	if c.BasicOnly && c.Username == "" {
		return fmt.Errorf("username: is required with basic_only")
	}
	if c.Password != "" && c.Username == "" {
		return fmt.Errorf("username: is required when a password is set")
	}
	return nil
}

// checkFractions checks that every key is known and the fractions lie in
// 0..1 and sum to at most 1.
func checkFractions[K ~string](field string, m map[K]float64, known func(K) bool) error {
	sum := 0.0
	for k, v := range m {
		if !known(k) {
			return fmt.Errorf("%s: unknown key %q", field, k)
		}
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("%s: %s=%g is not a fraction 0..1", field, k, v)
		}
		sum += v
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("%s: fractions sum to %g, more than 1", field, sum)
	}
	return nil
}

func validKind(k sharpeyes.ProbeKind) bool {
	for _, v := range sharpeyes.ProbeKinds {
		if v == k {
			return true
		}
	}
	return false
}

func validLifecycle(l sharpeyes.Lifecycle) bool {
	for _, v := range sharpeyes.Lifecycles {
		if v == l {
			return true
		}
	}
	return false
}

// Demo returns the configuration of `sharpeyes serve --demo n`: mostly
// healthy RTSP cameras with some ONVIF, TCP and HTTP ones, a few percent of
// every failure, a few cameras still being built, and credentials set.
func Demo(n int) Config {
	return Config{
		Cameras: n,
		Seed:    1,
		Mix: map[Behavior]float64{
			Refused: 0.03, Silent: 0.02, RTSP401: 0.01, RTSP404: 0.01, RTSP503: 0.01,
			Garbage: 0.01, Drift: 0.01, Reset: 0.005, NoVideo: 0.005,
		},
		Kinds: map[sharpeyes.ProbeKind]float64{
			sharpeyes.ProbeONVIF: 0.10, sharpeyes.ProbeTCP: 0.05, sharpeyes.ProbeHTTP: 0.02,
		},
		Lifecycles: map[sharpeyes.Lifecycle]float64{sharpeyes.Building: 0.03, sharpeyes.Planned: 0.02},
		Username:   "admin",
		Password:   "Demo#2024",
	}
}
