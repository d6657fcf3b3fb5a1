package probe

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// Report is a Result as people read it: what `sharpeyes probe --json`
// prints and what the API's probe-now answers. It holds no secret: probes
// redact the password from every detail.
type Report struct {
	Target       string              `json:"target"`
	Camera       *ReportCamera       `json:"camera,omitempty"`
	Probe        sharpeyes.ProbeKind `json:"probe"`
	State        sharpeyes.State     `json:"state"`
	Reason       string              `json:"reason"`
	Detail       string              `json:"detail,omitempty"`
	Hint         string              `json:"hint,omitempty"`
	LatencyMS    float64             `json:"latency_ms"`
	Auth         string              `json:"auth,omitempty"`
	ClockOffsetS *float64            `json:"clock_offset_s,omitempty"`
	Codecs       []Track             `json:"codecs,omitempty"`
	Steps        []ReportStep        `json:"steps"`
}

// ReportCamera names the camera probed, when it was one of the inventory.
type ReportCamera struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ReportStep is a Step with its duration in milliseconds.
type ReportStep struct {
	Name       string  `json:"name"`
	DurationMS float64 `json:"duration_ms"`
	OK         bool    `json:"ok"`
	Detail     string  `json:"detail,omitempty"`
}

// NewReport describes res, the probe of t (shown as target; cam when it was
// a camera of the inventory), with the hint in lang (zh or en).
func NewReport(target string, cam *sharpeyes.Camera, t Target, res Result, lang string) Report {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	out := Report{Target: target, Probe: t.Kind, State: res.State, Reason: res.Reason, Detail: res.Detail,
		Hint: Hint(res.Reason, lang, t.Port), LatencyMS: ms(res.Latency), Auth: res.Auth, Codecs: res.Codecs,
		Steps: make([]ReportStep, 0, len(res.Steps))}
	if cam != nil {
		out.Camera = &ReportCamera{ID: cam.ID, Name: cam.Name}
	}
	if res.ClockOffset != nil {
		s := res.ClockOffset.Seconds()
		out.ClockOffsetS = &s
	}
	for _, s := range res.Steps {
		out.Steps = append(out.Steps, ReportStep{Name: s.Name, DurationMS: ms(s.Duration), OK: s.OK, Detail: s.Detail})
	}
	return out
}

// CameraTarget is the Target the collector probes for camera cam with its
// credentials, given its last status: Basic is never sent to a camera
// whose last login at this address used Digest.
func CameraTarget(cam *sharpeyes.Camera, cred sharpeyes.Credentials, last sharpeyes.Status) Target {
	return Target{
		Kind: cam.Probe, Host: hostOf(cam), Port: cam.Port, Path: cam.Path,
		Username: cred.Username, Password: cred.Password,
		RequireDigest: last.Auth == sharpeyes.AuthDigest && last.AuthAddr == AuthAddr(cam),
	}
}

// AuthAddr is the address a camera's login is bound to, like its
// credentials (SPEC "Camera record"): the Status.Auth learnt at another
// host or port says nothing about the device now answering.
func AuthAddr(cam *sharpeyes.Camera) string {
	return net.JoinHostPort(hostOf(cam), strconv.Itoa(cam.Port))
}

// hostOf is the camera's host without IPv6 brackets.
func hostOf(cam *sharpeyes.Camera) string { return strings.Trim(cam.Host, "[]") }

// URL shows the target as a URL with the password hidden, as `sharpeyes
// probe` and the API's probe-now show what they probed.
func (t Target) URL() string {
	scheme := string(t.Kind)
	if t.TLS {
		scheme = "https"
	}
	user := ""
	if t.Username != "" || t.Password != "" {
		user = t.Username + ":xxxxx@"
		if t.Password == "" {
			user = t.Username + "@"
		}
	}
	hostport := t.Host
	if t.Kind != sharpeyes.ProbeICMP {
		hostport = net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	} else if strings.Contains(t.Host, ":") {
		hostport = "[" + t.Host + "]"
	}
	path := t.Path
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return RedactURL(scheme + "://" + user + hostport + path)
}
