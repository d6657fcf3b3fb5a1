package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/gstrtsp"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/probe")

const (
	gstUser = "admin"
	gstPass = "Gst-s3cret"
)

// TestProbeArgumentRule: what `sharpeyes probe` makes of a URL, a
// HOST:PORT, a bare address and anything else (a camera id).
func TestProbeArgumentRule(t *testing.T) {
	tests := []struct {
		arg, kind string
		port      int
		tls       bool
		cameraID  bool
	}{
		{arg: "rtsp://10.0.0.1/Streaming/Channels/101", kind: "rtsp", port: 554},
		{arg: "onvif://10.0.0.1", kind: "onvif", port: 80},
		{arg: "icmp://10.0.0.1", kind: "icmp"},
		{arg: "10.0.0.1:554", kind: "rtsp", port: 554},
		{arg: "10.0.0.1:8554", kind: "rtsp", port: 8554},
		{arg: "cam.example:80", kind: "http", port: 80},
		{arg: "10.0.0.1:8080", kind: "http", port: 8080},
		{arg: "10.0.0.1:443", kind: "http", port: 443, tls: true},
		{arg: "10.0.0.1:8000", kind: "tcp", port: 8000},
		{arg: "[::1]:37777", kind: "tcp", port: 37777},
		{arg: "10.0.0.1", kind: "rtsp", port: 554},
		{arg: "::1", kind: "rtsp", port: 554},
		{arg: "43020000001320000001", cameraID: true},
		{arg: "cam-7", cameraID: true},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			tg, id, err := probeArg(tt.arg)
			if err != nil {
				t.Fatalf("probeArg: %v", err)
			}
			if tt.cameraID {
				if id != tt.arg {
					t.Errorf("camera id %q, want %q", id, tt.arg)
				}
				return
			}
			if id != "" || string(tg.Kind) != tt.kind || tg.Port != tt.port || tg.TLS != tt.tls {
				t.Errorf("got %s port %d tls %v id %q, want %s port %d tls %v", tg.Kind, tg.Port, tg.TLS, id, tt.kind, tt.port, tt.tls)
			}
		})
	}
	for _, bad := range []string{"10.0.0.1:99999", "ftp://x", "a b"} {
		if _, _, err := probeArg(bad); err == nil {
			t.Errorf("probeArg(%q): no error", bad)
		}
	}
}

// TestProbeGolden runs `sharpeyes probe` against GStreamer's RTSP server
// (Digest and Basic, right and wrong password, wrong path), a closed port
// and a blackholed one, and compares table and JSON output with
// testdata/probe (latencies and ports normalised; -update rewrites them).
func TestProbeGolden(t *testing.T) {
	digest := gstrtsp.Start(t, gstrtsp.Digest, gstUser, gstPass)
	basic := gstrtsp.Start(t, gstrtsp.Basic, gstUser, gstPass)
	fl, err := fleet.Start(context.Background(), fleet.Config{Cameras: 2, BaseIP: "127.25.0.2",
		Mix: map[fleet.Behavior]float64{fleet.Refused: 0.5, fleet.Blackhole: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close() })
	var refused, blackhole string
	for _, c := range fl.Cameras() {
		addr := c.Host + ":" + strconv.Itoa(c.Port)
		if fl.Behavior(c.ID) == fleet.Blackhole {
			blackhole = addr
		} else {
			refused = addr
		}
	}
	url := func(s *gstrtsp.Server, pass, path string) string {
		return "rtsp://" + gstUser + ":" + pass + "@" + s.Addr + path
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"digest-ok", []string{url(digest, gstPass, "/test")}, exitOK},
		{"digest-wrong-password", []string{url(digest, "wrong", "/test")}, exitFailure},
		{"digest-wrong-path", []string{url(digest, gstPass, "/Streaming/Channels/101")}, exitFailure},
		{"basic-ok", []string{url(basic, gstPass, "/test")}, exitOK},
		{"basic-wrong-password", []string{url(basic, "wrong", "/test")}, exitFailure},
		{"no-credentials", []string{"rtsp://" + digest.Addr + "/test"}, exitFailure},
		{"closed-port", []string{refused}, exitFailure},
		{"closed-port-en", []string{refused, "--lang", "en"}, exitFailure},
		{"blackhole", []string{blackhole, "--timeout", "1s"}, exitFailure},
	}
	for _, tt := range tests {
		for _, format := range []string{"txt", "json"} {
			t.Run(tt.name+"."+format, func(t *testing.T) {
				args := append([]string{"probe"}, tt.args...)
				if format == "json" {
					args = append(args, "--json")
				}
				code, out, errOut := runCmd(t, nil, args...)
				if code != tt.code {
					t.Errorf("exit %d, want %d; stderr %s", code, tt.code, errOut)
				}
				if strings.Contains(out+errOut, gstPass) || strings.Contains(out+errOut, "wrong@") {
					t.Errorf("password in output:\n%s%s", out, errOut)
				}
				golden(t, filepath.Join("testdata", "probe", tt.name+"."+format), normaliseProbe(out))
			})
		}
	}
}

