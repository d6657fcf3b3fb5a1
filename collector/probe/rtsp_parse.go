package probe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits bound what ParseResponse reads from a device. A zero field takes
// its value from DefaultLimits.
type Limits struct {
	// MaxLine is the longest status or header line in bytes; a line longer
	// than the bufio.Reader's buffer is too long as well.
	MaxLine int
	// MaxHeaders is the most header lines.
	MaxHeaders int
	// MaxHeaderBytes bounds all header lines together.
	MaxHeaderBytes int
	// MaxBody is the largest Content-Length accepted (an SDP is a few
	// hundred bytes).
	MaxBody int
}

// DefaultLimits are the limits of the RTSP probe.
var DefaultLimits = Limits{MaxLine: 4 << 10, MaxHeaders: 64, MaxHeaderBytes: 16 << 10, MaxBody: 64 << 10}

func (l Limits) norm() Limits {
	d := DefaultLimits
	if l.MaxLine > 0 {
		d.MaxLine = l.MaxLine
	}
	if l.MaxHeaders > 0 {
		d.MaxHeaders = l.MaxHeaders
	}
	if l.MaxHeaderBytes > 0 {
		d.MaxHeaderBytes = l.MaxHeaderBytes
	}
	if l.MaxBody > 0 {
		d.MaxBody = l.MaxBody
	}
	return d
}

// Errors of ParseResponse; a probe that meets one ends as bad_response.
var (
	ErrMalformed = errors.New("malformed rtsp response")
	ErrTooLarge  = errors.New("rtsp response too large")
)

// Response is one parsed RTSP response.
type Response struct {
	Proto      string // "RTSP/1.0"
	StatusCode int
	Reason     string
	Body       []byte
	head       []byte  // header lines, each "Name: value\n", folding undone
	fields     []field // offsets into head
}

type field struct{ name, value [2]int }

// ParseResponse reads one RTSP response (status line, headers, a body of
// Content-Length bytes) from r within the limits l. It returns io.EOF when r
// ends before the first byte, an error wrapping ErrMalformed or ErrTooLarge
// for a reply it refuses, or the reader's own error (such as a timeout).
func ParseResponse(r *bufio.Reader, l Limits) (*Response, error) {
	resp := new(Response)
	if err := resp.parse(r, l.norm()); err != nil {
		return nil, err
	}
	return resp, nil
}

// parse fills resp, reusing its buffers; l must be normalised.
func (resp *Response) parse(r *bufio.Reader, l Limits) error {
	resp.head, resp.fields, resp.Body = resp.head[:0], resp.fields[:0], resp.Body[:0]
	line, err := readLine(r, l.MaxLine)
	if err != nil {
		return err
	}
	if err := resp.parseStatus(line); err != nil {
		return err
	}
	if err := resp.parseHeaders(r, l); err != nil {
		return err
	}
	return resp.readBody(r, l.MaxBody)
}

// readLine returns one line without its CRLF (or bare LF). It returns io.EOF
// only when r ends before the line's first byte.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > max+2:
		return nil, fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, max)
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, io.EOF
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%w: %w", ErrMalformed, io.ErrUnexpectedEOF)
	case err != nil:
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > max {
		return nil, fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, max)
	}
	for _, c := range line {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return nil, fmt.Errorf("%w: control character in line", ErrMalformed)
		}
	}
	return line, nil
}

// parseStatus parses "RTSP/1.0 200 OK"; the reason phrase may be absent.
func (resp *Response) parseStatus(line []byte) error {
	bad := func() error { return fmt.Errorf("%w: status line %s", ErrMalformed, quoteShort(string(line))) }
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("RTSP/")) || !isDigit(line[5]) ||
		line[6] != '.' || !isDigit(line[7]) || line[8] != ' ' {
		return bad()
	}
	code := 0
	for _, c := range line[9:12] {
		if !isDigit(c) {
			return bad()
		}
		code = code*10 + int(c-'0')
	}
	if code < 100 || code > 599 || (len(line) > 12 && line[12] != ' ') {
		return bad()
	}
	resp.Proto = internProto(line[:8])
	resp.StatusCode = code
	resp.Reason = ""
	if len(line) > 13 {
		resp.Reason = internReason(bytes.TrimSpace(line[13:]))
	}
	return nil
}

// parseHeaders reads header lines up to the empty line, undoing folding.
func (resp *Response) parseHeaders(r *bufio.Reader, l Limits) error {
	for {
		line, err := readLine(r, l.MaxLine)
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %w in headers", ErrMalformed, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			err = resp.fold(line)
		} else {
			err = resp.addHeader(line, l.MaxHeaders)
		}
		if err != nil {
			return err
		}
		if len(resp.head) > l.MaxHeaderBytes {
			return fmt.Errorf("%w: headers over %d bytes", ErrTooLarge, l.MaxHeaderBytes)
		}
	}
}

func (resp *Response) addHeader(line []byte, max int) error {
	if len(resp.fields) >= max {
		return fmt.Errorf("%w: more than %d headers", ErrTooLarge, max)
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !isToken(line[:colon]) {
		return fmt.Errorf("%w: header line %s", ErrMalformed, quoteShort(string(line)))
	}
	var f field
	f.name[0] = len(resp.head)
	resp.head = append(resp.head, line[:colon]...)
	f.name[1] = len(resp.head)
	resp.head = append(resp.head, ':', ' ')
	f.value[0] = len(resp.head)
	resp.head = append(resp.head, bytes.TrimSpace(line[colon+1:])...)
	f.value[1] = len(resp.head)
	resp.head = append(resp.head, '\n')
	resp.fields = append(resp.fields, f)
	return nil
}

// fold appends a continuation line to the previous header's value.
func (resp *Response) fold(line []byte) error {
	if len(resp.fields) == 0 {
		return fmt.Errorf("%w: continuation line before any header", ErrMalformed)
	}
	f := &resp.fields[len(resp.fields)-1]
	resp.head = append(resp.head[:len(resp.head)-1], ' ')
	resp.head = append(resp.head, bytes.TrimSpace(line)...)
	f.value[1] = len(resp.head)
	resp.head = append(resp.head, '\n')
	return nil
}

// readBody reads Content-Length bytes; RFC 2326 says a missing
// Content-Length means no body.
func (resp *Response) readBody(r *bufio.Reader, limit int) error {
	n := -1
	for _, f := range resp.fields {
		if !bytes.EqualFold(resp.head[f.name[0]:f.name[1]], []byte("Content-Length")) {
			continue
		}
		v, ok := atoi(resp.head[f.value[0]:f.value[1]])
		if !ok || (n >= 0 && n != v) {
			return fmt.Errorf("%w: bad Content-Length", ErrMalformed)
		}
		n = v
	}
	if n <= 0 {
		return nil
	}
	if n > limit {
		return fmt.Errorf("%w: body of %d bytes, limit %d", ErrTooLarge, n, limit)
	}
	if cap(resp.Body) < n {
		resp.Body = make([]byte, n, max(n, 1024))
	}
	resp.Body = resp.Body[:n]
	if _, err := io.ReadFull(r, resp.Body); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: body shorter than Content-Length", ErrMalformed)
		}
		return err
	}
	return nil
}
