// Package gb28181 is sharpeyes' GB/T 28181 platform side: a SIP server
// (github.com/emiago/sipgo) on UDP and TCP that registers devices with
// Digest MD5 and takes their Keepalive MESSAGEs, with every registration
// and last keepalive kept in Redis (store, keys se:{gb}:…) so that a
// restart of sharpeyes declares no device offline before its keepalive
// timeout has passed since its last keepalive. Registry lists the devices
// for the API (GET /api/v1/gb28181/devices).
package gb28181

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"github.com/sharpeyes/sharpeyes/store"
)

// DateLayout is the layout of the Date header of a 200 to REGISTER, by
// which GB/T 28181 devices set their clocks (local time, no zone).
const DateLayout = "2006-01-02T15:04:05.000"

// Defaults of Options.
const (
	DefaultExpires          = time.Hour
	DefaultKeepaliveTimeout = 3 * time.Minute
	// nonceLife is how long a Digest nonce is accepted; an older one gets
	// a new challenge with stale=true.
	nonceLife = 5 * time.Minute
	// maxExpires caps a registration's Expires (one week).
	maxExpires = 7 * 24 * 3600
)

// Options configure a Server.
type Options struct {
	Store *store.Store
	// Listen is the host:port of both the UDP and the TCP listener. Port 0
	// picks one free for both.
	Listen string
	// ID is the platform's 20-digit SIP id; Domain its 10-digit domain,
	// the Digest realm.
	ID, Domain string
	// Password is every device's password unless Passwords names one.
	Password  string
	Passwords map[string]string
	// KeepaliveTimeout: a device with no keepalive for longer is offline
	// (default DefaultKeepaliveTimeout).
	KeepaliveTimeout time.Duration
	// Location is the zone of the Date header (default time.Local).
	Location *time.Location
	// Regions names civil codes for the region of catalog channels
	// (config regions).
	Regions map[string]string
	// Instance names this process in the passive evaluator's lease
	// (config collector.instance); default a random name.
	Instance string
	// EvalInterval (default DefaultEvalInterval) and Refresh (default
	// DefaultRefresh) pace the passive evaluator (Run).
	EvalInterval, Refresh time.Duration
	Logger                *slog.Logger
	Now                   func() time.Time
}

