package fleet

import (
	"net"
	"time"
)

// junk is what garbage cameras answer: binary noise that parses as neither
// an RTSP nor an HTTP status line.
var junk = []byte("\x00\x17\xff\xfe\x8a#!garbage\x00\x01\x02\x03\x1b[31m\xde\xad\xbe\xef\r\n\r\n\x00\xc0\xfe\xe1\xba\xd0")

// handleTCP serves the plain TCP port: a TCP probe only looks at whether the
// connect succeeds, so every protocol-level behaviour is a plain close.
func (f *Fleet) handleTCP(c net.Conn, idx int) {
	if !f.serveRaw(c, f.behaviorAt(idx)) {
		c.Close()
	}
}

// serveRaw serves, on any port, the behaviours that speak no protocol:
// reset, silent and garbage. A refused or blackholed camera reached on a
// shared port anyway (its address with another camera's port) is reset.
// It reports false, leaving c alone, for every other behaviour.
func (f *Fleet) serveRaw(c net.Conn, b Behavior) bool {
	switch b {
	case Reset, Refused, Blackhole:
		resetConn(c)
	case Silent:
		f.spawn(c, f.holdSilent)
	case Garbage:
		f.spawn(c, f.sendGarbage)
	default:
		return false
	}
	return true
}

// resetConn closes c with an RST instead of a FIN.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// holdSilent reads and discards until the client gives up, the hold time
// passes or the fleet closes, and never writes. Reading (rather than just
// holding the socket) notices a client's close, so its descriptor is freed
// at once.
func (f *Fleet) holdSilent(c net.Conn) {
	if err := c.SetReadDeadline(time.Now().Add(f.cfg.SilentHold)); err != nil {
		return
	}
	var buf [256]byte
	for {
		if _, err := c.Read(buf[:]); err != nil {
			return
		}
	}
}

// sendGarbage waits for the client's request, answers junk and hangs up.
func (f *Fleet) sendGarbage(c net.Conn) {
	if err := c.SetDeadline(time.Now().Add(f.cfg.ConnTimeout)); err != nil {
		return
	}
	var buf [512]byte
	if _, err := c.Read(buf[:]); err != nil {
		return
	}
	if _, err := c.Write(junk); err != nil {
		return
	}
	hangUp(c)
}

// hangUp half-closes c after an answer and drains what the client still
// sends: closing a socket with unread data would send an RST, and the
// client could lose the answer.
func hangUp(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	drain(c, time.Second)
}

// drain reads and discards at most 64 KiB for at most d.
func drain(c net.Conn, d time.Duration) {
	if err := c.SetReadDeadline(time.Now().Add(d)); err != nil {
		return
	}
	var buf [512]byte
	for n := 0; n < 1<<16; {
		m, err := c.Read(buf[:])
		if err != nil {
			return
		}
		n += m
	}
}
