package fleet

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Bounds on what an RTSP client may send.
const (
	maxLine    = 4096 // bytes per line, and the size of the read buffer
	maxHeaders = 64
	maxBody    = 4096
)

// Parse errors, each answered with its status before the connection closes.
var (
	errLineTooLong  = errors.New("rtsp: line too long")
	errManyHeaders  = errors.New("rtsp: too many headers")
	errMalformed    = errors.New("rtsp: malformed request")
	errVersion      = errors.New("rtsp: unsupported version")
	errBodyTooLarge = errors.New("rtsp: body too large")
)

// request is one parsed RTSP request: the fields the fleet answers on.
type request struct {
	method    string // one of methods, or "" for an unknown method
	uri       string
	cseq      string
	auth      string
	transport string
	length    int
}

// methods are the RTSP/1.0 methods of RFC 2326.
var methods = []string{"OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PAUSE", "TEARDOWN",
	"GET_PARAMETER", "SET_PARAMETER", "ANNOUNCE", "RECORD", "REDIRECT"}

// methodName returns the interned name of a known method, without
// allocating, or "".
func methodName(b []byte) string {
	for _, m := range methods {
		if string(b) == m {
			return m
		}
	}
	return ""
}

// readRequest reads one request into req, discarding its body. Lines are
// bounded by the reader's size (maxLine), headers by maxHeaders, the body by
// maxBody; control characters other than tab are malformed, so nothing the
// client sent can break the header lines echoed back.
func readRequest(br *bufio.Reader, req *request) error {
	*req = request{}
	line, err := readLine(br)
	for err == nil && len(line) == 0 { // tolerate CRLFs between requests
		line, err = readLine(br)
	}
	if err != nil {
		return err
	}
	method, rest, ok1 := bytes.Cut(line, []byte{' '})
	uri, proto, ok2 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 || len(method) == 0 || len(uri) == 0 {
		return errMalformed
	}
	if !bytes.HasPrefix(proto, []byte("RTSP/1.")) {
		return errVersion
	}
	req.method, req.uri = methodName(method), string(uri)
	for n := 0; ; n++ {
		if line, err = readLine(br); err != nil {
			return err
		}
		if len(line) == 0 {
			break
		}
		if n == maxHeaders {
			return errManyHeaders
		}
		if err := req.header(line); err != nil {
			return err
		}
	}
	if req.cseq == "" {
		return errMalformed
	}
	if req.length > maxBody {
		return errBodyTooLarge
	}
	_, err = br.Discard(req.length)
	return err
}

// header records one header line of interest.
func (req *request) header(line []byte) error {
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return errMalformed
	}
	name, value = bytes.TrimSpace(name), bytes.TrimSpace(value)
	switch {
	case equalFold(name, "CSeq"):
		if len(value) == 0 || len(value) > 10 || !isDigits(value) {
			return errMalformed
		}
		req.cseq = string(value)
	case equalFold(name, "Authorization"):
		req.auth = string(value)
	case equalFold(name, "Transport"):
		req.transport = string(value)
	case equalFold(name, "Content-Length"):
		n, err := strconv.Atoi(string(value))
		if err != nil || n < 0 {
			return errMalformed
		}
		req.length = n
	}
	return nil
}

// readLine returns one line without its CR LF.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, errLineTooLong
	}
	if err != nil {
		return nil, err
	}
	line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
	for _, c := range line {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return nil, errMalformed
		}
	}
	return line, nil
}

func equalFold(b []byte, s string) bool { return len(b) == len(s) && strings.EqualFold(string(b), s) }

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// uriPath returns the path of an RTSP request URI (absolute or a bare
// path) without query and trailing slashes: "rtsp://h:554/a/b/?x" is "/a/b".
func uriPath(uri string) string {
	if i := strings.Index(uri, "://"); i >= 0 {
		rest := uri[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return ""
		}
		uri = rest[j:]
	}
	if j := strings.IndexAny(uri, "?#"); j >= 0 {
		uri = uri[:j]
	}
	return strings.TrimRight(uri, "/")
}
