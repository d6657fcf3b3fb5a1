package probe

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func parse(s string) (*Response, error) {
	return ParseResponse(bufio.NewReaderSize(strings.NewReader(s), 4096), Limits{})
}

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		code   int
		reason string
		body   string
		header [2]string // a header to look up and its expected value
	}{
		{name: "ok with body", in: "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 3\r\n\r\nv=0",
			code: 200, reason: "OK", body: "v=0", header: [2]string{"cseq", "2"}},
		{name: "no reason phrase", in: "RTSP/1.0 404\r\n\r\n", code: 404},
		{name: "bare LF", in: "RTSP/1.0 200 OK\nCSeq: 1\n\n", code: 200, reason: "OK", header: [2]string{"CSeq", "1"}},
		{name: "folded header", in: "RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"a\",\r\n  nonce=\"b\"\r\n\r\n",
			code: 401, reason: "Unauthorized", header: [2]string{"www-authenticate", `Digest realm="a", nonce="b"`}},
		{name: "RTSP 2.0", in: "RTSP/2.0 503 Service Unavailable\r\n\r\n", code: 503, reason: "Service Unavailable"},
		{name: "no Content-Length means no body", in: "RTSP/1.0 200 OK\r\n\r\nleftover", code: 200, reason: "OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := parse(tt.in)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if resp.StatusCode != tt.code || resp.Reason != tt.reason || string(resp.Body) != tt.body {
				t.Errorf("got %d %q body %q, want %d %q body %q", resp.StatusCode, resp.Reason, resp.Body, tt.code, tt.reason, tt.body)
			}
			if tt.header[0] != "" && resp.Header(tt.header[0]) != tt.header[1] {
				t.Errorf("header %s = %q, want %q", tt.header[0], resp.Header(tt.header[0]), tt.header[1])
			}
		})
	}
}

func TestParseResponseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", io.EOF},
		{"HTTP", "HTTP/1.1 200 OK\r\n\r\n", ErrMalformed},
		{"garbage", "\x00\x01\x02garbage\r\n\r\n", ErrMalformed},
		{"status 999", "RTSP/1.0 999 What\r\n\r\n", ErrMalformed},
		{"letters in status", "RTSP/1.0 2x0 OK\r\n\r\n", ErrMalformed},
		{"truncated status", "RTSP/1.0 20", ErrMalformed},
		{"truncated headers", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n", ErrMalformed},
		{"header without colon", "RTSP/1.0 200 OK\r\nnocolon\r\n\r\n", ErrMalformed},
		{"space in header name", "RTSP/1.0 200 OK\r\nBad Name: 1\r\n\r\n", ErrMalformed},
		{"continuation first", "RTSP/1.0 200 OK\r\n folded\r\n\r\n", ErrMalformed},
		{"control character", "RTSP/1.0 200 OK\r\nX: a\x01b\r\n\r\n", ErrMalformed},
		{"negative length", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", ErrMalformed},
		{"two lengths", "RTSP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", ErrMalformed},
		{"short body", "RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", ErrMalformed},
		{"huge body", "RTSP/1.0 200 OK\r\nContent-Length: 10485760\r\n\r\n", ErrTooLarge},
		{"long line", "RTSP/1.0 200 OK\r\nX: " + strings.Repeat("a", 5000) + "\r\n\r\n", ErrTooLarge},
		{"too many headers", "RTSP/1.0 200 OK\r\n" + strings.Repeat("X: 1\r\n", 65) + "\r\n", ErrTooLarge},
		{"too many header bytes", "RTSP/1.0 200 OK\r\n" + strings.Repeat("X: "+strings.Repeat("a", 400)+"\r\n", 50) + "\r\n", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestResponseValues(t *testing.T) {
	resp, err := parse("RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"a\"\r\nCSeq: 1\r\nwww-authenticate: Digest nonce=\"x\"\r\n\r\n")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := resp.Values("WWW-Authenticate")
	if len(got) != 2 || got[0] != `Basic realm="a"` || got[1] != `Digest nonce="x"` {
		t.Errorf("Values = %q", got)
	}
	if resp.Header("Missing") != "" {
		t.Errorf("missing header has a value")
	}
}

// FuzzParseResponse checks that no input panics the parser or makes it
// return something outside its limits.
func FuzzParseResponse(f *testing.F) {
	seeds := []string{
		"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 4\r\n\r\nv=0\n",
		"RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"\r\n\r\n",
		"RTSP/1.0 200 OK\nX: a\n b\n\n",
		"RTSP/1.0 404\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\n",
		"RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	lim := Limits{MaxLine: 256, MaxHeaders: 8, MaxHeaderBytes: 512, MaxBody: 1024}
	f.Fuzz(func(t *testing.T, in []byte) {
		resp, err := ParseResponse(bufio.NewReaderSize(strings.NewReader(string(in)), 512), lim)
		if err != nil {
			return
		}
		switch {
		case resp.StatusCode < 100 || resp.StatusCode > 599:
			t.Errorf("status %d", resp.StatusCode)
		case len(resp.Body) > lim.MaxBody:
			t.Errorf("body of %d bytes", len(resp.Body))
		case len(resp.fields) > lim.MaxHeaders:
			t.Errorf("%d headers", len(resp.fields))
		case len(resp.head) > lim.MaxHeaderBytes:
			t.Errorf("%d header bytes", len(resp.head))
		}
	})
}
