package probe

import (
	"bufio"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// replies serves RTSP requests with answer, called with each request's
// method, CSeq and headers; answer returns false to stop serving the
// connection.
func replies(answer func(c net.Conn, method, cseq string, hdr textproto.MIMEHeader) bool) func(net.Conn) {
	return func(c net.Conn) {
		r := textproto.NewReader(bufio.NewReader(c))
		for {
			line, err := r.ReadLine()
			if err != nil {
				return
			}
			hdr, err := r.ReadMIMEHeader()
			if err != nil {
				return
			}
			method, _, _ := strings.Cut(line, " ")
			if !answer(c, method, hdr.Get("CSeq"), hdr) {
				return
			}
		}
	}
}

// okOptions answers OPTIONS with 200 and hands DESCRIBE to describe.
func okOptions(describe func(c net.Conn, cseq string)) func(net.Conn) {
	return replies(func(c net.Conn, method, cseq string, _ textproto.MIMEHeader) bool {
		if method == "OPTIONS" {
			fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n\r\n", cseq)
			return true
		}
		describe(c, cseq)
		return false
	})
}

// drip writes s one byte per interval until the client goes away.
func drip(c net.Conn, s string, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; i < 600; i++ {
		if _, err := c.Write([]byte{s[i%len(s)]}); err != nil {
			return
		}
		<-tick.C
	}
}

var hostileRTSP = map[string]func(net.Conn){
	"silent": silent,
	"reset": func(c net.Conn) {
		c.(*net.TCPConn).SetLinger(0) // the deferred Close sends RST
	},
	"reset after request": afterRequest(func(c net.Conn) {
		c.(*net.TCPConn).SetLinger(0)
	}),
	"garbage": replies(func(c net.Conn, _, _ string, _ textproto.MIMEHeader) bool {
		c.Write([]byte("HTTP/1.1 400 Bad Request\x00\xff garbage\r\n\r\n"))
		return false
	}),
	"endless headers": okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n", cseq)
		for i := 0; i < 100000; i++ {
			if _, err := c.Write([]byte("X-Pad: aaaaaaaaaaaaaaaaaaaaaaaa\r\n")); err != nil {
				return
			}
		}
	}),
	"10 MB body": okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Length: %d\r\n\r\n", cseq, 10<<20)
		chunk := []byte(strings.Repeat("m=video 0 RTP/AVP 96\r\n", 1000))
		for sent := 0; sent < 10<<20; sent += len(chunk) {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	}),
	"slowloris": okOptions(func(c net.Conn, cseq string) {
		drip(c, "RTSP/1.0 200 OK\r\nCSeq: "+cseq+"\r\nX-Slow: 1\r\n", 100*time.Millisecond)
	}),
	"closed after OPTIONS": okOptions(func(net.Conn, string) {}),
	"wrong CSeq": replies(func(c net.Conn, _, _ string, _ textproto.MIMEHeader) bool {
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: 77\r\n\r\n")
		return true
	}),
	"bare LF, no reason phrase": okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 200\nCSeq: %s\nContent-Length: %d\n\n%s", cseq, len(videoSDP), videoSDP)
	}),
	// Some servers close the connection with their 401; the client must
	// dial again to send its credentials.
	"401 with Connection: close": replies(func(c net.Conn, method, cseq string, hdr textproto.MIMEHeader) bool {
		switch {
		case method == "OPTIONS":
			fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n\r\n", cseq)
			return true
		case hdr.Get("Authorization") == "":
			fmt.Fprintf(c, "RTSP/1.0 401 Unauthorized\r\nCSeq: %s\r\nWWW-Authenticate: Basic realm=\"r\"\r\nConnection: close\r\n\r\n", cseq)
			return false
		}
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Length: %d\r\n\r\n%s", cseq, len(videoSDP), videoSDP)
		return true
	}),
	"OPTIONS not allowed": replies(func(c net.Conn, method, cseq string, _ textproto.MIMEHeader) bool {
		if method == "OPTIONS" {
			fmt.Fprintf(c, "RTSP/1.0 405 Method Not Allowed\r\nCSeq: %s\r\n\r\n", cseq)
			return true
		}
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Length: %d\r\n\r\n%s", cseq, len(videoSDP), videoSDP)
		return true
	}),
	"redirect": okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 302 Moved Temporarily\r\nCSeq: %s\r\nLocation: rtsp://10.0.0.1/x\r\n\r\n", cseq)
	}),
	"bad SDP": okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Length: 5\r\n\r\nhello", cseq)
	}),
}

