package fleet

import (
	"bufio"
	"strings"
	"testing"
)

// FuzzReadRequest feeds the RTSP request parser arbitrary bytes: it must
// not panic, and what it accepts must be safe to echo.
func FuzzReadRequest(f *testing.F) {
	for _, s := range []string{
		"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		"DESCRIBE rtsp://127.20.0.2:554/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n",
		"SETUP rtsp://h/a/trackID=1 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n",
		"ANNOUNCE * RTSP/1.0\r\nCSeq: 4\r\nContent-Length: 5\r\n\r\nhello",
		"\r\n\r\nOPTIONS * RTSP/1.0\r\ncseq:7\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"OPTIONS * RTSP/1.0\r\nCSeq: 1\rX: y\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req request
		br := bufio.NewReaderSize(strings.NewReader(string(data)), maxLine)
		for range 4 {
			if err := readRequest(br, &req); err != nil {
				return
			}
			if req.cseq == "" || !isDigits([]byte(req.cseq)) || req.length > maxBody {
				t.Fatalf("accepted %+v", req)
			}
			for _, v := range []string{req.uri, req.auth, req.transport} {
				if strings.ContainsAny(v, "\r\n") {
					t.Fatalf("accepted a CR or LF in %q", v)
				}
			}
		}
	})
}

// FuzzParseDigest feeds the Authorization parser arbitrary headers: it must
// not panic, and never authorise a header that lacks the right response.
func FuzzParseDigest(f *testing.F) {
	s := newRTSPStatic(Config{Username: "admin", Password: "pw", AllowBasic: true})
	for _, h := range []string{
		`Digest username="admin", realm="sharpeyes-fleet", nonce="abc", uri="rtsp://h/x", response="0123", qop=auth, nc=00000001, cnonce="c"`,
		`Digest username="ad\"min", realm=sharpeyes-fleet, nonce="a,b", uri="/x", response="00"`,
		`Digest username="`,
		`Basic YWRtaW46cHc=`,
		`Basic !!!`,
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		parseDigest(strings.TrimPrefix(h, "Digest "))
		if s.authorized("DESCRIBE", "rtsp://h/x", h, false) && !strings.Contains(h, s.nonce) &&
			!strings.HasPrefix(strings.ToLower(h), "basic ") {
			t.Fatalf("authorised %q without the nonce", h)
		}
	})
}
