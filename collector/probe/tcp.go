package probe

import (
	"context"
	"net"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// dialer dials every TCP probe. Keep-alive probing is off: a probe's
// connection lives for one deadline, and skipping the socket option saves
// a system call per camera.
var dialer = net.Dialer{KeepAlive: -1}

// TCP connects to the target's host and port and closes the connection.
// Connection refused is down refused, no answer in time is down timeout, a
// name that does not resolve is down dns, and no route is down unreachable.
func TCP(ctx context.Context, t Target) Result {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	rec := newRecorder(t.Password)
	addr, err := hostPort(t, 0)
	if err != nil {
		return rec.fail("target", err, ReasonProbeError)
	}
	conn, err := dialTCP(ctx, addr)
	if err != nil {
		return rec.fail("connect", err, sharpeyes.ReasonUnreachable)
	}
	conn.Close()
	rec.step("connect", true, addr)
	return rec.up("connected to " + addr)
}

// dialTCP connects to addr and puts ctx's deadline on the connection. A
// failure to set the deadline fails the dial with ReasonProbeError, since a
// connection without one could hang a worker.
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	// DialContext rather than DialTCP with a zero local address: the
	// latter binds first, so every probe needs a local port free for all
	// destinations, and the kernel's search for one grows with the sockets
	// the host holds (measured: a sweep slowed 4-7x, with false failures).
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	// A probe's close is final: resetting instead of the FIN handshake
	// leaves no TIME_WAIT socket behind, which at 100,000 probes a minute
	// would otherwise hold tens of thousands of local ports.
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		conn.Close()
		return nil, failure(ReasonProbeError, "no deadline for the connection")
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, failure(ReasonProbeError, "set deadline: "+shorten(err.Error()))
	}
	return conn, nil
}

// hostPort validates the target's host and port and joins them; port 0
// means def, and is an error when def is 0 too.
func hostPort(t Target, def int) (string, error) {
	port := t.Port
	if port == 0 {
		port = def
	}
	switch {
	case t.Host == "":
		return "", failure(ReasonProbeError, "no host")
	case strings.ContainsAny(t.Host, " \t\r\n/@"):
		return "", failure(ReasonProbeError, "host "+quoteShort(t.Host)+" is not an address or name")
	case port <= 0 || port > 65535:
		return "", failure(ReasonProbeError, "no valid port")
	}
	return net.JoinHostPort(t.Host, strconv.Itoa(port)), nil
}

// checkPath refuses a path that would break the request line: spaces and
// control characters must be percent-encoded.
func checkPath(path string) error {
	for i := 0; i < len(path); i++ {
		if path[i] <= ' ' || path[i] == 0x7f {
			return failure(ReasonProbeError, "path contains a space or control character")
		}
	}
	return nil
}

// checkCredentials refuses credentials that would break a header line.
func checkCredentials(t Target) error {
	if strings.ContainsAny(t.Username, "\r\n\x00") || strings.ContainsAny(t.Password, "\r\n\x00") {
		return failure(ReasonProbeError, "credentials contain control characters")
	}
	return nil
}
