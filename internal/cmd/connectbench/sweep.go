package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// result is what one run measured.
type result struct {
	count, ok int
	wall      time.Duration
	failures  map[string]int
}

// sweep connects to every target once with o.concurrency workers, timing
// the connects only (not the reading of the inventory).
func sweep(ctx context.Context, ts []target, o options) result {
	d := net.Dialer{Timeout: o.timeout, KeepAlive: -1}
	var next atomic.Int64
	var mu sync.Mutex
	res := result{count: len(ts), failures: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for range min(o.concurrency, len(ts)) {
		wg.Go(func() {
			w := worker{d: &d, timeout: o.timeout, rtsp: o.rtsp, rst: o.rst, br: bufio.NewReaderSize(nil, 4096),
				buf: make([]byte, 0, 256), fails: map[string]int{}}
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(ts) {
					break
				}
				w.one(ctx, ts[i])
			}
			mu.Lock()
			defer mu.Unlock()
			res.ok += w.ok
			for k, n := range w.fails {
				res.failures[k] += n
			}
		})
	}
	wg.Wait()
	res.wall = time.Since(start)
	return res
}

// worker is one connecting goroutine with its own buffers and tallies.
type worker struct {
	d       *net.Dialer
	timeout time.Duration
	rtsp    bool
	rst     bool
	br      *bufio.Reader
	buf     []byte
	ok      int
	fails   map[string]int
}

// one connects to t (and exchanges OPTIONS and DESCRIBE when asked and t is
// an rtsp camera), then closes, with an RST when asked, counting the
// outcome.
func (w *worker) one(ctx context.Context, t target) {
	conn, err := w.d.DialContext(ctx, "tcp", t.addr)
	if tc, ok := conn.(*net.TCPConn); ok && w.rst {
		err = tc.SetLinger(0)
	}
	if err == nil && w.rtsp && t.url != "" {
		err = w.exchange(conn, t.url)
	}
	if conn != nil {
		conn.Close()
	}
	if err != nil {
		w.fails[kind(err)]++
		return
	}
	w.ok++
}

// exchange sends OPTIONS then DESCRIBE on conn, each answered before the
// next, within one timeout for the whole exchange. It returns an error for
// a failed write or read, or a reply that is not 200.
func (w *worker) exchange(conn net.Conn, url string) error {
	if err := conn.SetDeadline(time.Now().Add(w.timeout)); err != nil {
		return err
	}
	w.br.Reset(conn)
	defer w.br.Reset(nil)
	for cseq, method := range []string{"OPTIONS", "DESCRIBE"} {
		b := append(w.buf[:0], method...)
		b = append(append(append(b, ' '), url...), " RTSP/1.0\r\nCSeq: "...)
		b = strconv.AppendInt(b, int64(cseq+1), 10)
		if method == "DESCRIBE" {
			b = append(b, "\r\nAccept: application/sdp"...)
		}
		w.buf = append(b, "\r\nUser-Agent: connectbench\r\n\r\n"...)
		if _, err := conn.Write(w.buf); err != nil {
			return err
		}
		code, err := readReply(w.br)
		if err != nil {
			return err
		}
		if code != 200 {
			return statusError(code)
		}
	}
	return nil
}

// statusError is a reply other than 200.
type statusError int

func (e statusError) Error() string { return "rtsp status " + strconv.Itoa(int(e)) }

// kind names the failure of one connect or exchange.
func kind(err error) string {
	var se statusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return "rtsp_" + strconv.Itoa(int(se))
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "too_many_files"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no_local_port"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	case errors.Is(err, errBadReply):
		return "bad_reply"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "other"
}
