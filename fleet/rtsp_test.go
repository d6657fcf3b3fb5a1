package fleet

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestRTSPOptionsEchoesCSeq(t *testing.T) {
	f := mustStart(t, testConfig())
	rc := newRTSPClient(mustDial(t, pick(t, f, sharpeyes.ProbeRTSP, OK)))
	for want := 1; want <= 3; want++ { // keep-alive: several requests on one connection
		resp, err := rc.do("OPTIONS", "*")
		if err != nil {
			t.Fatalf("OPTIONS %d: %v", want, err)
		}
		if resp.code != 200 || resp.header.Get("CSeq") != strconv.Itoa(want) {
			t.Fatalf("OPTIONS %d: code %d CSeq %q", want, resp.code, resp.header.Get("CSeq"))
		}
		if !strings.Contains(resp.header.Get("Public"), "DESCRIBE") {
			t.Errorf("Public = %q, want DESCRIBE in it", resp.header.Get("Public"))
		}
	}
}

func TestRTSPDescribeDigestAuth(t *testing.T) {
	cfg := testConfig()
	f := mustStart(t, cfg)
	cam := pick(t, f, sharpeyes.ProbeRTSP, OK)
	rc := newRTSPClient(mustDial(t, cam))
	url := rtspURL(cam)
	resp, err := rc.do("DESCRIBE", url, "Accept: application/sdp")
	if err != nil {
		t.Fatal(err)
	}
	challenge := resp.header.Get("WWW-Authenticate")
	if resp.code != 401 || !strings.HasPrefix(challenge, "Digest ") || !strings.Contains(challenge, `qop="auth"`) ||
		!strings.Contains(challenge, "algorithm=MD5") || !strings.Contains(challenge, `realm="sharpeyes-fleet"`) {
		t.Fatalf("DESCRIBE without auth: code %d, challenge %q", resp.code, challenge)
	}
	if len(resp.header.Values("WWW-Authenticate")) != 1 {
		t.Errorf("Basic offered without AllowBasic: %q", resp.header.Values("WWW-Authenticate"))
	}
	resp, err = rc.do("DESCRIBE", url, "Accept: application/sdp",
		digestHeader(challenge, cfg.Username, cfg.Password, "DESCRIBE", url))
	if err != nil {
		t.Fatal(err)
	}
	if resp.code != 200 || resp.header.Get("Content-Type") != "application/sdp" {
		t.Fatalf("DESCRIBE with auth: code %d, type %q", resp.code, resp.header.Get("Content-Type"))
	}
	if resp.header.Get("Content-Base") != url+"/" {
		t.Errorf("Content-Base = %q, want %q", resp.header.Get("Content-Base"), url+"/")
	}
	for _, want := range []string{"v=0\r\n", "IN IP4 " + cam.Host + "\r\n", "s=", "t=0 0\r\n",
		"m=video 0 RTP/AVP 96\r\n", "a=rtpmap:96 H264/90000\r\n", "a=control:trackID=1\r\n"} {
		if !strings.Contains(resp.body, want) {
			t.Errorf("SDP lacks %q:\n%s", want, resp.body)
		}
	}
}

func TestRTSPRejectsBadCredentials(t *testing.T) {
	cfg := testConfig()
	f := mustStart(t, cfg)
	cam := pick(t, f, sharpeyes.ProbeRTSP, OK)
	url := rtspURL(cam)
	tests := []struct {
		name string
		auth func(challenge string) string
	}{
		{"wrong password", func(ch string) string { return digestHeader(ch, cfg.Username, "nope", "DESCRIBE", url) }},
		{"wrong user", func(ch string) string { return digestHeader(ch, "root", cfg.Password, "DESCRIBE", url) }},
		{"wrong method", func(ch string) string { return digestHeader(ch, cfg.Username, cfg.Password, "OPTIONS", url) }},
		{"other uri", func(ch string) string {
			return strings.Replace(digestHeader(ch, cfg.Username, cfg.Password, "DESCRIBE", url+"x"), url+"x", url, 1)
		}},
		{"wrong nonce", func(ch string) string {
			return digestHeader(strings.Replace(ch, `nonce="`, `nonce="x`, 1), cfg.Username, cfg.Password, "DESCRIBE", url)
		}},
		{"basic not allowed", func(string) string { return "Authorization: Basic YWRtaW46czNjcmV0OnB3" }},
		{"garbled", func(string) string { return `Authorization: Digest username="admin, nonce=` }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newRTSPClient(mustDial(t, cam))
			resp, err := rc.do("DESCRIBE", url)
			if err != nil {
				t.Fatal(err)
			}
			resp, err = rc.do("DESCRIBE", url, tt.auth(resp.header.Get("WWW-Authenticate")))
			if err != nil || resp.code != 401 {
				t.Fatalf("got code %d, err %v; want 401", resp.code, err)
			}
		})
	}
}

func TestRTSPBasicWhenAllowed(t *testing.T) {
	cfg := testConfig()
	cfg.Cameras, cfg.Mix, cfg.Kinds, cfg.AllowBasic = 3, nil, nil, true
	f := mustStart(t, cfg)
	cam := f.Cameras()[0]
	rc := newRTSPClient(mustDial(t, cam))
	resp, err := rc.do("DESCRIBE", rtspURL(cam))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.header.Values("WWW-Authenticate"); len(got) != 2 || got[1] != `Basic realm="sharpeyes-fleet"` {
		t.Fatalf("challenges = %q, want Digest and Basic", got)
	}
	// base64("admin:s3cret:pw"): the password itself holds a colon.
	resp, err = rc.do("DESCRIBE", rtspURL(cam), "Authorization: Basic YWRtaW46czNjcmV0OnB3")
	if err != nil || resp.code != 200 {
		t.Fatalf("Basic: code %d, err %v; want 200", resp.code, err)
	}
}

func TestRTSPWithoutCredentials(t *testing.T) {
	f := mustStart(t, Config{Cameras: 2})
	cam := f.Cameras()[1]
	resp, err := newRTSPClient(mustDial(t, cam)).do("DESCRIBE", cam.Path)
	if err != nil || resp.code != 200 || !strings.Contains(resp.body, "m=video") {
		t.Fatalf("DESCRIBE of a bare path: code %d, err %v", resp.code, err)
	}
}
