package sharpeyes

import "time"

// State is a camera's health as the collector last concluded it.
type State string

// States of SPEC.
const (
	StateUp       State = "up"
	StateDegraded State = "degraded"
	StateDown     State = "down"
	StateUnknown  State = "unknown"
)

// States lists every state in a stable order.
var States = []State{StateUp, StateDegraded, StateDown, StateUnknown}

// Reasons a probe gives for a failure or a degraded answer. More may appear;
// these are the ones callers branch on.
const (
	ReasonTimeout     = "timeout"
	ReasonRefused     = "refused"
	ReasonUnreachable = "unreachable"
	ReasonDNS         = "dns"
	ReasonRTSP401     = "rtsp_401"
	ReasonRTSP404     = "rtsp_404"
	ReasonRTSP5xx     = "rtsp_5xx"
	ReasonBadResponse = "bad_response"
	ReasonClockDrift  = "clock_drift"
	ReasonNoVideo     = "no_video"
	ReasonHTTPStatus  = "http_status"
	// ReasonAuthDowngrade: the camera asked for Basic authentication
	// (credentials in clear) although its last successful login used
	// Digest; no credentials were sent (SPEC "Camera record").
	ReasonAuthDowngrade = "auth_downgrade"
	// Passive GB/T 28181 reasons (package gb28181, SPEC "GB/T 28181
	// devices"): the channel's device unregistered (or its registration
	// expired), sent no keepalive within gb28181.keepalive_timeout, or the
	// catalog says the channel is OFF.
	ReasonUnregistered     = "unregistered"
	ReasonKeepaliveTimeout = "keepalive_timeout"
	ReasonChannelOff       = "channel_off"
	// ReasonSignallingLost: a camera with an active probe and a GB/T
	// 28181 channel answers its probe while its device's signalling is
	// lost; it is degraded, not down.
	ReasonSignallingLost = "signalling_lost"
)

// Authentication schemes of Status.Auth and probe results.
const (
	AuthDigest = "digest"
	AuthBasic  = "basic"
)

// Status is the live status of one camera, as cached in Redis.
type Status struct {
	State               State     `json:"state"`
	Reason              string    `json:"reason,omitempty"`
	Since               time.Time `json:"since"`
	LastProbe           time.Time `json:"last_probe"`
	LatencyMS           float64   `json:"latency_ms"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	// ConsecutiveSuccesses counts good probes while a camera is still down,
	// for recovery_threshold.
	ConsecutiveSuccesses int      `json:"consecutive_successes,omitempty"`
	ClockOffsetS         *float64 `json:"clock_offset_s,omitempty"`
	// Auth is the scheme of the camera's last successful login (AuthDigest
	// or AuthBasic; "" when it never logged in), and AuthAddr the
	// "host:port" it logged in at. A camera whose last login at its
	// current address used Digest is never sent Basic credentials.
	Auth     string `json:"auth,omitempty"`
	AuthAddr string `json:"auth_addr,omitempty"`
	// Seq increases with every write, so that two collectors cannot both
	// apply a transition computed from the same previous status.
	Seq int64 `json:"seq,omitempty"`
}

// Unknown is the status of a camera that has never been probed.
func Unknown() Status { return Status{State: StateUnknown} }

// Event is one change of a camera's state.
type Event struct {
	ID       string    `json:"id,omitempty"`
	CameraID string    `json:"camera_id"`
	From     State     `json:"from"`
	To       State     `json:"to"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

// Outage is the interval from a camera going down to its next up. End is nil
// while the outage is open.
type Outage struct {
	CameraID  string     `json:"camera_id"`
	Start     time.Time  `json:"start"`
	End       *time.Time `json:"end"`
	DurationS float64    `json:"duration_s"`
	Reason    string     `json:"reason,omitempty"`
}