func TestRTSP(t *testing.T) {
	tests := []struct {
		name       string
		camera     *fakeCamera
		raw        string // key of hostileRTSP when camera is nil
		user, pass string
		timeout    time.Duration
		state      sharpeyes.State
		reason     string
		usedAuth   []string
	}{
		{name: "ok without auth", camera: &fakeCamera{}, state: sharpeyes.StateUp},
		{name: "basic ok", camera: &fakeCamera{auth: "basic"}, state: sharpeyes.StateUp, usedAuth: []string{"basic"}},
		{name: "digest MD5 ok", camera: &fakeCamera{auth: "digest", algos: []string{"MD5"}, qop: "auth"},
			state: sharpeyes.StateUp, usedAuth: []string{"digest MD5"}},
		{name: "digest MD5 without qop ok", camera: &fakeCamera{auth: "digest", algos: []string{"MD5"}},
			state: sharpeyes.StateUp, usedAuth: []string{"digest MD5"}},
		{name: "digest SHA-256 preferred", camera: &fakeCamera{auth: "digest", algos: []string{"MD5", "SHA-256"}, qop: "auth"},
			state: sharpeyes.StateUp, usedAuth: []string{"digest SHA-256"}},
		{name: "digest on OPTIONS and DESCRIBE", camera: &fakeCamera{auth: "digest", algos: []string{"SHA-256"}, qop: "auth", authOnAll: true},
			state: sharpeyes.StateUp, usedAuth: []string{"digest SHA-256", "digest SHA-256"}},
		{name: "wrong password digest", camera: &fakeCamera{auth: "digest", algos: []string{"MD5"}, qop: "auth"},
			pass: "wrong", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP401},
		{name: "wrong password basic", camera: &fakeCamera{auth: "basic"},
			pass: "wrong", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP401},
		{name: "no credentials configured", camera: &fakeCamera{auth: "digest", algos: []string{"MD5"}},
			user: "-", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP401},
		{name: "404", camera: &fakeCamera{status: 404}, state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP404},
		{name: "503", camera: &fakeCamera{status: 503}, state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonRTSP5xx},
		{name: "no video", camera: &fakeCamera{sdp: audioSDP}, state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonNoVideo},
		{name: "silent server", raw: "silent", timeout: 300 * time.Millisecond, state: sharpeyes.StateDown, reason: sharpeyes.ReasonTimeout},
		{name: "reset", raw: "reset", state: sharpeyes.StateDown, reason: sharpeyes.ReasonRefused},
		{name: "reset after request", raw: "reset after request", state: sharpeyes.StateDown, reason: sharpeyes.ReasonRefused},
		{name: "garbage", raw: "garbage", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "endless headers", raw: "endless headers", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "10 MB body", raw: "10 MB body", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "slowloris", raw: "slowloris", timeout: 300 * time.Millisecond, state: sharpeyes.StateDown, reason: sharpeyes.ReasonTimeout},
		{name: "closed after OPTIONS", raw: "closed after OPTIONS", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "wrong CSeq", raw: "wrong CSeq", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "bare LF, no reason phrase", raw: "bare LF, no reason phrase", state: sharpeyes.StateUp},
		{name: "bad SDP", raw: "bad SDP", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
		{name: "401 with Connection: close", raw: "401 with Connection: close", state: sharpeyes.StateUp},
		{name: "OPTIONS not allowed", raw: "OPTIONS not allowed", state: sharpeyes.StateUp},
		{name: "redirect", raw: "redirect", state: sharpeyes.StateDegraded, reason: sharpeyes.ReasonBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler := hostileRTSP[tt.raw]
			if tt.camera != nil {
				tt.camera.user, tt.camera.pass = "admin", testPassword
				handler = tt.camera.serve
			}
			host, port := serve(t, handler)
			target := Target{Kind: sharpeyes.ProbeRTSP, Host: host, Port: port, Path: "/Streaming/Channels/101",
				Username: "admin", Password: testPassword}
			switch {
			case tt.user == "-":
				target.Username, target.Password = "", ""
			case tt.pass != "":
				target.Password = tt.pass
			}
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 3 * time.Second
			}
			res := probeWithin(t, Run, target, timeout)
			assertVerdict(t, res, tt.state, tt.reason)
			assertNoSecret(t, res, testPassword)
			if tt.usedAuth != nil && !slices.Equal(tt.camera.usedAuth(), tt.usedAuth) {
				t.Errorf("camera accepted %v, want %v", tt.camera.usedAuth(), tt.usedAuth)
			}
			if res.Latency <= 0 {
				t.Errorf("latency %v, want > 0", res.Latency)
			}
		})
	}
}

func TestRTSPClosedPort(t *testing.T) {
	target := Target{Kind: sharpeyes.ProbeRTSP, Host: "127.0.0.1", Port: closedPort(t), Password: testPassword}
	res := probeWithin(t, RTSP, target, time.Second)
	assertVerdict(t, res, sharpeyes.StateDown, sharpeyes.ReasonRefused)
}

func TestRTSPInvalidTarget(t *testing.T) {
	tests := map[string]Target{
		"no host":           {Port: 554},
		"space in path":     {Host: "127.0.0.1", Port: 1, Path: "/a b"},
		"newline in user":   {Host: "127.0.0.1", Port: 1, Username: "a\r\nX-Evil: 1"},
		"port out of range": {Host: "127.0.0.1", Port: 70000},
	}
	for name, target := range tests {
		t.Run(name, func(t *testing.T) {
			res := probeWithin(t, RTSP, target, time.Second)
			assertVerdict(t, res, sharpeyes.StateUnknown, ReasonProbeError)
		})
	}
}

// TestRTSPPasswordEchoed checks that a device echoing the password back in
// its reason phrase does not leak it into the Result.
func TestRTSPPasswordEchoed(t *testing.T) {
	host, port := serve(t, okOptions(func(c net.Conn, cseq string) {
		fmt.Fprintf(c, "RTSP/1.0 404 no stream for admin:%s\r\nCSeq: %s\r\n\r\n", testPassword, cseq)
	}))
	res := probeWithin(t, RTSP, Target{Host: host, Port: port, Username: "admin", Password: testPassword}, time.Second)
	assertVerdict(t, res, sharpeyes.StateDegraded, sharpeyes.ReasonRTSP404)
	assertNoSecret(t, res, testPassword)
}