// TestProbeCameraIDUsesItsStoredRecord: `sharpeyes probe ID` probes the
// camera as the collector would, with its stored credentials, and never
// prints the password.
func TestProbeCameraIDUsesItsStoredRecord(t *testing.T) {
	rs := redistest.Start(t)
	fl, err := fleet.Start(context.Background(), fleet.Config{Cameras: 1, BaseIP: "127.25.1.2", Seed: 7,
		Username: gstUser, Password: gstPass})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close() })
	cam := fl.Cameras()[0]
	if _, err := store.New(rs.Client()).PutMany(context.Background(), []sharpeyes.Camera{cam}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"txt", "json"} {
		t.Run(format, func(t *testing.T) {
			args := []string{"probe", cam.ID, "--redis", "redis://" + rs.Addr}
			if format == "json" {
				args = append(args, "--json")
			}
			code, out, errOut := runCmd(t, nil, args...)
			if code != exitOK {
				t.Errorf("exit %d, want 0; stderr %s\n%s", code, errOut, out)
			}
			if strings.Contains(out+errOut, gstPass) {
				t.Errorf("password in output:\n%s%s", out, errOut)
			}
			golden(t, filepath.Join("testdata", "probe", "camera-id."+format), normaliseProbe(out))
		})
	}
	code, _, errOut := runCmd(t, nil, "probe", "no-such-camera", "--redis", "redis://"+rs.Addr)
	if code != exitUsage || !strings.Contains(errOut, "no-such-camera") {
		t.Errorf("unknown id: exit %d, stderr %s; want 2 naming the id", code, errOut)
	}
}

var (
	reDurPadded = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s) +`)
	reDur       = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)
	rePort      = regexp.MustCompile(`(127\.\d+\.\d+\.\d+):\d+`)
	reHintPort  = regexp.MustCompile(`(端口|port) \d+`)
	reJSONNum   = regexp.MustCompile(`"(latency_ms|duration_ms)": [0-9.e+-]+`)
)

// normaliseProbe replaces what changes from run to run: durations (with
// the table padding after them), loopback ports and JSON latencies.
func normaliseProbe(s string) string {
	s = rePort.ReplaceAllString(s, "$1:PORT")
	s = reHintPort.ReplaceAllString(s, "$1 PORT")
	s = reJSONNum.ReplaceAllString(s, `"$1": N`)
	s = reDurPadded.ReplaceAllString(s, "DUR  ")
	return reDur.ReplaceAllString(s, "DUR")
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestEveryReasonHasAHintInBothLanguages: a technician never meets a
// failure without a next step to try.
func TestEveryReasonHasAHintInBothLanguages(t *testing.T) {
	reasons := []string{sharpeyes.ReasonTimeout, sharpeyes.ReasonRefused, sharpeyes.ReasonUnreachable,
		sharpeyes.ReasonDNS, sharpeyes.ReasonRTSP401, sharpeyes.ReasonRTSP404, sharpeyes.ReasonRTSP5xx,
		sharpeyes.ReasonBadResponse, sharpeyes.ReasonClockDrift, sharpeyes.ReasonNoVideo,
		sharpeyes.ReasonHTTPStatus, sharpeyes.ReasonAuthDowngrade, probe.ReasonProbeError}
	for _, r := range reasons {
		zh, en := probe.Hint(r, "zh", 554), probe.Hint(r, "en", 554)
		if zh == "" || en == "" || zh == en || strings.Contains(zh+en, "{port}") {
			t.Errorf("%s: zh %q en %q, want a hint in each language", r, zh, en)
		}
	}
	if h := probe.Hint("", "zh", 554); h != "" {
		t.Errorf("hint for up: %q, want none", h)
	}
}
