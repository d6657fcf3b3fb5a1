package probe_test

import (
	"net"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// TestRTSPAnsweredChallengeIsANormalStep: the 401 that asks for
// credentials is how every Digest login starts, so the step that received
// it is ok and says what happened, not FAIL; the verdict alone says
// whether the login worked.
func TestRTSPAnsweredChallengeIsANormalStep(t *testing.T) {
	tests := []struct {
		name      string
		password  string
		basic     bool
		challenge string
		state     sharpeyes.State
		reason    string
	}{
		{name: "digest login", password: fleetPass, challenge: "401 challenge (digest MD5) → retry with credentials", state: sharpeyes.StateUp},
		{name: "basic login", password: fleetPass, basic: true, challenge: "401 challenge (basic) → retry with credentials", state: sharpeyes.StateUp},
		{name: "wrong password", password: "wrong", challenge: "401 challenge (digest MD5) → retry with credentials",
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP401},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cam := oneCamera(t, []string{"127.23.0.2", "127.23.1.2", "127.23.2.2"}[i], sharpeyes.ProbeRTSP, func(c *fleet.Config) {
				c.BasicOnly = tt.basic
			})
			tg := targetOf(cam, false)
			tg.Password = tt.password
			res := runProbe(t, tg)
			if res.State != tt.state || res.Reason != tt.reason {
				t.Fatalf("got %s %q (%s), want %s %q", res.State, res.Reason, res.Detail, tt.state, tt.reason)
			}
			var challenges, failed int
			for _, s := range res.Steps {
				if strings.HasPrefix(s.Detail, "401 challenge") {
					challenges++
					if !s.OK || s.Detail != tt.challenge {
						t.Errorf("challenge step %+v, want ok with detail %q", s, tt.challenge)
					}
				} else if !s.OK {
					failed++
				}
			}
			if challenges != 1 {
				t.Errorf("%d challenge steps in %+v, want 1", challenges, res.Steps)
			}
			if want := map[bool]int{true: 0, false: 1}[tt.state == sharpeyes.StateUp]; failed != want {
				t.Errorf("%d failed steps in %+v, want %d", failed, res.Steps, want)
			}
		})
	}
}

// TestRTSPResultNamesTheCodecs: an up RTSP probe says which codec each
// track of the stream uses.
func TestRTSPResultNamesTheCodecs(t *testing.T) {
	_, cam := oneCamera(t, "127.23.3.2", sharpeyes.ProbeRTSP, nil)
	res := runProbe(t, targetOf(cam, false))
	if res.State != sharpeyes.StateUp {
		t.Fatalf("got %s %q (%s), want up", res.State, res.Reason, res.Detail)
	}
	if len(res.Codecs) == 0 || res.Codecs[0].Media != "video" || res.Codecs[0].Codec == "" {
		t.Errorf("codecs %+v, want a named video track first", res.Codecs)
	}
	last := res.Steps[len(res.Steps)-1]
	if last.Name != "sdp" || !strings.Contains(last.Detail, "video "+res.Codecs[0].CodecName()) {
		t.Errorf("last step %+v, want the sdp step naming the video codec", last)
	}
}

// TestNetworkErrorsReadPlainly: a refused connection or an unknown port
// reads as what happened, not as a Go error chain ("dial tcp …: connect:").
func TestNetworkErrorsReadPlainly(t *testing.T) {
	ln := closedLoopbackPort(t)
	res := runProbe(t, probe.Target{Kind: sharpeyes.ProbeRTSP, Host: "127.0.0.1", Port: ln})
	if res.Reason != sharpeyes.ReasonRefused {
		t.Fatalf("got %s %q, want refused", res.State, res.Reason)
	}
	if strings.Contains(res.Detail, "dial tcp") || !strings.Contains(res.Detail, "connection refused") {
		t.Errorf("detail %q, want a plain 'connection refused'", res.Detail)
	}
}

// closedLoopbackPort returns a loopback port that nothing listens on.
func closedLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
