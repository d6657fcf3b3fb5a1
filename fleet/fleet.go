// Package fleet simulates a fleet of IP cameras on loopback, for tests,
// benchmarks, `sharpeyes fleet` and `sharpeyes serve --demo`.
//
// Every camera owns one loopback address (127.20.0.2, 127.20.0.3, ...; any
// 127.x.y.z works on Linux without setup). Cameras share one listener per
// protocol on 0.0.0.0 (a listener on 127.0.0.1 cannot accept connections to
// other 127.x addresses), and each accepted connection finds its camera from
// its local address, so 100,000 cameras cost a handful of file descriptors.
// The listeners are tied to the loopback device (unless Config.ListenAll),
// so they take connections to 127.0.0.0/8 only and serve nothing to the
// network; connections to an address outside the fleet are closed at once.
//
// Protocols: RTSP/1.0 (OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER,
// TEARDOWN, optional Digest/Basic auth), ONVIF device service over HTTP
// (GetSystemDateAndTime, GetDeviceInformation), plain TCP (accept and close)
// and plain HTTP (GET of the camera's path). RTSP DESCRIBE checks the stream
// path of the inventory: another path gets 404.
//
// A refused camera is registered with a port that is bound but never
// listened on, so a connect gets a real ECONNREFUSED; a blackholed one with
// a port whose accept queue is full, so SYNs are dropped and a connect times
// out. Both are fixed at start: Set cannot turn a camera into or out of them.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/sharpeyes/sharpeyes"
)

// Errors callers branch on.
var (
	ErrUnknownCamera = errors.New("unknown camera")
	ErrPortBehavior  = errors.New("refused and blackhole are fixed at start")
)

// Ports are the ports a fleet serves on (RTSP, ONVIF, TCP, HTTP, on the
// loopback device unless Config.ListenAll) and the reserved ports of
// refused and blackholed cameras.
type Ports struct {
	RTSP, ONVIF, TCP, HTTP int
	Refused, Blackhole     int
}

// Fleet is a running simulated fleet. Its methods are safe for concurrent use.
type Fleet struct {
	cfg   Config
	log   *slog.Logger
	addrs addrRange
	cams  []sharpeyes.Camera
	byID  map[string]int
	beh   []atomic.Int32 // behaviour code per camera
	hits  []atomic.Int64
	// authSeen counts requests that carried an Authorization header.
	authSeen  []atomic.Int64
	basicOnly atomic.Bool
	ports     Ports
	rtsp      rtspStatic

	listeners []net.Listener
	servers   []*http.Server
	reserved  []func() error
	conns     connSet
	wg        sync.WaitGroup
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Start validates cfg, opens the listeners and reserved ports, builds the
// inventory and serves until Close is called or ctx is cancelled. The
// listeners are up when it returns. It returns an error naming the bad
// field for an invalid config, or the failing listen.
func Start(ctx context.Context, cfg Config) (*Fleet, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("fleet config: %w", err)
	}
	addrs, err := newAddrRange(cfg.BaseIP, cfg.Cameras)
	if err != nil {
		return nil, fmt.Errorf("fleet config: %w", err)
	}
	f := &Fleet{cfg: cfg, log: cfg.Logger, addrs: addrs, done: make(chan struct{})}
	f.conns.m = make(map[net.Conn]struct{})
	p := newPlan(cfg)
	for _, b := range dealOrder {
		if n := p.short[b]; n > 0 {
			f.log.Warn("fleet mix: too few eligible cameras", "behavior", b, "missing", n)
		}
	}
	if err := f.listen(ctx); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.build(p); err != nil {
		f.Close()
		return nil, err
	}
	f.rtsp = newRTSPStatic(cfg)
	f.basicOnly.Store(cfg.BasicOnly)
	f.serve()
	go func() { // not in wg: it may be the one calling Close
		select {
		case <-ctx.Done():
			f.Close()
		case <-f.done:
		}
	}()
	f.log.Info("fleet started", "cameras", cfg.Cameras, "first", addrs.host(0),
		"last", addrs.host(cfg.Cameras-1), "rtsp_port", f.ports.RTSP, "onvif_port", f.ports.ONVIF,
		"tcp_port", f.ports.TCP, "http_port", f.ports.HTTP, "refused_port", f.ports.Refused,
		"blackhole_port", f.ports.Blackhole)
	return f, nil
}

// build turns the plan into the inventory and the behaviour table.
func (f *Fleet) build(p plan) error {
	f.cams = generate(f.cfg, f.addrs, p, f.ports)
	f.byID = make(map[string]int, len(f.cams))
	f.beh = make([]atomic.Int32, len(f.cams))
	f.hits = make([]atomic.Int64, len(f.cams))
	f.authSeen = make([]atomic.Int64, len(f.cams))
	for i := range f.cams {
		if err := f.cams[i].Normalize(); err != nil {
			return fmt.Errorf("fleet inventory: camera %d: %w", i, err)
		}
		f.byID[f.cams[i].ID] = i
		f.beh[i].Store(p.behaviors[i].code())
	}
	return nil
}

