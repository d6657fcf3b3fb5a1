package probe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/fleet"
)

const (
	fleetUser = "admin"
	fleetPass = "d0wngrade-Pw"
)

// oneCamera starts a fleet of one camera of kind at base and returns it and
// its camera.
func oneCamera(t *testing.T, base string, kind sharpeyes.ProbeKind, mod func(*fleet.Config)) (*fleet.Fleet, sharpeyes.Camera) {
	t.Helper()
	cfg := fleet.Config{Cameras: 1, BaseIP: base, Username: fleetUser, Password: fleetPass,
		ConnTimeout: 3 * time.Second}
	if kind != sharpeyes.ProbeRTSP {
		cfg.Kinds = map[sharpeyes.ProbeKind]float64{kind: 1}
	}
	if mod != nil {
		mod(&cfg)
	}
	f, err := fleet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, f.Cameras()[0]
}

func targetOf(c sharpeyes.Camera, requireDigest bool) probe.Target {
	return probe.Target{Kind: c.Probe, Host: c.Host, Port: c.Port, Path: c.Path,
		Username: fleetUser, Password: fleetPass, RequireDigest: requireDigest}
}

func runProbe(t *testing.T, tg probe.Target) probe.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	res := probe.Run(ctx, tg)
	if strings.Contains(res.Detail, fleetPass) {
		t.Errorf("password in detail %q", res.Detail)
	}
	return res
}

// TestRTSPNeverSendsBasicToADigestCamera: a camera that logged in with
// Digest and then answers with a Basic-only challenge gets no credentials;
// the probe ends degraded auth_downgrade, proven by the camera never
// seeing an Authorization header after the switch.
func TestRTSPNeverSendsBasicToADigestCamera(t *testing.T) {
	f, cam := oneCamera(t, "127.22.0.2", sharpeyes.ProbeRTSP, nil)

	first := runProbe(t, targetOf(cam, false))
	if first.State != sharpeyes.StateUp || first.Auth != sharpeyes.AuthDigest {
		t.Fatalf("digest login: got %s %q auth %q (%s), want up with auth digest", first.State, first.Reason, first.Auth, first.Detail)
	}
	before := f.AuthRequests(cam.ID)
	if before == 0 {
		t.Fatal("the fleet counted no Authorization header for a Digest login")
	}

	f.SetBasicOnly(true)
	res := runProbe(t, targetOf(cam, first.Auth == sharpeyes.AuthDigest))
	if res.State != sharpeyes.StateDegraded || res.Reason != sharpeyes.ReasonAuthDowngrade {
		t.Errorf("after the switch to Basic: got %s %q (%s), want degraded %s", res.State, res.Reason, res.Detail, sharpeyes.ReasonAuthDowngrade)
	}
	if !strings.Contains(res.Detail, "Digest") || !strings.Contains(res.Detail, "Basic") {
		t.Errorf("detail %q does not say Basic was refused for a Digest camera", res.Detail)
	}
	if res.Auth != "" {
		t.Errorf("auth %q after a refused login, want none", res.Auth)
	}
	if got := f.AuthRequests(cam.ID); got != before {
		t.Errorf("the Basic-only camera received %d requests with Authorization, want 0", got-before)
	}
}

// TestRTSPSendsBasicWhenDigestWasNeverUsed: the downgrade guard is bound to
// the camera's history; a camera that never logged in with Digest still
// gets Basic (so the socket counter above is not vacuous).
func TestRTSPSendsBasicWhenDigestWasNeverUsed(t *testing.T) {
	f, cam := oneCamera(t, "127.22.1.2", sharpeyes.ProbeRTSP, func(c *fleet.Config) { c.BasicOnly = true })
	res := runProbe(t, targetOf(cam, false))
	if res.State != sharpeyes.StateUp || res.Auth != sharpeyes.AuthBasic {
		t.Fatalf("got %s %q auth %q (%s), want up with auth basic", res.State, res.Reason, res.Auth, res.Detail)
	}
	if f.AuthRequests(cam.ID) == 0 {
		t.Error("the fleet counted no Authorization header for a Basic login")
	}
}

// TestHTTPProbesSendNoCredentials: the onvif and http probes never send
// credentials, so a Basic challenge from them cannot leak the password
// whatever the camera's history.
func TestHTTPProbesSendNoCredentials(t *testing.T) {
	for i, kind := range []sharpeyes.ProbeKind{sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP} {
		for j, requireDigest := range []bool{false, true} {
			t.Run(string(kind), func(t *testing.T) {
				base := "127.22." + string(rune('2'+i)) + "." + string(rune('2'+j))
				f, cam := oneCamera(t, base, kind, nil)
				if err := f.Set(cam.ID, fleet.RTSP401); err != nil { // answers 401 with a Basic challenge
					t.Fatal(err)
				}
				res := runProbe(t, targetOf(cam, requireDigest))
				if res.State != sharpeyes.StateDegraded || res.Reason != sharpeyes.ReasonHTTPStatus {
					t.Errorf("got %s %q (%s), want degraded http_status", res.State, res.Reason, res.Detail)
				}
				if f.Hits(cam.ID) == 0 {
					t.Fatal("the probe never reached the camera")
				}
				if n := f.AuthRequests(cam.ID); n != 0 {
					t.Errorf("%d requests carried Authorization, want 0", n)
				}
			})
		}
	}
}
