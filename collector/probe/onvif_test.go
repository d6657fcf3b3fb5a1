package probe

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

var timeTemplate = template.Must(template.ParseFiles(filepath.Join("testdata", "onvif", "time.xml.tmpl")))

// timeReply renders a GetSystemDateAndTime reply for the given instant.
func timeReply(t testing.TB, at time.Time, encoding string) []byte {
	t.Helper()
	at = at.UTC()
	var b bytes.Buffer
	err := timeTemplate.Execute(&b, map[string]any{"Encoding": encoding, "Year": at.Year(), "Month": int(at.Month()),
		"Day": at.Day(), "Hour": at.Hour(), "Minute": at.Minute(), "Second": at.Second()})
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	return b.Bytes()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "onvif", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// onvifDevice answers like a camera's device service, after checking that
// the request is a proper unauthenticated SOAP 1.2 GetSystemDateAndTime.
func onvifDevice(t *testing.T, status int, body func() []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/onvif/device_service" || r.Header.Get("Authorization") != "" ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/soap+xml") ||
			!bytes.Contains(req, []byte("GetSystemDateAndTime")) {
			t.Errorf("unexpected request %s %s %q", r.Method, r.URL, req)
		}
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write(body())
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func TestONVIF(t *testing.T) {
	now := func(offset time.Duration) func() []byte {
		return func() []byte { return timeReply(t, time.Now().Add(offset), "UTF-8") }
	}
	tests := []struct {
		name     string
		status   int
		body     func() []byte
		maxDrift time.Duration
		state    sharpeyes.State
		reason   string
		offset   *time.Duration // expected clock offset, ±2s
	}{
		{name: "ok", status: 200, body: now(10 * time.Second), maxDrift: time.Minute,
			state: sharpeyes.StateUp, offset: ptr(10 * time.Second)},
		{name: "drift", status: 200, body: now(-time.Hour), maxDrift: time.Minute,
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonClockDrift, offset: ptr(-time.Hour)},
		{name: "default limit is 5m", status: 200, body: now(6 * time.Minute),
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonClockDrift, offset: ptr(6 * time.Minute)},
		{name: "negative limit disables the check", status: 200, body: now(-24 * time.Hour), maxDrift: -1,
			state: sharpeyes.StateUp, offset: ptr(-24 * time.Hour)},
		{name: "GB2312 declared", status: 200, body: func() []byte { return timeReply(t, time.Now(), "GB2312") },
			state: sharpeyes.StateUp, offset: ptr(time.Duration(0))},
		{name: "SOAP 1.2 fault", status: 400, body: func() []byte { return fixture(t, "soap12-fault.xml") },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "SOAP 1.1 fault", status: 500, body: func() []byte { return fixture(t, "soap11-fault.xml") },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "no UTCDateTime", status: 200, body: func() []byte { return fixture(t, "no-utc.xml") },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "garbage XML", status: 200, body: func() []byte { return []byte("<<<not xml>>>\x00") },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "out of range time", status: 200, body: func() []byte {
			return bytes.Replace(timeReply(t, time.Now(), "UTF-8"), []byte("<tt:Day>"), []byte("<tt:Day>4"), 1)
		}, state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "404 page", status: 404, body: func() []byte { return []byte("<html>not found</html>") },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonHTTPStatus},
		{name: "10 MB body", status: 200, body: func() []byte { return bytes.Repeat([]byte("<a>"), 10<<20/3) },
			state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, port, _ := net.SplitHostPort(onvifDevice(t, tt.status, tt.body))
			target := Target{Kind: sharpeyes.ProbeONVIF, Host: host, Port: atoiT(t, port), MaxClockDrift: tt.maxDrift,
				Username: "admin", Password: testPassword}
			res := probeWithin(t, Run, target, 3*time.Second)
			assertVerdict(t, res, tt.state, tt.reason)
			assertNoSecret(t, res, testPassword)
			switch {
			case tt.offset == nil && res.ClockOffset != nil:
				t.Errorf("clock offset %v, want none", *res.ClockOffset)
			case tt.offset != nil && res.ClockOffset == nil:
				t.Errorf("no clock offset, want %v", *tt.offset)
			case tt.offset != nil && (*res.ClockOffset-*tt.offset).Abs() > 2*time.Second:
				t.Errorf("clock offset %v, want %v ± 2s", *res.ClockOffset, *tt.offset)
			}
		})
	}
}

func TestONVIFHostile(t *testing.T) {
	tests := []struct {
		name    string
		handle  func(net.Conn)
		timeout time.Duration
		state   sharpeyes.State
		reason  string
	}{
		{"silent", silent, 300 * time.Millisecond, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		{"garbage", afterRequest(func(c net.Conn) { c.Write([]byte("\x00\x01garbage\r\n\r\n")) }), time.Second,
			sharpeyes.StateDegraded, sharpeyes.ReasonBadResponse},
		{"slow body", afterRequest(func(c net.Conn) {
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: 5000\r\n\r\n")
			drip(c, "<s:Envelope>", 100*time.Millisecond)
		}), 300 * time.Millisecond, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		{"slow headers", afterRequest(func(c net.Conn) { drip(c, "HTTP/1.1 200 OK\r\nX: y\r\n", 100*time.Millisecond) }),
			300 * time.Millisecond, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		{"endless headers", afterRequest(func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			for i := 0; i < 100000; i++ {
				if _, err := c.Write([]byte("X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")); err != nil {
					return
				}
			}
		}), time.Second, sharpeyes.StateDegraded, sharpeyes.ReasonBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, port := serve(t, tt.handle)
			res := probeWithin(t, ONVIF, Target{Host: host, Port: port}, tt.timeout)
			assertVerdict(t, res, tt.state, tt.reason)
		})
	}
	t.Run("closed port", func(t *testing.T) {
		res := probeWithin(t, ONVIF, Target{Host: "127.0.0.1", Port: closedPort(t)}, time.Second)
		assertVerdict(t, res, sharpeyes.StateDown, sharpeyes.ReasonRefused)
	})
}

// FuzzParseSystemDateAndTime checks that no reply panics the SOAP parser
// and that a parsed time is a valid UTC instant.
func FuzzParseSystemDateAndTime(f *testing.F) {
	f.Add(timeReply(f, time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC), "UTF-8"))
	f.Add(fixture(f, "soap12-fault.xml"))
	f.Add(fixture(f, "soap11-fault.xml"))
	f.Add(fixture(f, "no-utc.xml"))
	f.Fuzz(func(t *testing.T, body []byte) {
		at, err := parseSystemDateAndTime(body)
		if err == nil && (at.Year() < 1900 || at.Location() != time.UTC) {
			t.Errorf("parsed %v", at)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func atoiT(t testing.TB, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("port %q: %v", s, err)
	}
	return n
}
