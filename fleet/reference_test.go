package fleet

import (
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// referenceProbe is a small collector written for this test only, to check
// that Expected says what a correct probe concludes on the wire.
func referenceProbe(c sharpeyes.Camera, timeout time.Duration) (sharpeyes.State, string) {
	switch c.Probe {
	case sharpeyes.ProbeTCP:
		conn, err := net.DialTimeout("tcp", addr(c), timeout)
		if err != nil {
			return classify(err)
		}
		conn.Close()
		return sharpeyes.StateUp, ""
	case sharpeyes.ProbeRTSP:
		return referenceRTSP(c, timeout)
	case sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP:
		return referenceHTTP(c, timeout)
	}
	return sharpeyes.StateUp, ""
}

// classify maps a network error to a failed probe.
func classify(err error) (sharpeyes.State, string) {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return sharpeyes.StateDown, sharpeyes.ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// An RST can reach the client while it still writes its request:
		// the write then fails with EPIPE, not ECONNRESET (the
		// collector's probe maps the same set, see probe/result.go).
		return sharpeyes.StateDown, sharpeyes.ReasonRefused
	}
	return sharpeyes.StateDegraded, sharpeyes.ReasonBadResponse
}

func referenceRTSP(c sharpeyes.Camera, timeout time.Duration) (sharpeyes.State, string) {
	conn, err := net.DialTimeout("tcp", addr(c), timeout)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	rc, url := newRTSPClient(conn), rtspURL(c)
	var resp rtspResponse
	for _, method := range []string{"OPTIONS", "DESCRIBE"} {
		if resp, err = rc.do(method, url); err == nil && resp.code == 401 {
			resp, err = rc.do(method, url, digestHeader(resp.header.Get("WWW-Authenticate"),
				c.Secret.Username, c.Secret.Password, method, url))
		}
		switch {
		case err != nil:
			return classify(err)
		case resp.code == 401:
			return sharpeyes.StateDegraded, sharpeyes.ReasonRTSP401
		case resp.code == 404:
			return sharpeyes.StateDegraded, sharpeyes.ReasonRTSP404
		case resp.code >= 500:
			return sharpeyes.StateDegraded, sharpeyes.ReasonRTSP5xx
		}
	}
	if !strings.Contains(resp.body, "\nm=video ") {
		return sharpeyes.StateDegraded, sharpeyes.ReasonNoVideo
	}
	return sharpeyes.StateUp, ""
}

func referenceHTTP(c sharpeyes.Camera, timeout time.Duration) (sharpeyes.State, string) {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	var resp *http.Response
	var err error
	if c.Probe == sharpeyes.ProbeONVIF {
		resp, err = client.Post("http://"+addr(c)+c.Path, "application/soap+xml", strings.NewReader(getTimeBody))
	} else {
		resp, err = client.Get("http://" + addr(c) + c.Path)
	}
	if err != nil {
		return classify(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return sharpeyes.StateDegraded, sharpeyes.ReasonHTTPStatus
	}
	if c.Probe == sharpeyes.ProbeHTTP {
		return sharpeyes.StateUp, ""
	}
	var got onvifTime
	if err := xml.NewDecoder(resp.Body).Decode(&got); err != nil {
		return sharpeyes.StateDegraded, sharpeyes.ReasonBadResponse
	}
	if d := time.Until(got.time()); d > time.Minute || d < -time.Minute {
		return sharpeyes.StateDegraded, sharpeyes.ReasonClockDrift
	}
	return sharpeyes.StateUp, ""
}

// Every camera of a mixed fleet, probed on the wire, concludes what
// Expected says.
func TestExpectedMatchesWire(t *testing.T) {
	f := mustStart(t, testConfig())
	cams := f.Cameras()
	type result struct {
		state  sharpeyes.State
		reason string
	}
	got := make([]result, len(cams))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 50) // enough for the slow ones, not a stampede
	for i, c := range cams {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			st, reason := referenceProbe(c, f.cfg.ProbeTimeout)
			got[i] = result{st, reason}
		})
	}
	wg.Wait()
	seen := map[Behavior]bool{}
	for i, c := range cams {
		st, reason := f.Expected(c.ID)
		if got[i] != (result{st, reason}) {
			t.Errorf("%s (%s, %s): probed %s %q, Expected says %s %q",
				c.ID, c.Probe, f.Behavior(c.ID), got[i].state, got[i].reason, st, reason)
		}
		seen[f.Behavior(c.ID)] = true
	}
	for _, b := range Behaviors {
		if !seen[b] {
			t.Errorf("the test fleet has no %s camera", b)
		}
	}
}
