package main

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name, in string
		code     int
		err      error
		rest     string // what must be left unread
	}{
		{"options", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\nNEXT", 200, nil, "NEXT"},
		{"body skipped", "RTSP/1.0 200 OK\r\ncontent-length: 4\r\n\r\nv=0\nNEXT", 200, nil, "NEXT"},
		{"bare LF", "RTSP/1.0 404 Not Found\nCSeq: 2\n\n", 404, nil, ""},
		{"no reason", "RTSP/1.0 503\r\n\r\n", 503, nil, ""},
		{"http", "HTTP/1.1 200 OK\r\n\r\n", 0, errBadReply, ""},
		{"bad code", "RTSP/1.0 2x0 OK\r\n\r\n", 0, errBadReply, ""},
		{"long code", "RTSP/1.0 2000 OK\r\n\r\n", 0, errBadReply, ""},
		{"bad length", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", 0, errBadReply, ""},
		{"huge length", "RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n", 0, errBadReply, ""},
		{"long line", "RTSP/1.0 200 OK\r\nX: " + strings.Repeat("a", 5000) + "\r\n\r\n", 0, errBadReply, ""},
		{"many headers", "RTSP/1.0 200 OK\r\n" + strings.Repeat("X: y\r\n", 80) + "\r\n", 0, errBadReply, ""},
		{"empty", "", 0, io.EOF, ""},
		{"cut in headers", "RTSP/1.0 200 OK\r\nCSeq: 1", 0, io.ErrUnexpectedEOF, ""},
		{"cut in body", "RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nv=0", 0, io.EOF, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 4096)
			code, err := readReply(br)
			if code != tt.code || !errors.Is(err, tt.err) {
				t.Fatalf("readReply = %d, %v; want %d, %v", code, err, tt.code, tt.err)
			}
			if tt.err == nil {
				rest, _ := io.ReadAll(br)
				if string(rest) != tt.rest {
					t.Errorf("left %q unread, want %q", rest, tt.rest)
				}
			}
		})
	}
}

func FuzzReadReply(f *testing.F) {
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 3\r\n\r\nv=0"))
	f.Add([]byte("RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"x\"\r\n\r\n"))
	f.Add([]byte("RTSP/1.0 200\n\n"))
	f.Add([]byte("\x00\x17\xff\xfe garbage\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		br := bufio.NewReaderSize(strings.NewReader(string(in)), 4096)
		code, err := readReply(br)
		if err == nil && (code < 100 || code > 999) {
			t.Fatalf("code %d without an error", code)
		}
		if err != nil && code != 0 {
			t.Fatalf("code %d with error %v", code, err)
		}
	})
}
