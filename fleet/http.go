package fleet

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// behaviorListener feeds an HTTP server (ONVIF or plain HTTP) the
// connections of cameras that speak HTTP. It counts a hit per connection and
// serves the behaviours below HTTP itself: silent, reset, garbage.
type behaviorListener struct {
	net.Listener
	f *Fleet
}

// Accept returns the next connection the HTTP server should serve, or the
// listener's error.
func (l *behaviorListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		idx := l.f.addrs.connIndex(c)
		if idx < 0 {
			c.Close()
			continue
		}
		l.f.hits[idx].Add(1)
		if !l.f.serveRaw(c, l.f.behaviorAt(idx)) {
			return c, nil
		}
	}
}

// httpConn is what an HTTP server knows of one connection.
type httpConn struct {
	idx      int
	requests int // served on this connection; one goroutine serves them in turn
}

type connKey struct{}

// newHTTPServer returns a server with bounded reads and idle times.
func (f *Fleet) newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: f.cfg.ConnTimeout,
		ReadTimeout:       f.cfg.ConnTimeout,
		WriteTimeout:      f.cfg.ConnTimeout + f.cfg.SlowDelay,
		IdleTimeout:       f.cfg.ConnTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(f.log.Handler(), slog.LevelDebug),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, &httpConn{idx: f.addrs.connIndex(c)})
		},
	}
}

// httpCamera starts every HTTP request: it finds the camera, counts a hit
// for each request after the first of a kept-alive connection, and applies
// the behaviours ONVIF and plain HTTP share (slow, and rtsp_401, rtsp_404,
// rtsp_503 as HTTP 401, 404, 503). It returns false when it has answered.
func (f *Fleet) httpCamera(w http.ResponseWriter, r *http.Request) (int, Behavior, bool) {
	hc, _ := r.Context().Value(connKey{}).(*httpConn)
	if hc == nil || hc.idx < 0 {
		http.Error(w, "not a camera", http.StatusNotFound)
		return 0, "", false
	}
	if hc.requests++; hc.requests > 1 {
		f.hits[hc.idx].Add(1)
	}
	if r.Header.Get("Authorization") != "" {
		f.authSeen[hc.idx].Add(1)
	}
	b := f.behaviorAt(hc.idx)
	switch b {
	case Silent, Garbage, Reset, Refused, Blackhole:
		panic(http.ErrAbortHandler) // turned so mid-connection: drop it
	case Slow:
		if !f.wait(r.Context(), f.cfg.SlowDelay) {
			return 0, "", false
		}
	case RTSP401:
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return 0, "", false
	case RTSP404:
		http.NotFound(w, r)
		return 0, "", false
	case RTSP503:
		w.Header().Set("Retry-After", "30")
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return 0, "", false
	}
	return hc.idx, b, true
}

// wait sleeps d and reports false when the request or the fleet ended first.
func (f *Fleet) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-f.done:
	}
	return false
}

// plainHandler serves the HTTP port: GET or HEAD of the camera's path
// answers 200 "ok".
func (f *Fleet) plainHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idx, _, ok := f.httpCamera(w, r)
		if !ok {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		want := httpPath
		if f.cams[idx].Probe == sharpeyes.ProbeHTTP {
			want = f.cams[idx].Path
		}
		if uriPath(r.URL.Path) != uriPath(want) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}