// Close stops the listeners, releases the reserved ports, closes every open
// connection and waits for the fleet's goroutines. It is safe to call more
// than once and returns the first error of the first call.
func (f *Fleet) Close() error {
	f.closeOnce.Do(func() {
		close(f.done)
		var errs []error
		for _, ln := range f.listeners {
			if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		for _, s := range f.servers {
			if err := s.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		for _, release := range f.reserved {
			errs = append(errs, release())
		}
		f.conns.closeAll()
		f.wg.Wait()
		if f.closeErr = errors.Join(errs...); f.closeErr != nil {
			f.closeErr = fmt.Errorf("fleet close: %w", f.closeErr)
		}
		f.log.Info("fleet stopped")
	})
	return f.closeErr
}

// Ports returns the ports the fleet serves and reserves.
func (f *Fleet) Ports() Ports { return f.ports }

// Cameras returns a fresh copy of the inventory, with each camera's
// credentials in Secret. IDs, names and addresses depend only on the Config.
func (f *Fleet) Cameras() []sharpeyes.Camera {
	out := make([]sharpeyes.Camera, len(f.cams))
	copy(out, f.cams)
	return out
}

// Behavior returns a camera's current behaviour, or "" for an unknown id.
func (f *Fleet) Behavior(id string) Behavior {
	i, ok := f.byID[id]
	if !ok {
		return ""
	}
	return f.behaviorAt(i)
}

func (f *Fleet) behaviorAt(i int) Behavior { return Behaviors[f.beh[i].Load()] }

// Set changes a camera's behaviour from its next connection on (an open
// RTSP connection sees protocol-level changes at its next request). A camera
// registered as refused or blackhole stays so, and no camera can become one:
// those return ErrPortBehavior. An unknown id returns ErrUnknownCamera.
func (f *Fleet) Set(id string, b Behavior) error {
	i, ok := f.byID[id]
	if !ok {
		return fmt.Errorf("set %q: %w", id, ErrUnknownCamera)
	}
	code := b.code()
	if code < 0 {
		return fmt.Errorf("set %q: unknown behaviour %q", id, b)
	}
	cur := f.behaviorAt(i)
	if cur == b {
		return nil
	}
	if cur.portLevel() || b.portLevel() {
		return fmt.Errorf("set %q from %s to %s: %w", id, cur, b, ErrPortBehavior)
	}
	f.beh[i].Store(code)
	return nil
}

// Expected returns the state and reason a correct collector concludes when
// it probes a camera now (see expect for the table), or StateUnknown for an
// unknown id. It assumes probes time out after Config.ProbeTimeout and that
// Config.Drift is beyond the collector's clock-drift threshold; planned and
// retired cameras answer too, though a collector does not probe them.
func (f *Fleet) Expected(id string) (sharpeyes.State, string) {
	i, ok := f.byID[id]
	if !ok {
		return sharpeyes.StateUnknown, ""
	}
	return expect(f.cams[i].Probe, f.behaviorAt(i), f.cfg.SlowDelay, f.cfg.ProbeTimeout)
}

// Hits returns how many probe conversations a camera received since start
// or the last ResetHits: one per accepted TCP connection on any of the
// fleet's ports (an RTSP conversation is one connection however many
// requests it carries), plus one per further request on a kept-alive HTTP
// (ONVIF, HTTP) connection. Refused and blackholed cameras never count: no
// connection reaches the fleet. It returns 0 for an unknown id.
func (f *Fleet) Hits(id string) int64 {
	i, ok := f.byID[id]
	if !ok {
		return 0
	}
	return f.hits[i].Load()
}

// AuthRequests returns how many requests to a camera (RTSP, ONVIF or HTTP)
// carried an Authorization header since start, whatever its scheme and
// whether it was accepted; 0 for an unknown id. Tests use it to prove at the
// socket that no credentials were sent.
func (f *Fleet) AuthRequests(id string) int64 {
	i, ok := f.byID[id]
	if !ok {
		return 0
	}
	return f.authSeen[i].Load()
}

// SetBasicOnly switches the fleet's RTSP authentication between its
// configured Digest challenge and a Basic-only one (which accepts Basic
// alone), from the next request on: a camera that logged a client in with
// Digest and then asks for Basic, as an impostor on its address would.
func (f *Fleet) SetBasicOnly(on bool) { f.basicOnly.Store(on) }

// ResetHits sets every camera's hit count to zero.
func (f *Fleet) ResetHits() {
	for i := range f.hits {
		f.hits[i].Store(0)
	}
}
