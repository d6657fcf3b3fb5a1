package probe

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// testPassword is the password of every test camera; assertNoSecret checks
// that it never shows up in a Result.
const testPassword = "s3cret-Pa55"

// serve starts a TCP server on a free loopback port that runs handle for
// each connection, and returns its host and port. Cleanup closes the
// listener and every connection and waits for the handlers.
func serve(t testing.TB, handle func(net.Conn)) (string, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

// closedPort returns a loopback port that nothing listens on.
func closedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// silent reads and discards until the client goes away, never answering.
func silent(c net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// afterRequest returns a handler that first reads a request's head (up to
// the empty line) and then runs misbehave, as a hostile server would.
func afterRequest(misbehave func(net.Conn)) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" || line == "\n" {
				break
			}
		}
		misbehave(c)
	}
}

// probeWithin runs f against t with the given timeout and fails the test
// when the probe overruns its deadline by more than a second (slack for a
// loaded -race run; a probe that ignored its deadline would hang far longer).
func probeWithin(tb testing.TB, f Func, t Target, timeout time.Duration) Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	res := f(ctx, t)
	if took := time.Since(start); took > timeout+time.Second {
		tb.Errorf("probe took %v, deadline was %v", took, timeout)
	}
	return res
}

// assertVerdict checks the state and reason of a Result.
func assertVerdict(t testing.TB, res Result, state sharpeyes.State, reason string) {
	t.Helper()
	if res.State != state || res.Reason != reason {
		var b bytes.Buffer
		_ = res.Format(&b)
		t.Errorf("got %s/%q, want %s/%q\n%s", res.State, res.Reason, state, reason, b.String())
	}
	if (res.Reason == "") != (res.State == sharpeyes.StateUp) {
		t.Errorf("state %s with reason %q: only up has no reason", res.State, res.Reason)
	}
	if len(res.Steps) == 0 {
		t.Errorf("no steps recorded")
	}
}

// assertNoSecret fails when secret appears in the Result's detail, steps or
// formatted diagnosis.
func assertNoSecret(t testing.TB, res Result, secret string) {
	t.Helper()
	var b bytes.Buffer
	if err := res.Format(&b); err != nil {
		t.Fatalf("format: %v", err)
	}
	texts := []string{res.Detail, b.String()}
	for _, s := range res.Steps {
		texts = append(texts, s.Name, s.Detail)
	}
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("secret leaked in %q", s)
		}
	}
}
