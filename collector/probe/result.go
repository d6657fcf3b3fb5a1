package probe

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// probeError is a failure whose reason the protocol code already knows
// (a 404, a missing video track), as opposed to a network error that
// explain classifies.
type probeError struct {
	reason, detail string
}

func (e *probeError) Error() string { return e.reason + ": " + e.detail }

func failure(reason, detail string) error { return &probeError{reason: reason, detail: detail} }

// recorder builds a Result step by step, timing each step.
type recorder struct {
	start, last time.Time
	secret      string
	res         Result
}

func newRecorder(secret string) recorder {
	now := time.Now()
	return recorder{start: now, last: now, secret: secret, res: Result{Steps: make([]Step, 0, 5)}}
}

// step records one finished stage, timed from the end of the previous one.
func (r *recorder) step(name string, ok bool, detail string) {
	now := time.Now()
	r.res.Steps = append(r.res.Steps, Step{Name: name, Duration: now.Sub(r.last), OK: ok, Detail: detail})
	r.last = now
}

// stepAt records a stage that ended at a known time, for stages another
// goroutine observed (the dial inside net/http).
func (r *recorder) stepAt(name string, at time.Time, ok bool, detail string) {
	r.res.Steps = append(r.res.Steps, Step{Name: name, Duration: at.Sub(r.last), OK: ok, Detail: detail})
	r.last = at
}

// up ends the probe as up.
func (r *recorder) up(detail string) Result { return r.finish("", detail) }

// fail ends the probe with err, recorded as a failed step; errors that
// explain cannot classify get the fallback reason.
func (r *recorder) fail(step string, err error, fallback string) Result {
	reason, detail := explain(err, fallback)
	r.step(step, false, detail)
	return r.finish(reason, step+": "+detail)
}

// end ends the probe with err without recording a step: the step that saw
// the failure is already recorded.
func (r *recorder) end(err error, fallback string) Result {
	reason, detail := explain(err, fallback)
	return r.finish(reason, detail)
}

// finish returns the Result with the reason's state, the total latency and
// every text scrubbed of the secret.
func (r *recorder) finish(reason, detail string) Result {
	res := r.res
	res.State = stateFor(reason)
	res.Reason = reason
	res.Detail = detail
	res.Latency = time.Since(r.start)
	return scrub(res, r.secret)
}

// scrub replaces every occurrence of secret in the Result's texts. Probes
// never put the password there themselves; this guards against a device
// echoing it back in a reason phrase or fault string.
func scrub(res Result, secret string) Result {
	if secret == "" {
		return res
	}
	res.Detail = strings.ReplaceAll(res.Detail, secret, redacted)
	for i := range res.Steps {
		res.Steps[i].Detail = strings.ReplaceAll(res.Steps[i].Detail, secret, redacted)
	}
	return res
}

// explain turns an error into a reason and a short detail.
func explain(err error, fallback string) (reason, detail string) {
	var pe *probeError
	switch {
	case errors.As(err, &pe):
		return pe.reason, pe.detail
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrTooLarge):
		return sharpeyes.ReasonBadResponse, shorten(err.Error())
	}
	if r := netReason(err); r != "" {
		return r, netDetail(err, r)
	}
	return fallback, shorten(err.Error())
}

// netDetail says what a network error of reason r means in a few words,
// without Go's chain of operations ("dial tcp 10.0.0.1:554: connect:
// connection refused" reads "connection refused").
func netDetail(err error, r string) string {
	var (
		dnsErr  *net.DNSError
		addrErr *net.AddrError
		errno   syscall.Errno
	)
	switch {
	case errors.As(err, &dnsErr):
		return shorten("cannot resolve " + dnsErr.Name + ": " + dnsErr.Err)
	case errors.As(err, &addrErr):
		return shorten(addrErr.Err + ": " + addrErr.Addr)
	case errors.As(err, &errno):
		return errno.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the device"
	case r == sharpeyes.ReasonTimeout:
		return "no answer before the deadline"
	}
	return shorten(err.Error())
}

// netReason classifies a network error, or returns "" when err is none of
// the known kinds. A connection closed or reset before the device said
// anything counts as refused; a name that resolves to no usable address
// (an AddrError) counts as dns.
func netReason(err error) string {
	var (
		dnsErr  *net.DNSError
		addrErr *net.AddrError
	)
	if errors.As(err, &dnsErr) || errors.As(err, &addrErr) {
		return sharpeyes.ReasonDNS
	}
	for _, c := range netClasses {
		for _, target := range c.errs {
			if errors.Is(err, target) {
				return c.reason
			}
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return sharpeyes.ReasonTimeout
	}
	return ""
}

var netClasses = []struct {
	reason string
	errs   []error
}{
	{sharpeyes.ReasonTimeout, []error{context.DeadlineExceeded, context.Canceled, os.ErrDeadlineExceeded}},
	{sharpeyes.ReasonRefused, []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED,
		syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF}},
	// No local port or address, no file descriptor, buffer or memory for
	// the connection is this host's fault, not the camera's.
	{ReasonProbeError, []error{syscall.EADDRNOTAVAIL, syscall.EADDRINUSE, syscall.EMFILE, syscall.ENFILE,
		syscall.ENOBUFS, syscall.ENOMEM}},
	{sharpeyes.ReasonUnreachable, []error{syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN,
		syscall.ENETDOWN}},
}

// shorten cuts a text to at most 200 bytes and drops control characters, so
// that a device's reply cannot flood or garble a log line or the API.
func shorten(s string) string {
	const limit = 200
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case r < 0x20 || r == 0x7f:
				return -1
			}
			return r
		}, s)
	}
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return strings.ToValidUTF8(clean(s), "?")
}

// quoteShort quotes a device's text for a detail, cut to 64 bytes, with
// control characters escaped.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strconv.Quote(s)
}
