package api_test

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/api"
)

// dialFrom connects from a chosen loopback address.
func dialFrom(t *testing.T, ip, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// refused reports whether the server closed a connection from ip at
// once: the reset reached the dial already, or a read sees EOF or a reset
// rather than waiting.
func refused(t *testing.T, ip, addr string) bool {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return errors.Is(err, syscall.ECONNRESET)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, io.EOF)
}

// A listener with caps keeps at most perClient connections of one address
// and total of all, closing the others at once, and frees a slot when a
// connection closes.
func TestLimitListenerCapsConnectionsPerClientAndInTotal(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := api.LimitListener(ln, 3, 2)
	defer l.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	addr := ln.Addr().String()
	take := func(from string) net.Conn {
		t.Helper()
		dialFrom(t, from, addr)
		select {
		case sc := <-accepted:
			return sc
		case <-time.After(5 * time.Second):
			t.Fatalf("connection from %s not accepted", from)
			return nil
		}
	}
	first := take("127.0.0.1")
	take("127.0.0.1")
	if !refused(t, "127.0.0.1", addr) {
		t.Fatal("a third connection from one address was kept")
	}
	take("127.0.0.2")
	if !refused(t, "127.0.0.3", addr) {
		t.Fatal("a connection over the total cap was kept")
	}
	if l.Rejected() != 2 || l.Open() != 3 {
		t.Fatalf("rejected %d open %d, want 2 and 3", l.Rejected(), l.Open())
	}
	first.Close()
	take("127.0.0.3")
}
