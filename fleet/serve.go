package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// listen opens the four shared listeners on 0.0.0.0, tied to the loopback
// device unless ListenAll, and reserves the refused and blackhole ports.
func (f *Fleet) listen(ctx context.Context) error {
	// No TCP keep-alive on accepted connections: probes are short, and its
	// four setsockopt calls per connection are a measurable share of an
	// exchange.
	lc := net.ListenConfig{KeepAlive: -1}
	if !f.cfg.ListenAll {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var err error
			if cerr := c.Control(func(fd uintptr) { err = bindLoopback(fd) }); cerr != nil {
				return cerr
			}
			return err
		}
	}
	for _, l := range []struct {
		name string
		port *int
	}{{"rtsp", &f.cfg.RTSPPort}, {"onvif", &f.cfg.ONVIFPort}, {"tcp", &f.cfg.TCPPort}, {"http", &f.cfg.HTTPPort}} {
		ln, err := lc.Listen(ctx, "tcp4", "0.0.0.0:"+strconv.Itoa(*l.port))
		if err != nil {
			return fmt.Errorf("fleet %s listen: %w", l.name, err)
		}
		f.listeners = append(f.listeners, ln)
		*l.port = ln.Addr().(*net.TCPAddr).Port
	}
	f.ports = Ports{RTSP: f.cfg.RTSPPort, ONVIF: f.cfg.ONVIFPort, TCP: f.cfg.TCPPort, HTTP: f.cfg.HTTPPort}
	port, release, err := reservePort(f.cfg.RefusedPort, !f.cfg.ListenAll)
	if err != nil {
		return fmt.Errorf("fleet refused port: %w", err)
	}
	f.reserved = append(f.reserved, release)
	f.ports.Refused = port
	port, release, err = blackholePort(f.cfg.BlackholePort, !f.cfg.ListenAll)
	if err != nil {
		return fmt.Errorf("fleet blackhole port: %w", err)
	}
	f.reserved = append(f.reserved, release)
	f.ports.Blackhole = port
	return nil
}

// serve starts the accept loops of the four listeners (in listen's order).
func (f *Fleet) serve() {
	rtspLn, onvifLn, tcpLn, httpLn := f.listeners[0], f.listeners[1], f.listeners[2], f.listeners[3]
	f.wg.Add(2)
	go f.acceptLoop(rtspLn, f.handleRTSP)
	go f.acceptLoop(tcpLn, f.handleTCP)
	f.servers = append(f.servers, f.newHTTPServer(f.onvifHandler()), f.newHTTPServer(f.plainHandler()))
	for i, ln := range []net.Listener{onvifLn, httpLn} {
		s, bl := f.servers[i], &behaviorListener{Listener: ln, f: f}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			if err := s.Serve(bl); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
				f.log.Error("fleet http serve", "err", err)
			}
		}()
	}
}

// acceptLoop accepts connections until the listener closes, counts a hit
// for the camera of each and hands it to handle, which must not block.
// Accept errors (such as running out of file descriptors) back off.
func (f *Fleet) acceptLoop(ln net.Listener, handle func(c net.Conn, idx int)) {
	defer f.wg.Done()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || f.closed() {
				return
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			f.log.Warn("fleet accept", "addr", ln.Addr().String(), "err", err, "retry_in", delay)
			if !f.sleep(delay) {
				return
			}
			continue
		}
		delay = 0
		idx := f.addrs.connIndex(c)
		if idx < 0 {
			c.Close()
			continue
		}
		f.hits[idx].Add(1)
		handle(c, idx)
	}
}

// spawn serves c on its own goroutine, tracked so that Close can close it.
func (f *Fleet) spawn(c net.Conn, serve func(net.Conn)) {
	if !f.conns.add(c) {
		c.Close()
		return
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer f.conns.remove(c)
		defer c.Close()
		serve(c)
	}()
}

func (f *Fleet) closed() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// sleep waits d and reports false when the fleet closed meanwhile.
func (f *Fleet) sleep(d time.Duration) bool { return f.wait(context.Background(), d) }

// connSet tracks the connections the fleet serves itself.
type connSet struct {
	mu     sync.Mutex
	m      map[net.Conn]struct{}
	closed bool
}

// add records c and reports false once closeAll has run.
func (s *connSet) add(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.m[c] = struct{}{}
	return true
}

func (s *connSet) remove(c net.Conn) {
	s.mu.Lock()
	delete(s.m, c)
	s.mu.Unlock()
}

// closeAll closes every tracked connection and refuses new ones.
func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.m {
		c.Close()
	}
	clear(s.m)
}
