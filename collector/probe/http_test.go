package probe

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestHTTP(t *testing.T) {
	var followed atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		if r.Header.Get("Authorization") != "" {
			t.Errorf("http probe sent credentials")
		}
		if code/100 == 3 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(code)
	})
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { followed.Store(true) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for range 160 { // 10 MB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tls := httptest.NewTLSServer(mux)
	t.Cleanup(tls.Close)

	tests := []struct {
		name   string
		srv    *httptest.Server
		path   string
		expect int
		state  sharpeyes.State
		reason string
	}{
		{"200", srv, "/status/200", 0, sharpeyes.StateUp, ""},
		{"302 is an answer", srv, "/status/302", 0, sharpeyes.StateUp, ""},
		{"404", srv, "/status/404", 0, sharpeyes.StateDegraded, sharpeyes.ReasonHTTPStatus},
		{"500", srv, "/status/500", 0, sharpeyes.StateDegraded, sharpeyes.ReasonHTTPStatus},
		{"expected 401", srv, "/status/401", 401, sharpeyes.StateUp, ""},
		{"expected 200, got 204", srv, "/status/204", 200, sharpeyes.StateDegraded, sharpeyes.ReasonHTTPStatus},
		{"10 MB body read in part", srv, "/big", 0, sharpeyes.StateUp, ""},
		{"https with a self-signed certificate", tls, "status/200", 0, sharpeyes.StateUp, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.srv.Listener.Addr().(*net.TCPAddr)
			target := Target{Kind: sharpeyes.ProbeHTTP, Host: addr.IP.String(), Port: addr.Port, Path: tt.path,
				ExpectStatus: tt.expect, TLS: tt.srv == tls, Username: "admin", Password: testPassword}
			res := probeWithin(t, Run, target, 2*time.Second)
			assertVerdict(t, res, tt.state, tt.reason)
			assertNoSecret(t, res, testPassword)
		})
	}
	if followed.Load() {
		t.Errorf("the probe followed a redirect")
	}
}

func TestHTTPHostile(t *testing.T) {
	tests := []struct {
		name    string
		handle  func(net.Conn)
		timeout time.Duration
		state   sharpeyes.State
		reason  string
	}{
		{"silent", silent, 300 * time.Millisecond, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		{"closed at once", func(net.Conn) {}, time.Second, sharpeyes.StateDown, sharpeyes.ReasonRefused},
		{"closed without reply", afterRequest(func(net.Conn) {}), time.Second, sharpeyes.StateDown, sharpeyes.ReasonRefused},
		{"garbage", afterRequest(func(c net.Conn) { c.Write([]byte("SSH-2.0-dropbear\r\n\r\n")) }), time.Second,
			sharpeyes.StateDegraded, sharpeyes.ReasonBadResponse},
		{"slowloris", afterRequest(func(c net.Conn) { drip(c, "HTTP/1.1 200 OK\r\nX: y\r\n", 100*time.Millisecond) }),
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
			res := probeWithin(t, HTTP, Target{Host: host, Port: port}, tt.timeout)
			assertVerdict(t, res, tt.state, tt.reason)
		})
	}
	t.Run("closed port", func(t *testing.T) {
		res := probeWithin(t, HTTP, Target{Host: "127.0.0.1", Port: closedPort(t)}, time.Second)
		assertVerdict(t, res, sharpeyes.StateDown, sharpeyes.ReasonRefused)
	})
}

// TestHTTPNoDescriptorLeak checks that probes leave no connection behind:
// the number of open descriptors is back to where it started.
func TestHTTPNoDescriptorLeak(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().(*net.TCPAddr)
	target := Target{Host: addr.IP.String(), Port: addr.Port}
	HTTP(t.Context(), target) // warm up lazily created descriptors
	before := openFDs(t)
	for range 200 {
		if res := probeWithin(t, HTTP, target, 2*time.Second); res.State != sharpeyes.StateUp {
			t.Fatalf("probe: %s %s", res.Reason, res.Detail)
		}
	}
	// The server closes its ends asynchronously; nothing signals when, so
	// poll with a deadline.
	deadline := time.Now().Add(3 * time.Second)
	after := openFDs(t)
	for after > before+5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		after = openFDs(t)
	}
	if after > before+5 {
		t.Errorf("%d descriptors open after 200 probes, %d before", after, before)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(fds)
}
