// Package embedded runs an in-process Redis-compatible server (miniredis) so
// that `sharpeyes serve` works on a first run with nothing else installed.
// Data lives in memory only and is lost when the process ends.
//
// The server asks every connection for a random password made at start,
// so that another local user cannot read the camera credentials it holds
// through the loopback port (SPEC "Auth"); URL carries the password and
// must never be logged.
package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Server is a running embedded server. Its clock is moved forward with the
// wall clock once per Tick, since miniredis never expires keys on its own
// and leases and silences rely on TTLs.
type Server struct {
	m        *miniredis.Miniredis
	password string
	stop     chan struct{}
	done     sync.WaitGroup
}

// Tick is how often the embedded clock is advanced.
const Tick = 250 * time.Millisecond

// Start listens on addr (e.g. "127.0.0.1:0") with a new random password
// and returns the server, or an error when the address cannot be bound.
func Start(addr string) (*Server, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("embedded redis password: %w", err)
	}
	m := miniredis.NewMiniRedis()
	pw := hex.EncodeToString(b[:])
	m.RequireAuth(pw)
	if err := m.StartAddr(addr); err != nil {
		return nil, fmt.Errorf("start embedded redis on %s: %w", addr, err)
	}
	s := &Server{m: m, password: pw, stop: make(chan struct{})}
	m.SetTime(time.Now())
	s.done.Add(1)
	go s.advance()
	return s, nil
}

// advance moves the server's clock so that keys with a TTL expire in real
// time. FastForward both moves the clock and evicts expired keys.
func (s *Server) advance() {
	defer s.done.Done()
	t := time.NewTicker(Tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.m.FastForward(now.Sub(last))
			s.m.SetTime(now)
			last = now
		}
	}
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.m.Addr() }

// URL is the redis:// URL of the server, with its password: never log it.
func (s *Server) URL() string {
	u := url.URL{Scheme: "redis", User: url.UserPassword("", s.password), Host: s.m.Addr()}
	return u.String()
}

// Close stops the clock and the server.
func (s *Server) Close() {
	close(s.stop)
	s.done.Wait()
	s.m.Close()
}

// Run starts a server and closes it when ctx ends.
func Run(ctx context.Context, addr string) (*Server, error) {
	s, err := Start(addr)
	if err != nil {
		return nil, err
	}
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	return s, nil
}
