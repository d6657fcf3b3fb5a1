package fleet

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"
)

// rtspConn is the per-connection state of the RTSP server, pooled.
type rtspConn struct {
	br  *bufio.Reader
	req request
	out []byte // the response being written
	sdp []byte // the SDP body being rendered
}

var rtspPool = sync.Pool{New: func() any {
	return &rtspConn{br: bufio.NewReaderSize(nil, maxLine), out: make([]byte, 0, 1024), sdp: make([]byte, 0, 512)}
}}

// handleRTSP serves one connection of the RTSP port.
func (f *Fleet) handleRTSP(c net.Conn, idx int) {
	if f.serveRaw(c, f.behaviorAt(idx)) {
		return
	}
	f.spawn(c, func(c net.Conn) { f.serveRTSP(c, idx) })
}

// serveRTSP answers requests until the client closes, goes idle for
// ConnTimeout, sends something malformed, or the camera turns silent, reset
// or garbage. A slow camera waits SlowDelay before its first answer only,
// so a whole conversation takes about SlowDelay.
func (f *Fleet) serveRTSP(c net.Conn, idx int) {
	rc := rtspPool.Get().(*rtspConn)
	rc.br.Reset(c)
	defer func() {
		rc.br.Reset(nil)
		rtspPool.Put(rc)
	}()
	for delayed := false; ; {
		// One deadline for reading the request and writing its answer.
		if err := c.SetDeadline(time.Now().Add(f.cfg.ConnTimeout)); err != nil {
			return
		}
		if err := readRequest(rc.br, &rc.req); err != nil {
			if code := parseErrorStatus(err); code != 0 {
				rc.out = appendStatus(rc.out[:0], code, "")
				if _, err := c.Write(append(rc.out, "\r\n"...)); err == nil {
					hangUp(c)
				}
			}
			return
		}
		if rc.req.auth != "" {
			f.authSeen[idx].Add(1)
		}
		b := f.behaviorAt(idx)
		switch b {
		case Reset, Refused, Blackhole:
			resetConn(c)
			return
		case Silent, Garbage:
			return
		case Slow:
			if !delayed && (!f.sleep(f.cfg.SlowDelay) || c.SetDeadline(time.Now().Add(f.cfg.ConnTimeout)) != nil) {
				return
			}
			delayed = true
		}
		rc.out = f.respond(rc, b, idx)
		if _, err := c.Write(rc.out); err != nil {
			return
		}
	}
}

// parseErrorStatus maps a parse error to the status to answer, or 0 to
// close silently (EOF, timeout).
func parseErrorStatus(err error) int {
	switch {
	case errors.Is(err, errVersion):
		return 505
	case errors.Is(err, errBodyTooLarge):
		return 413
	case errors.Is(err, errLineTooLong), errors.Is(err, errManyHeaders):
		return 400
	case errors.Is(err, errMalformed):
		return 400
	}
	return 0
}

var reasons = map[int]string{200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
	405: "Method Not Allowed", 413: "Request Entity Too Large", 454: "Session Not Found",
	461: "Unsupported Transport", 501: "Not Implemented", 503: "Service Unavailable", 505: "RTSP Version Not Supported"}

const publicMethods = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER"

// appendStatus appends the status line, the CSeq echo (when known) and the
// Server header; the caller adds headers and the empty line.
func appendStatus(out []byte, code int, cseq string) []byte {
	out = append(out, "RTSP/1.0 "...)
	out = strconv.AppendInt(out, int64(code), 10)
	out = append(out, ' ')
	out = append(out, reasons[code]...)
	if cseq != "" {
		out = append(out, "\r\nCSeq: "...)
		out = append(out, cseq...)
	}
	return append(out, "\r\nServer: sharpeyes-fleet\r\n"...)
}
