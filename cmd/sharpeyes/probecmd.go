package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

const probeUsage = "usage: sharpeyes probe URL | HOST:PORT | ADDRESS | CAMERA-ID [--json] [--lang zh|en]\n" +
	"  URL        rtsp://user:pw@host[:port]/path, onvif://host[:port], tcp://host:port, http(s)://host[:port]/path, icmp://host\n" +
	"  HOST:PORT  by port: 554, 8554 rtsp; 80, 8080 http; 443 https; any other tcp\n" +
	"  ADDRESS    an IP address alone: rtsp on port 554\n" +
	"  CAMERA-ID  anything else: the camera's stored record and credentials (from --redis, redis.url or a running serve)"

// runProbe is the field technician's one-off diagnosis of one camera.
func runProbe(ctx context.Context, e env, args []string) error {
	fs := newFlags("probe", e.stderr)
	var cf configFlags
	cf.register(fs)
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	drift := fs.Duration("max-clock-drift", 5*time.Minute, "onvif: clock offset beyond this is degraded")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	lang := fs.String("lang", "zh", "language of the hints: zh or en")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("%s", probeUsage)
	}
	if *lang != "zh" && *lang != "en" {
		return usageErrorf("--lang: %q is not zh or en", *lang)
	}
	t, id, err := probeArg(pos[0])
	if err != nil {
		return usageErrorf("%w\n%s", err, probeUsage)
	}
	var cam *sharpeyes.Camera
	if id != "" {
		if t, cam, err = storedTarget(ctx, e, cf, id); err != nil {
			return err
		}
	}
	t.MaxClockDrift = *drift
	if t.Kind == sharpeyes.ProbeICMP {
		if err := probe.CheckICMP(); err != nil {
			return err
		}
	}
	shown := t.URL()
	if !*asJSON {
		if cam != nil {
			fmt.Fprintf(e.stdout, "camera %s %s (%s)\n", cam.ID, cam.Name, credentialNote(t))
		}
		fmt.Fprintf(e.stdout, "probing %s\n", shown)
	}
	pctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res := probe.Run(pctx, t)
	if *asJSON {
		err = writeProbeJSON(e.stdout, shown, cam, t, res, *lang)
	} else {
		err = writeProbeText(e.stdout, res, *lang, t.Port)
	}
	if err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	if res.State != sharpeyes.StateUp {
		return errProbeFailed
	}
	return nil
}

// errProbeFailed makes `sharpeyes probe` exit 1 when the camera is not up,
// so scripts can test it; the verdict was already printed.
var errProbeFailed = errors.New("camera is not up")

// probeArg turns the argument of `sharpeyes probe` into a Target, or into
// a camera id to look up. The rule (SPEC "Command line"):
//
//   - with "://" it is a URL (probe.ParseURL);
//   - HOST:PORT picks the protocol by port: 554 and 8554 rtsp (path "/"),
//     80 and 8080 http, 443 https, any other port tcp (8000, Hikvision's
//     SDK port, speaks no protocol we know, so tcp too). For ONVIF, or
//     RTSP on another port, give a URL;
//   - an IP address alone is rtsp on 554: the stream is what the
//     technician came for, and ICMP needs privileges and is often filtered;
//   - anything else is a camera id. A DNS name needs a port or a URL.
func probeArg(arg string) (probe.Target, string, error) {
	arg = strings.TrimSpace(arg)
	if strings.Contains(arg, "://") {
		t, err := probe.ParseURL(arg)
		return t, "", err
	}
	if ip, err := netip.ParseAddr(strings.Trim(arg, "[]")); err == nil {
		return probe.Target{Kind: sharpeyes.ProbeRTSP, Host: ip.String(), Port: 554, Path: "/"}, "", nil
	}
	if host, port, err := net.SplitHostPort(arg); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || host == "" {
			return probe.Target{}, "", fmt.Errorf("%s: not HOST:PORT with a port 1-65535", arg)
		}
		t := probe.Target{Kind: sharpeyes.ProbeTCP, Host: host, Port: n}
		switch n {
		case 554, 8554:
			t.Kind, t.Path = sharpeyes.ProbeRTSP, "/"
		case 80, 8080:
			t.Kind, t.Path = sharpeyes.ProbeHTTP, "/"
		case 443:
			t.Kind, t.Path, t.TLS = sharpeyes.ProbeHTTP, "/", true
		}
		return t, "", nil
	}
	if _, err := sharpeyes.CheckID(arg); err != nil {
		return probe.Target{}, "", fmt.Errorf("%q is no URL, HOST:PORT, IP address or camera id (id: %w)", arg, err)
	}
	return probe.Target{}, arg, nil
}

// storedTarget reads camera id, its credentials and last login from the
// store (the configured Redis, else a running serve's embedded one) and
// builds the Target the collector would probe.
func storedTarget(ctx context.Context, e env, cf configFlags, id string) (probe.Target, *sharpeyes.Camera, error) {
	cfg, err := cf.load(e)
	if err != nil {
		return probe.Target{}, nil, err
	}
	s, closeStore, err := openStore(ctx, e, cfg, newLogger(e.stderr, cfg), useRunning)
	if err != nil {
		return probe.Target{}, nil, err
	}
	defer closeStore()
	cam, err := s.Camera(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return probe.Target{}, nil, usageErrorf("no camera with id %q (a host name needs HOST:PORT or a URL)", id)
	}
	if err != nil {
		return probe.Target{}, nil, err
	}
	creds, err := s.Credentials(ctx, []string{id})
	if err != nil {
		return probe.Target{}, nil, err
	}
	st, err := s.Status(ctx, id)
	if err != nil {
		return probe.Target{}, nil, err
	}
	t := probe.CameraTarget(&cam, creds[id], st)
	if t.Port == 0 {
		t.Port = sharpeyes.DefaultPort(t.Kind)
	}
	return t, &cam, nil
}

// credentialNote says where the login comes from, never what it is.
func credentialNote(t probe.Target) string {
	note := string(t.Kind) + ", no stored credentials"
	if t.Username != "" || t.Password != "" {
		note = string(t.Kind) + ", stored credentials"
	}
	if t.RequireDigest {
		note += ", Digest only (its last login used Digest)"
	}
	return note
}

// writeProbeText prints the steps and verdict, then the hint for a failure.
func writeProbeText(w io.Writer, res probe.Result, lang string, port int) error {
	if err := res.Format(w); err != nil {
		return err
	}
	if h := probe.Hint(res.Reason, lang, port); h != "" {
		label := "提示："
		if lang == "en" {
			label = "hint: "
		}
		_, err := fmt.Fprintln(w, label+h)
		return err
	}
	return nil
}

func writeProbeJSON(w io.Writer, shown string, cam *sharpeyes.Camera, t probe.Target, res probe.Result, lang string) error {
	out := probe.NewReport(shown, cam, t, res, lang)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
