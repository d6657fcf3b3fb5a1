package api

import (
	"net/http"
	"time"
)

// Server timeouts. Reading a whole 64 MiB import over a slow office link
// and writing a 250,000-camera export both take a while, so the body
// timeouts are generous; the header timeout is short, which is what stops
// slow-loris clients, and idle keep-alive connections are closed after
// half a minute, so that held-open connections cost their holder effort
// (LimitListener caps how many there can be).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 5 * time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 30 * time.Second
	maxHeaderBytes    = 64 << 10
)

// NewServer returns an *http.Server for h on addr with sane timeouts. The
// caller runs ListenAndServe (or Serve) and stops it with Shutdown.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}
