package fleet

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// describeAuthed runs OPTIONS, then DESCRIBE with the Digest retry, on one
// connection, and returns both answers.
func describeAuthed(t *testing.T, f *Fleet, cam sharpeyes.Camera, path string) (opts, desc rtspResponse) {
	t.Helper()
	rc := newRTSPClient(mustDial(t, cam))
	url := "rtsp://" + addr(cam) + path
	opts, err := rc.do("OPTIONS", url)
	if err != nil {
		t.Fatalf("OPTIONS: %v", err)
	}
	desc, err = rc.do("DESCRIBE", url)
	if err == nil && desc.code == 401 {
		desc, err = rc.do("DESCRIBE", url, digestHeader(desc.header.Get("WWW-Authenticate"),
			f.cfg.Username, f.cfg.Password, "DESCRIBE", url))
	}
	if err != nil {
		t.Fatalf("DESCRIBE: %v", err)
	}
	return opts, desc
}

func TestRTSPBehaviors(t *testing.T) {
	f := mustStart(t, testConfig())
	tests := []struct {
		b                  Behavior
		path               string
		wantOpts, wantDesc int
		body               func(string) bool
	}{
		{OK, rtspPath, 200, 200, func(s string) bool { return strings.Contains(s, "m=video") }},
		{OK, "/Streaming/Channels/102", 200, 404, nil},
		{RTSP401, rtspPath, 401, 401, nil},
		{RTSP404, rtspPath, 200, 404, nil},
		{RTSP503, rtspPath, 503, 503, nil},
		{NoVideo, rtspPath, 200, 200, func(s string) bool {
			return !strings.Contains(s, "m=video") && strings.Contains(s, "m=audio 0 RTP/AVP 8")
		}},
		{Slow, rtspPath, 200, 200, func(s string) bool { return strings.Contains(s, "m=video") }},
	}
	for _, tt := range tests {
		t.Run(string(tt.b)+tt.path, func(t *testing.T) {
			start := time.Now()
			opts, desc := describeAuthed(t, f, pick(t, f, sharpeyes.ProbeRTSP, tt.b), tt.path)
			if opts.code != tt.wantOpts || desc.code != tt.wantDesc {
				t.Fatalf("OPTIONS %d DESCRIBE %d, want %d %d", opts.code, desc.code, tt.wantOpts, tt.wantDesc)
			}
			if tt.body != nil && !tt.body(desc.body) {
				t.Errorf("unexpected SDP:\n%s", desc.body)
			}
			if took := time.Since(start); tt.b == Slow && took < f.cfg.SlowDelay {
				t.Errorf("slow camera answered after %v, want at least %v", took, f.cfg.SlowDelay)
			}
		})
	}
}

func TestRTSPSetupAndPlay(t *testing.T) {
	f := mustStart(t, Config{Cameras: 1})
	cam := f.Cameras()[0]
	rc := newRTSPClient(mustDial(t, cam))
	setup, err := rc.do("SETUP", rtspURL(cam)+"/trackID=1", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")
	if err != nil || setup.code != 200 || setup.header.Get("Session") == "" ||
		!strings.HasPrefix(setup.header.Get("Transport"), "RTP/AVP/TCP;unicast;interleaved=0-1") {
		t.Fatalf("SETUP: %+v, %v", setup, err)
	}
	play, err := rc.do("PLAY", rtspURL(cam), "Session: "+setup.header.Get("Session"))
	if err != nil || play.code != 200 {
		t.Fatalf("PLAY: %+v, %v", play, err)
	}
	other, err := rc.do("RECORD", rtspURL(cam))
	if err != nil || other.code != 405 {
		t.Fatalf("RECORD: %+v, %v", other, err)
	}
}

func TestRTSPMalformedRequests(t *testing.T) {
	f := mustStart(t, Config{Cameras: 1})
	cam := f.Cameras()[0]
	tests := []struct {
		name, req string
		want      string
	}{
		{"no version", "OPTIONS *\r\nCSeq: 1\r\n\r\n", "RTSP/1.0 400 "},
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "RTSP/1.0 505 "},
		{"no cseq", "OPTIONS * RTSP/1.0\r\n\r\n", "RTSP/1.0 400 "},
		{"cseq injection", "OPTIONS * RTSP/1.0\r\nCSeq: 1\rX-Evil: 1\r\n\r\n", "RTSP/1.0 400 "},
		{"long line", "OPTIONS * RTSP/1.0\r\nX-Pad: " + strings.Repeat("a", 5000) + "\r\n\r\n", "RTSP/1.0 400 "},
		{"many headers", "OPTIONS * RTSP/1.0\r\n" + strings.Repeat("X-H: 1\r\n", 65) + "CSeq: 1\r\n\r\n", "RTSP/1.0 400 "},
		{"big body", "ANNOUNCE * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000\r\n\r\n", "RTSP/1.0 413 "},
		{"unknown method", "BREW * RTSP/1.0\r\nCSeq: 4\r\n\r\n", "RTSP/1.0 501 Not Implemented\r\nCSeq: 4\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := mustDial(t, cam)
			if _, err := conn.Write([]byte(tt.req)); err != nil {
				t.Fatal(err)
			}
			got, err := bufio.NewReader(conn).Peek(len(tt.want))
			if err != nil || string(got) != tt.want {
				t.Fatalf("answer %q, err %v; want %q", got, err, tt.want)
			}
		})
	}
}

// The fleet closes the connection after answering a malformed request.
func TestRTSPClosesAfterBadRequest(t *testing.T) {
	f := mustStart(t, Config{Cameras: 1})
	conn := mustDial(t, f.Cameras()[0])
	if _, err := conn.Write([]byte("nonsense\r\n")); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil || !strings.HasPrefix(string(got), "RTSP/1.0 400 Bad Request\r\n") {
		t.Fatalf("read %q, %v; want a 400 then EOF", got, err)
	}
}
