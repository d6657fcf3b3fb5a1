package fleet

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Realm is the authentication realm of every simulated camera.
const Realm = "sharpeyes-fleet"

// rtspStatic is what every RTSP exchange of a fleet shares: the login and
// the pre-rendered challenge.
type rtspStatic struct {
	auth      bool // credentials configured: DESCRIBE and later need them
	basic     bool // Basic is accepted too
	user      string
	ha1       string // hex MD5(user:realm:password)
	basicWant string // "user:password"
	nonce     string
	challenge []byte // the WWW-Authenticate header lines
	// basicChallenge is the only challenge of a Basic-only fleet (see
	// Fleet.SetBasicOnly), which accepts nothing but Basic.
	basicChallenge []byte
}

func newRTSPStatic(cfg Config) rtspStatic {
	s := rtspStatic{auth: cfg.Username != "", basic: cfg.AllowBasic, user: cfg.Username,
		ha1: md5hex(cfg.Username + ":" + Realm + ":" + cfg.Password), basicWant: cfg.Username + ":" + cfg.Password,
		nonce: rand.Text()}
	s.challenge = []byte(`WWW-Authenticate: Digest realm="` + Realm + `", nonce="` + s.nonce +
		`", qop="auth", algorithm=MD5` + "\r\n")
	s.basicChallenge = []byte(`WWW-Authenticate: Basic realm="` + Realm + `"` + "\r\n")
	if s.basic {
		s.challenge = append(s.challenge, s.basicChallenge...)
	}
	return s
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// authorized checks a request's Authorization header: Digest as RFC 2617
// (MD5, with qop=auth or without qop as RFC 2069), or Basic when allowed.
// A Basic-only fleet accepts Basic alone.
func (s *rtspStatic) authorized(method, uri, header string, basicOnly bool) bool {
	scheme, params, _ := strings.Cut(header, " ")
	switch {
	case strings.EqualFold(scheme, "Basic") && basicOnly:
		got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(params))
		return err == nil && subtle.ConstantTimeCompare(got, []byte(s.basicWant)) == 1
	case basicOnly:
		return false
	case strings.EqualFold(scheme, "Digest"):
		d, ok := parseDigest(params)
		return ok && s.checkDigest(method, uri, d)
	case strings.EqualFold(scheme, "Basic") && s.basic:
		got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(params))
		return err == nil && subtle.ConstantTimeCompare(got, []byte(s.basicWant)) == 1
	}
	return false
}

func (s *rtspStatic) checkDigest(method, uri string, d digest) bool {
	if d.username != s.user || d.realm != Realm || d.nonce != s.nonce || d.response == "" {
		return false
	}
	if d.algorithm != "" && !strings.EqualFold(d.algorithm, "MD5") {
		return false
	}
	if uriPath(d.uri) != uriPath(uri) {
		return false
	}
	ha2 := md5hex(method + ":" + d.uri)
	var want string
	switch d.qop {
	case "":
		want = md5hex(s.ha1 + ":" + d.nonce + ":" + ha2)
	case "auth":
		if d.nc == "" || d.cnonce == "" {
			return false
		}
		want = md5hex(s.ha1 + ":" + d.nonce + ":" + d.nc + ":" + d.cnonce + ":auth:" + ha2)
	default:
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(d.response)), []byte(want)) == 1
}

// digest holds the parameters of a Digest Authorization header.
type digest struct {
	username, realm, nonce, uri, response, qop, nc, cnonce, algorithm string
}

// parseDigest parses `k=v, k="v", ...`; quoted values may hold commas and
// backslash escapes. It reports false for a malformed list.
func parseDigest(s string) (digest, bool) {
	var d digest
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return d, true
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return d, false
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var ok bool
			if val, s, ok = unquote(s); !ok {
				return d, false
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		d.set(strings.ToLower(key), val)
	}
}

func (d *digest) set(key, val string) {
	switch key {
	case "username":
		d.username = val
	case "realm":
		d.realm = val
	case "nonce":
		d.nonce = val
	case "uri":
		d.uri = val
	case "response":
		d.response = val
	case "qop":
		d.qop = val
	case "nc":
		d.nc = val
	case "cnonce":
		d.cnonce = val
	case "algorithm":
		d.algorithm = val
	}
}

// unquote reads a quoted string at the start of s and returns its value
// and the rest of s, or false when the closing quote is missing.
func unquote(s string) (string, string, bool) {
	if i := strings.IndexAny(s[1:], `"\`); i >= 0 && s[1+i] == '"' {
		return s[1 : 1+i], s[2+i:], true // no escapes: no copy
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