func (o Options) withDefaults() Options {
	if o.KeepaliveTimeout <= 0 {
		o.KeepaliveTimeout = DefaultKeepaliveTimeout
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.EvalInterval <= 0 {
		o.EvalInterval = DefaultEvalInterval
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.Instance == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		o.Instance = "gb28181-" + hex.EncodeToString(b[:])
	}
	return o
}

// Server is a running SIP server. Build it with Start; stop it with Close.
type Server struct {
	o       Options
	ua      *sipgo.UserAgent
	clients clients
	udp     net.PacketConn
	tcp     net.Listener
	nonceKy []byte
	sn      atomic.Int64
	evals   atomic.Int64
	pages   pages
	kicks   chan struct{}
	// ctx ends with Close; background work (catalog queries and
	// applies) runs on it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	mu     sync.Mutex // guards closed against background starting after Close
	closed bool
}

// Start binds UDP and TCP on o.Listen and serves until Close.
func Start(o Options) (*Server, error) {
	o = o.withDefaults()
	if o.Store == nil {
		return nil, errors.New("gb28181: no store")
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("gb28181: nonce key: %w", err)
	}
	udp, tcp, err := listenBoth(o.Listen)
	if err != nil {
		return nil, err
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("sharpeyes"))
	if err != nil {
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("gb28181: user agent: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(o.Logger))
	if err != nil {
		ua.Close()
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("gb28181: server: %w", err)
	}
	cl, err := newClients(ua, udp.LocalAddr().String())
	if err != nil {
		ua.Close()
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("gb28181: client: %w", err)
	}
	s := &Server{o: o, ua: ua, clients: cl, udp: udp, tcp: tcp, nonceKy: key, kicks: make(chan struct{}, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv.OnRegister(s.register)
	srv.OnMessage(s.message)
	s.wg.Go(func() { _ = srv.ServeUDP(udp) })
	s.wg.Go(func() { _ = srv.ServeTCP(tcp) })
	o.Logger.Info("gb28181 SIP server listening", "udp", udp.LocalAddr().String(), "tcp", tcp.Addr().String(),
		"id", o.ID, "domain", o.Domain)
	return s, nil
}

// listenBoth binds UDP and TCP on one address. With port 0 it retries a
// few times until the port UDP got is free for TCP too.
func listenBoth(addr string) (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 10 {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("gb28181: listen udp %s: %w", addr, err)
		}
		tcp, err := net.Listen("tcp", udp.LocalAddr().String())
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		lastErr = err
		if _, port, _ := net.SplitHostPort(addr); port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("gb28181: listen tcp %s: %w", addr, lastErr)
}

// Addr is the address both listeners are bound to.
func (s *Server) Addr() string { return s.udp.LocalAddr().String() }

// Close stops the listeners and waits for them to end.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.udp.Close()
		s.tcp.Close()
		s.ua.Close()
		s.wg.Wait()
	})
	return nil
}

func (s *Server) respond(req *sip.Request, tx sip.ServerTransaction, code int, reason string, hdrs ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		s.o.Logger.Debug("gb28181: respond", "method", req.Method, "code", code, "error", err)
	}
}

// deviceID is the user of the From header when it is a 20-digit code.
func deviceID(req *sip.Request) (string, bool) {
	from := req.From()
	if from == nil {
		return "", false
	}
	id := from.Address.User
	if len(id) != 20 || strings.Trim(id, "0123456789") != "" {
		return "", false
	}
	return id, true
}

func (s *Server) register(req *sip.Request, tx sip.ServerTransaction) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, ok := deviceID(req)
	if !ok {
		s.respond(req, tx, 400, "From user is not a 20-digit device id")
		return
	}
	now := s.o.Now()
	h := req.GetHeader("Authorization")
	if h == nil {
		s.challenge(req, tx, now, false)
		return
	}
	creds, err := digest.ParseCredentials(h.Value())
	if err != nil {
		s.respond(req, tx, 400, "Bad Authorization")
		return
	}
	fresh, known := s.checkNonce(creds.Nonce, now)
	if !known {
		s.challenge(req, tx, now, false)
		return
	}
	if !s.authorized(id, string(req.Method), creds) {
		s.o.Logger.Warn("gb28181 register refused: wrong credentials", "device", id, "from", req.Source())
		s.respond(req, tx, 403, "Forbidden")
		return
	}
	if !fresh {
		s.challenge(req, tx, now, true)
		return
	}
	expires := requestExpires(req)
	d := store.GBDevice{ID: id, Addr: req.Source(), Transport: req.Transport(), RegisteredAt: now,
		ExpiresAt: now.Add(time.Duration(expires) * time.Second)}
	if prev, err := s.o.Store.GBDevice(ctx, id); err == nil && prev.ExpiresAt.After(now) {
		d.RegisteredAt = prev.RegisteredAt // a refresh keeps the registration's start
	}
	if expires == 0 {
		d.ExpiresAt = now
	}
	if err := s.o.Store.PutGBDevice(ctx, d); err != nil {
		s.o.Logger.Error("gb28181 register: store", "device", id, "error", err)
		s.respond(req, tx, 500, "Server Internal Error")
		return
	}
	if expires == 0 {
		s.o.Logger.Info("gb28181 device unregistered", "device", id, "addr", d.Addr)
	} else {
		s.o.Logger.Info("gb28181 device registered", "device", id, "addr", d.Addr, "transport", d.Transport, "expires", expires)
	}
	s.kick()
	hdrs := []sip.Header{
		sip.NewHeader("Date", now.In(s.o.Location).Format(DateLayout)),
		sip.NewHeader("Expires", strconv.Itoa(expires)),
	}
	if c := req.Contact(); c != nil {
		hdrs = append(hdrs, sip.NewHeader("Contact", c.Value()))
	}
	s.respond(req, tx, 200, "OK", hdrs...)
	if expires > 0 {
		s.background(func() { s.queryCatalog(s.ctx, d) })
	}
}

// requestExpires is the Expires header, else the Contact's expires
// parameter, else DefaultExpires, in seconds, capped at maxExpires.
func requestExpires(req *sip.Request) int {
	v := ""
	if h := req.GetHeader("Expires"); h != nil {
		v = h.Value()
	} else if c := req.Contact(); c != nil && c.Params != nil {
		v, _ = c.Params.Get("expires")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return int(DefaultExpires / time.Second)
	}
	return min(n, maxExpires)
}

