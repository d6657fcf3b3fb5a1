package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// errUnhealthy makes healthcheck exit 1 (a runtime failure), as Docker's
// HEALTHCHECK and Kubernetes exec probes expect of an unhealthy service.
var errUnhealthy = errors.New("unhealthy")

// runHealthcheck asks a running serve whether it is ready (GET /readyz,
// or /healthz with --live) and exits 0 when it answers 200. It exists for
// images without a shell or curl (distroless), where HEALTHCHECK can run
// only the binary itself.
func runHealthcheck(ctx context.Context, e env, args []string) error {
	fs := newFlags("healthcheck", e.stderr)
	var cf configFlags
	cf.register(fs)
	url := fs.String("url", "", "base URL of the server (default: http:// + the configured listen address, on loopback when it listens on all)")
	live := fs.Bool("live", false, "check liveness (/healthz) instead of readiness (/readyz)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	base := *url
	if base == "" {
		cfg, err := cf.load(e)
		if err != nil {
			return err
		}
		base = "http://" + localAddr(cfg.Listen)
	}
	path := "/readyz"
	if *live {
		path = "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return usageErrorf("--url: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "sharpeyes healthcheck: %s: %v\n", base+path, err)
		return errUnhealthy
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	fmt.Fprintf(e.stdout, "%s %d %s\n", path, res.StatusCode, body)
	if res.StatusCode != http.StatusOK {
		return errUnhealthy
	}
	return nil
}

// localAddr turns a listen address into one to dial from the same host:
// an empty or unspecified host becomes loopback.
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}
