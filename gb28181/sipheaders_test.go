package gb28181

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// registerText is a device's REGISTER with the given Expires and
// Authorization values.
func registerText(expires, auth string) string {
	var b strings.Builder
	b.WriteString("REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n")
	b.WriteString("Via: SIP/2.0/UDP 127.0.0.1:5062;rport;branch=z9hG4bK1\r\n")
	b.WriteString("From: <sip:34020000001320000001@3402000000>;tag=1\r\n")
	b.WriteString("To: <sip:34020000001320000001@3402000000>\r\n")
	b.WriteString("Call-ID: 1\r\nCSeq: 1 REGISTER\r\n")
	b.WriteString("Contact: <sip:34020000001320000001@127.0.0.1:5062>\r\n")
	if expires != "" {
		b.WriteString("Expires: " + expires + "\r\n")
	}
	if auth != "" {
		b.WriteString("Authorization: " + auth + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
}

func TestRequestExpiresHonoursTheHeaderAndFallsBack(t *testing.T) {
	tests := map[string]int{"3600": 3600, "0": 0, " 60 ": 60, "-1": 3600, "soon": 3600, "99999999999": maxExpires, "": 3600}
	for v, want := range tests {
		msg, err := sip.ParseMessage([]byte(registerText(v, "")))
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if got := requestExpires(msg.(*sip.Request)); got != want {
			t.Errorf("Expires %q: %d, want %d", v, got, want)
		}
	}
}

// FuzzRegisterHeaders feeds Expires and Authorization values through the
// SIP parser and the server's header handling: Expires always lands in
// 0..maxExpires, a nonce the server did not issue is never known, and a
// Digest response that is not the MD5 of the right password never passes.
func FuzzRegisterHeaders(f *testing.F) {
	f.Add("3600", `Digest username="34020000001320000001", realm="3402000000", nonce="00", uri="sip:34020000002000000001@3402000000", response="d41d8cd98f00b204e9800998ecf8427e", algorithm=MD5`)
	f.Add("0", `Digest username="34020000001320000001", realm="3402000000", nonce="0000000069000000aa", uri="sip:x", response="x", qop=auth, nc=00000001, cnonce="c"`)
	f.Add("-5", `Digest username=, realm`)
	f.Add("1e9", `Basic YWxhZGRpbjpvcGVuc2VzYW1l`)
	f.Add("", `Digest algorithm=SHA-256, response="`)
	s := &Server{o: Options{Domain: "3402000000", Password: "12345678"}.withDefaults(), nonceKy: []byte("0123456789abcdef0123456789abcdef")}
	now := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expires, auth string) {
		msg, err := sip.ParseMessage([]byte(registerText(expires, auth)))
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			t.Fatalf("REGISTER parsed as %T", msg)
		}
		if n := requestExpires(req); n < 0 || n > maxExpires {
			t.Fatalf("Expires %q gave %d", expires, n)
		}
		h := req.GetHeader("Authorization")
		if h == nil {
			return
		}
		creds, err := digest.ParseCredentials(h.Value())
		if err != nil {
			return
		}
		if _, known := s.checkNonce(creds.Nonce, now); known {
			t.Fatalf("nonce %q known without being issued", creds.Nonce)
		}
		if s.authorized("34020000001320000001", "REGISTER", creds) {
			ha1 := md5hex(creds.Username + ":" + creds.Realm + ":12345678")
			ha2 := md5hex("REGISTER:" + creds.URI)
			plain := md5hex(ha1 + ":" + creds.Nonce + ":" + ha2)
			if creds.QOP == "" && !strings.EqualFold(creds.Response, plain) {
				t.Fatalf("authorized a wrong response: %+v", creds)
			}
		}
	})
}
