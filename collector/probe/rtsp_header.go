package probe

import "bytes"

// value returns the first value of the named header, or nil; the slice is
// valid until the next parse.
func (resp *Response) value(name string) []byte {
	for _, f := range resp.fields {
		if bytes.EqualFold(resp.head[f.name[0]:f.name[1]], []byte(name)) {
			return resp.head[f.value[0]:f.value[1]]
		}
	}
	return nil
}

// Header returns the first value of the named header (case-insensitive), or
// "" when there is none.
func (resp *Response) Header(name string) string { return string(resp.value(name)) }

// Values returns every value of the named header, in order.
func (resp *Response) Values(name string) []string {
	var vs []string
	for _, f := range resp.fields {
		if bytes.EqualFold(resp.head[f.name[0]:f.name[1]], []byte(name)) {
			vs = append(vs, string(resp.head[f.value[0]:f.value[1]]))
		}
	}
	return vs
}

// atoi parses a non-negative decimal of at most 9 digits.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isToken reports whether b is an RFC 7230 token (a header name).
func isToken(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`"(),/:;<=>?@[\]{}`), c) >= 0 {
			return false
		}
	}
	return len(b) > 0
}

// internProto and internReason avoid an allocation for the common cases.
func internProto(b []byte) string {
	if string(b) == "RTSP/1.0" {
		return "RTSP/1.0"
	}
	return string(b)
}

func internReason(b []byte) string {
	switch string(b) {
	case "OK":
		return "OK"
	case "Unauthorized":
		return "Unauthorized"
	case "Not Found":
		return "Not Found"
	}
	return string(b)
}