func (s *Server) challenge(req *sip.Request, tx sip.ServerTransaction, now time.Time, stale bool) {
	v := fmt.Sprintf(`Digest realm="%s", nonce="%s", algorithm=MD5`, s.o.Domain, s.nonce(now))
	if stale {
		v += ", stale=true"
	}
	s.respond(req, tx, 401, "Unauthorized", sip.NewHeader("WWW-Authenticate", v))
}

// nonce is the issue time and its HMAC under the server's key: nothing to
// remember, and a restarted server challenges anew.
func (s *Server) nonce(now time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(now.Unix()))
	return hex.EncodeToString(b[:]) + hex.EncodeToString(s.mac(b[:]))
}

func (s *Server) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.nonceKy)
	m.Write(b)
	return m.Sum(nil)[:16]
}

// checkNonce says whether nonce was issued by this server (known) and
// whether it is still young enough (fresh).
func (s *Server) checkNonce(nonce string, now time.Time) (fresh, known bool) {
	raw, err := hex.DecodeString(nonce)
	if err != nil || len(raw) != 8+16 || !hmac.Equal(raw[8:], s.mac(raw[:8])) {
		return false, false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0)
	age := now.Sub(issued)
	return age >= -time.Minute && age <= nonceLife, true
}

// authorized checks a Digest MD5 response (RFC 2617, with or without
// qop=auth) against the device's password.
func (s *Server) authorized(id, method string, c *digest.Credentials) bool {
	pw, ok := s.o.Passwords[id]
	if !ok {
		pw = s.o.Password
	}
	if c.Username != id || c.Realm != s.o.Domain || pw == "" {
		return false
	}
	if c.Algorithm != "" && !strings.EqualFold(c.Algorithm, "MD5") {
		return false
	}
	ha1 := md5hex(c.Username + ":" + c.Realm + ":" + pw)
	ha2 := md5hex(method + ":" + c.URI)
	var want string
	switch c.QOP {
	case "":
		want = md5hex(ha1 + ":" + c.Nonce + ":" + ha2)
	case "auth":
		want = md5hex(fmt.Sprintf("%s:%s:%08x:%s:%s:%s", ha1, c.Nonce, c.Nc, c.Cnonce, c.QOP, ha2))
	default:
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(c.Response))) == 1
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// message takes MANSCDP MESSAGEs of registered devices: a Keepalive
// records its time; other commands are answered 200 and ignored for now.
func (s *Server) message(req *sip.Request, tx sip.ServerTransaction) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, ok := deviceID(req)
	if !ok {
		s.respond(req, tx, 400, "From user is not a 20-digit device id")
		return
	}
	now := s.o.Now()
	d, err := s.o.Store.GBDevice(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !d.ExpiresAt.After(now)):
		// Not registered: 403 makes a device register again, and nothing
		// is stored for a sender that never authenticated.
		s.respond(req, tx, 403, "Not registered")
		return
	case err != nil:
		s.o.Logger.Error("gb28181 message: store", "device", id, "error", err)
		s.respond(req, tx, 500, "Server Internal Error")
		return
	}
	m, err := ParseMANSCDP(req.Body())
	if err != nil {
		s.o.Logger.Debug("gb28181 message: bad body", "device", id, "error", err)
		s.respond(req, tx, 400, "Bad MANSCDP body")
		return
	}
	if m.Root == "Response" && m.CmdType == "Catalog" {
		if err := s.catalogPage(ctx, d, req.Body()); err != nil {
			s.o.Logger.Warn("gb28181 catalog: bad page", "device", id, "error", err)
			s.respond(req, tx, 400, "Bad Catalog")
			return
		}
		s.respond(req, tx, 200, "OK")
		return
	}
	if m.Root != "Notify" || m.CmdType != "Keepalive" {
		s.o.Logger.Debug("gb28181 message ignored", "device", id, "root", m.Root, "cmd", m.CmdType)
		s.respond(req, tx, 200, "OK")
		return
	}
	if m.DeviceID != id {
		s.respond(req, tx, 400, "DeviceID does not match From")
		return
	}
	if err := s.o.Store.GBKeepalive(ctx, id, now); err != nil {
		s.o.Logger.Error("gb28181 keepalive: store", "device", id, "error", err)
		s.respond(req, tx, 500, "Server Internal Error")
		return
	}
	s.respond(req, tx, 200, "OK")
	if !view(d, now, s.o.KeepaliveTimeout).Online {
		s.kick() // back from keepalive_timeout
	}
}

// background runs f on the server's WaitGroup, unless Close has begun.
func (s *Server) background(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.wg.Go(f)
	}
}
