package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Bounds on one RTSP reply.
const (
	maxHeaders = 64
	maxBody    = 64 << 10
)

// errBadReply is a reply that is not RTSP/1.0 as far as this bare reader
// checks: status line, headers, Content-Length.
var errBadReply = errors.New("bad reply")

// readReply reads one RTSP reply from br: the status line, the headers up
// to the empty line and a body of Content-Length bytes, which it discards.
// It returns the status code, or an error wrapping errBadReply for a reply
// it cannot parse (a line longer than br's buffer, too many headers, a body
// over 64 KiB) and the read error when the connection fails first.
func readReply(br *bufio.Reader) (int, error) {
	line, err := readLine(br)
	if err != nil {
		return 0, err
	}
	rest, ok := bytes.CutPrefix(line, []byte("RTSP/1.0 "))
	if !ok || len(rest) < 3 {
		return 0, fmt.Errorf("%w: status line", errBadReply)
	}
	code, err := strconv.Atoi(string(rest[:3]))
	if err != nil || code < 100 || code > 999 || (len(rest) > 3 && rest[3] != ' ') {
		return 0, fmt.Errorf("%w: status code", errBadReply)
	}
	length := 0
	for n := 0; ; n++ {
		if n == maxHeaders {
			return 0, fmt.Errorf("%w: more than %d headers", errBadReply, maxHeaders)
		}
		line, err := readLine(br)
		if err != nil {
			return 0, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			continue
		}
		if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil || length < 0 || length > maxBody {
			return 0, fmt.Errorf("%w: Content-Length", errBadReply)
		}
	}
	if _, err := br.Discard(length); err != nil {
		return 0, err
	}
	return code, nil
}

// readLine returns the next line without its CRLF (or LF); the slice is
// valid until the next read.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("%w: line longer than %d bytes", errBadReply, br.Size())
	case errors.Is(err, io.EOF) && len(line) > 0:
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, err
	}
	line = line[:len(line)-1]
	return bytes.TrimSuffix(line, []byte("\r")), nil
}
