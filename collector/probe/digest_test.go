package probe

import (
	"strings"
	"testing"
)

// TestDigestResponseVectors checks the worked examples of RFC 2617 (3.5)
// and RFC 7616 (3.9.1).
func TestDigestResponseVectors(t *testing.T) {
	rfc7616 := `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%s, ` +
		`nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	tests := []struct {
		name, header, pass, uri, cnonce, want string
	}{
		{"RFC 2617 MD5", `Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			"Circle Of Life", "/dir/index.html", "0a4f113b", "6629fae49393a05397450978507c4ef1"},
		{"RFC 7616 MD5", strings.Replace(rfc7616, "%s", "MD5", 1),
			"Circle of Life", "/dir/index.html", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "8ca523f5e9506fed4657c9700eebdbec"},
		{"RFC 7616 SHA-256", strings.Replace(rfc7616, "%s", "SHA-256", 1),
			"Circle of Life", "/dir/index.html", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, ok := pickChallenge([]string{tt.header})
			if !ok {
				t.Fatalf("no usable challenge in %s", tt.header)
			}
			got, user := digestResponse(&ch, "Mufasa", tt.pass, "GET", tt.uri, tt.cnonce, 1)
			if got != tt.want || user != "Mufasa" {
				t.Errorf("response = %s (user %s), want %s", got, user, tt.want)
			}
		})
	}
}

func TestPickChallenge(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string // challenge name, "" for none
		realm   string
		qop     string
	}{
		{name: "basic", headers: []string{`Basic realm="cam"`}, want: "basic", realm: "cam"},
		{name: "digest over basic", headers: []string{`Basic realm="cam"`, `Digest realm="cam", nonce="n"`},
			want: "digest MD5", realm: "cam"},
		{name: "sha-256 over md5 in one header",
			headers: []string{`Digest realm="a", nonce="1", algorithm=MD5, qop="auth", Digest realm="b", nonce="2", algorithm=SHA-256, qop="auth"`},
			want:    "digest SHA-256", realm: "b", qop: "auth"},
		{name: "sha-512-256", headers: []string{`Digest nonce="1", algorithm="SHA-512-256"`}, want: "digest SHA-512-256"},
		{name: "lower-case scheme and spaces", headers: []string{`digest   realm = "r" , nonce = n1 ,qop=auth`},
			want: "digest MD5", realm: "r", qop: "auth"},
		{name: "escaped quote", headers: []string{`Digest realm="a \"b\" \\c", nonce="n"`}, want: "digest MD5", realm: `a "b" \c`},
		{name: "auth-int only", headers: []string{`Digest realm="r", nonce="n", qop="auth-int"`}, want: "digest MD5", realm: "r", qop: "auth-int"},
		{name: "unknown qop", headers: []string{`Digest realm="r", nonce="n", qop="auth-conf"`}},
		{name: "unknown algorithm", headers: []string{`Digest realm="r", nonce="n", algorithm=SHA-1`}},
		{name: "no nonce", headers: []string{`Digest realm="r"`}},
		{name: "other schemes only", headers: []string{`Negotiate abc==`, `NTLM`, `Bearer realm="x"`}},
		{name: "unterminated quote", headers: []string{`Digest realm="r, nonce="n`}},
		{name: "garbage", headers: []string{`,,, ="" = Digest`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, ok := pickChallenge(tt.headers)
			switch {
			case tt.want == "" && ok:
				t.Errorf("picked %s, want none", ch.name())
			case tt.want != "" && !ok:
				t.Errorf("picked none, want %s", tt.want)
			case ok && (ch.name() != tt.want || ch.realm != tt.realm || ch.qop != tt.qop):
				t.Errorf("picked %s realm %q qop %q, want %s realm %q qop %q", ch.name(), ch.realm, ch.qop, tt.want, tt.realm, tt.qop)
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	ch, ok := pickChallenge([]string{`Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth", opaque="o", userhash=true`})
	if !ok {
		t.Fatal("no challenge")
	}
	a := authState{ch: ch, user: `ad"min`, pass: testPassword, cnonce: "c"}
	first := string(a.appendHeader(nil, "DESCRIBE", "rtsp://h/p"))
	second := string(a.appendHeader(nil, "DESCRIBE", "rtsp://h/p"))
	for _, want := range []string{`Authorization: Digest username="`, `realm="r"`, `nonce="n"`, `uri="rtsp://h/p"`,
		`algorithm=SHA-256`, `qop=auth`, `nc=00000001`, `cnonce="c"`, `opaque="o"`, `userhash=true`, "\r\n"} {
		if !strings.Contains(first, want) {
			t.Errorf("header %q lacks %q", first, want)
		}
	}
	if !strings.Contains(second, "nc=00000002") {
		t.Errorf("second header %q does not count nc up", second)
	}
	if strings.Contains(first, testPassword) || strings.Contains(first, "ad\"min") {
		t.Errorf("header %q carries the password or the clear username despite userhash", first)
	}
	basic := authState{ch: challenge{basic: true}, user: "admin", pass: "pw"}
	if got := string(basic.appendHeader(nil, "OPTIONS", "rtsp://h/")); got != "Authorization: Basic YWRtaW46cHc=\r\n" {
		t.Errorf("basic header = %q", got)
	}
}

// FuzzPickChallenge checks that no WWW-Authenticate value panics the
// challenge parser and that a picked challenge is complete.
func FuzzPickChallenge(f *testing.F) {
	f.Add(`Digest realm="IP Camera", nonce="abc", algorithm=MD5, qop="auth"`)
	f.Add(`Basic realm="x", Digest nonce="\"", algorithm=SHA-256-sess, stale=TRUE`)
	f.Add(`Digest realm="unterminated`)
	f.Fuzz(func(t *testing.T, header string) {
		ch, ok := pickChallenge([]string{header})
		if ok && !ch.basic && (ch.algo == nil || ch.nonce == "") {
			t.Errorf("incomplete digest challenge %+v", ch)
		}
	})
}
