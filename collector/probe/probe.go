// Package probe checks one camera over one protocol (tcp, rtsp, onvif, http,
// icmp) and says what it found and why. A probe is a Func; Probers maps each
// sharpeyes.ProbeKind to its Func, so a new protocol is one file and one line.
//
// Every probe takes its deadline from ctx (the collector sets the per-probe
// timeout; DefaultTimeout applies when ctx has none), puts it on the
// connection, and bounds every read, so that a hostile or broken device ends
// as timeout or bad_response and never hangs a worker past the deadline.
//
// States follow SPEC: down when nothing usable answered (timeout, refused,
// unreachable, dns, or the probe could not run at all), degraded when the
// device answered but the stream or the device is unhealthy (auth refused,
// stream path missing, server error, no video, clock far off, and also
// garbage: a device that sends bytes we cannot parse is alive but broken).
package probe

import (
	"context"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// DefaultTimeout bounds a probe whose ctx carries no deadline.
const DefaultTimeout = 10 * time.Second

// ReasonProbeError is the reason of a probe that could not run at all
// (invalid target, no ICMP socket, no free local port or file descriptor,
// failure to set a deadline). Its state is unknown, a result without a
// verdict: nothing was learnt about the camera, so its state must not
// change (SPEC "Status").
const ReasonProbeError = "probe_error"

// Target is what a probe needs to know about one camera.
type Target struct {
	Kind sharpeyes.ProbeKind
	// Host is an IPv4 or IPv6 literal (no brackets) or a DNS name.
	Host string
	Port int
	// Path is the RTSP stream path, the HTTP path (with query) or the ONVIF
	// device service path (default /onvif/device_service).
	Path string
	// Username and Password are sent only to RTSP servers that ask for them;
	// they are never logged and never put in a Result or an error.
	Username, Password string
	// RequireDigest refuses Basic authentication: the camera's last
	// successful login used Digest, so a Basic-only challenge (an impostor
	// on its address, or someone in the path) gets no credentials and the
	// probe ends degraded auth_downgrade.
	RequireDigest bool
	// MaxClockDrift is the ONVIF clock offset beyond which the camera is
	// degraded with clock_drift: 0 means DefaultMaxClockDrift, a negative
	// value turns the check off.
	MaxClockDrift time.Duration
	// ExpectStatus is the HTTP status that counts as up; 0 accepts any
	// 2xx or 3xx.
	ExpectStatus int
	// TLS makes the http probe use https (ParseURL sets it for https://).
	// Certificates are not verified: the probe asks whether the camera's
	// web server answers, not who it is, and sends it no secret.
	TLS bool
}

// Result says what a probe found and why.
type Result struct {
	State sharpeyes.State // up, degraded, down, or unknown for probe_error
	// Reason is "" when up, else one of the sharpeyes.Reason* constants or
	// ReasonProbeError.
	Reason  string
	Latency time.Duration
	// Detail is a short human text without secrets.
	Detail string
	// Auth is the scheme of a successful login (sharpeyes.AuthDigest or
	// sharpeyes.AuthBasic): credentials were sent and the device did not
	// refuse them. It is "" when none were sent or they were refused.
	Auth string
	// ClockOffset is device time minus our time (onvif only).
	ClockOffset *time.Duration
	// Codecs are the tracks of the stream (rtsp only, when it was
	// described), each named by its codec.
	Codecs []Track
	// Steps are the stages of the probe, for `sharpeyes probe` output.
	Steps []Step
}

// Step is one stage of a probe: connect, one request, one check.
type Step struct {
	Name     string
	Duration time.Duration
	OK       bool
	Detail   string
}

// Func probes one target. It always returns a Result, never an error: the
// failure is the Result's State, Reason and Detail.
type Func func(ctx context.Context, t Target) Result

// Probers maps each probe kind to its Func.
var Probers = map[sharpeyes.ProbeKind]Func{
	sharpeyes.ProbeTCP:   TCP,
	sharpeyes.ProbeRTSP:  RTSP,
	sharpeyes.ProbeONVIF: ONVIF,
	sharpeyes.ProbeHTTP:  HTTP,
	sharpeyes.ProbeICMP:  ICMP,
}

// Run probes t with the Func of its Kind. An unknown kind gives a down
// Result with reason bad_response and a detail naming the kind.
func Run(ctx context.Context, t Target) Result {
	f, ok := Probers[t.Kind]
	if !ok {
		return Result{
			State:  sharpeyes.StateDown,
			Reason: sharpeyes.ReasonBadResponse,
			Detail: "unknown probe kind " + quoteShort(string(t.Kind)),
		}
	}
	return f(ctx, t)
}

// withDeadline returns ctx unchanged when it has a deadline, else ctx
// bounded by DefaultTimeout.
func withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

// stateFor maps a reason to the state SPEC gives it: network failures are
// down, a probe that could not run has no verdict (unknown), everything
// else the device said is degraded.
func stateFor(reason string) sharpeyes.State {
	switch reason {
	case "":
		return sharpeyes.StateUp
	case ReasonProbeError:
		return sharpeyes.StateUnknown
	case sharpeyes.ReasonTimeout, sharpeyes.ReasonRefused, sharpeyes.ReasonUnreachable, sharpeyes.ReasonDNS:
		return sharpeyes.StateDown
	}
	return sharpeyes.StateDegraded
}
