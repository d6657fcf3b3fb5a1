package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// maxHTTPBody is how much of an HTTP probe's body is read before the
// connection is closed; the status line already said what we need.
const maxHTTPBody = 64 << 10

// httpClient serves the http and onvif probes of the whole process. Keep-
// alives are off, so it holds no idle connections: each probe's connection
// is closed with its response body, and 100,000 probes a minute leave no
// file descriptors behind. It never follows redirects (a 3xx is an answer)
// and never uses a proxy from the environment.
var httpClient = &http.Client{
	Transport: &http.Transport{
		DialContext:            dialHTTP,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: int64(DefaultLimits.MaxHeaderBytes),
		// Cameras use self-signed certificates; see Target.TLS.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // liveness check, no secret sent
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// HTTP sends GET http://host:port/path (https when t.TLS) without
// credentials. The expected status (t.ExpectStatus, or any 2xx/3xx when it
// is 0) is up; any other status is degraded http_status; a reply that is
// not HTTP is degraded bad_response. At most 64 KiB of the body is read.
func HTTP(ctx context.Context, t Target) Result {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	rec := newRecorder(t.Password)
	scheme, def := "http://", 80
	if t.TLS {
		scheme, def = "https://", 443
	}
	addr, err := hostPort(t, def)
	if err == nil {
		err = checkPath(t.Path)
	}
	if err != nil {
		return rec.fail("target", err, ReasonProbeError)
	}
	resp, _, err := doHTTP(ctx, &rec, http.MethodGet, scheme+addr+slashed(t.Path, "/"), "", "")
	if err != nil {
		return rec.fail("request", err, sharpeyes.ReasonBadResponse)
	}
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxHTTPBody))
	resp.Body.Close()
	err = overdue(ctx, err)
	code := resp.StatusCode
	ok := code == t.ExpectStatus || (t.ExpectStatus == 0 && code >= 200 && code < 400)
	rec.step("response", ok, "HTTP "+shorten(resp.Status))
	switch {
	case err != nil:
		return rec.fail("body", err, sharpeyes.ReasonBadResponse)
	case !ok:
		want := "2xx or 3xx"
		if t.ExpectStatus != 0 {
			want = strconv.Itoa(t.ExpectStatus)
		}
		return rec.end(failure(sharpeyes.ReasonHTTPStatus, "HTTP "+shorten(resp.Status)+", want "+want), "")
	}
	return rec.up("HTTP " + shorten(resp.Status))
}

// doHTTP sends one request through httpClient, recording the connect step,
// and returns the response and when the connection was made (zero if it
// never was). The caller must close the response body.
func doHTTP(ctx context.Context, rec *recorder, method, rawURL, contentType, body string) (*http.Response, time.Time, error) {
	deadline, _ := ctx.Deadline()
	info := &dialInfo{deadline: deadline}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, dialInfoKey{}, info), method, rawURL, rd)
	if err != nil {
		return nil, time.Time{}, failure(ReasonProbeError, "bad request url")
	}
	req.Header.Set("User-Agent", "sharpeyes")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	at, addr := info.connected()
	if !at.IsZero() {
		rec.stepAt("connect", at, true, addr)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // the URL may carry a secret in its query
	}
	// net/http reports a connection closed before the request went out
	// with an unexported error; for a fresh connection it means the device
	// hung up without a word, which is refused.
	if err != nil && strings.Contains(err.Error(), "server closed idle connection") {
		err = fmt.Errorf("%w: connection closed before the request", io.EOF)
	}
	return resp, at, overdue(ctx, err)
}

// overdue blames the deadline for an error met once it passed: net/http
// may report a reply cut short by the deadline as malformed. The
// connection's deadline can fire a moment before ctx's timer, hence the
// clock check.
func overdue(ctx context.Context, err error) error {
	if err == nil || netReason(err) == sharpeyes.ReasonTimeout {
		return err
	}
	if deadline, ok := ctx.Deadline(); ctx.Err() != nil || (ok && !time.Now().Before(deadline)) {
		return fmt.Errorf("%w (%s)", context.DeadlineExceeded, shorten(err.Error()))
	}
	return err
}

// dialInfo carries a probe's deadline to dialHTTP through the request
// context (net/http detaches dials from the request's cancellation, but
// keeps its values) and brings back when the connection was made.
type dialInfo struct {
	deadline time.Time
	mu       sync.Mutex
	at       time.Time
	addr     string
}

type dialInfoKey struct{}

func (d *dialInfo) connected() (time.Time, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.at, d.addr
}

// dialHTTP dials for httpClient and puts the probe's deadline on the
// connection; a request without a dialInfo or a deadline is refused.
func dialHTTP(ctx context.Context, network, addr string) (net.Conn, error) {
	info, _ := ctx.Value(dialInfoKey{}).(*dialInfo)
	if info == nil || info.deadline.IsZero() {
		return nil, failure(ReasonProbeError, "http dial without a deadline")
	}
	dctx, cancel := context.WithDeadline(ctx, info.deadline)
	defer cancel()
	conn, err := dialTCP(dctx, addr)
	if err != nil {
		return nil, err
	}
	info.mu.Lock()
	info.at, info.addr = time.Now(), addr
	info.mu.Unlock()
	return conn, nil
}

// slashed returns path with a leading slash, or def when path is empty.
func slashed(path, def string) string {
	switch {
	case path == "":
		return def
	case path[0] != '/':
		return "/" + path
	}
	return path
}
