package api

import (
	"net"
	"sync"
	"sync/atomic"
)

// Default connection caps (config max_connections and
// max_connections_per_client): far below a 20,000 open-file limit minus
// the collector's 2,000 probes, so that no client can starve the collector
// of sockets, and per client low enough that one address cannot take the
// whole API.
const (
	DefaultMaxConnections          = 1024
	DefaultMaxConnectionsPerClient = 64
)

// LimitListener wraps l so that at most total connections are open at
// once, and at most perClient from one client IP. A connection over
// either cap is accepted and closed at once (with a reset, so that it
// holds no socket in TIME_WAIT here) rather than left in the kernel's
// backlog, where it would block the clients behind it. Rejected counts
// the connections closed so.
func LimitListener(l net.Listener, total, perClient int) *Limited {
	if total <= 0 {
		total = DefaultMaxConnections
	}
	if perClient <= 0 {
		perClient = DefaultMaxConnectionsPerClient
	}
	return &Limited{Listener: l, total: total, perClient: perClient, byIP: make(map[string]int)}
}

// Limited is a listener with connection caps; see LimitListener.
type Limited struct {
	net.Listener
	total, perClient int
	rejected         atomic.Int64

	mu   sync.Mutex
	open int
	byIP map[string]int
}

// Accept returns the next connection within the caps, closing those over
// them; it returns the underlying listener's errors.
func (l *Limited) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientIP(c.RemoteAddr())
		if l.take(ip) {
			return &limitedConn{Conn: c, release: func() { l.give(ip) }}, nil
		}
		l.rejected.Add(1)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = c.Close()
	}
}

// Rejected returns how many connections were closed for being over a cap.
func (l *Limited) Rejected() int64 { return l.rejected.Load() }

// Open returns how many accepted connections are open.
func (l *Limited) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

func (l *Limited) take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total || l.byIP[ip] >= l.perClient {
		return false
	}
	l.open++
	l.byIP[ip]++
	return true
}

func (l *Limited) give(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
}

func clientIP(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// limitedConn gives its slot back once, on the first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
