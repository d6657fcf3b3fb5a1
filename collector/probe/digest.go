package probe

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
)

// digestAlgo is one RFC 7616 algorithm; strength orders the choice when a
// server offers several challenges.
type digestAlgo struct {
	name     string
	sess     bool
	strength int
	hexSum   func(dst, data []byte) []byte // appends the hex digest of data
}

var digestAlgos = []digestAlgo{
	{"MD5", false, 10, md5Hex},
	{"MD5-sess", true, 9, md5Hex},
	{"SHA-256", false, 20, sha256Hex},
	{"SHA-256-sess", true, 19, sha256Hex},
	{"SHA-512-256", false, 30, sha512256Hex},
	{"SHA-512-256-sess", true, 29, sha512256Hex},
}

func md5Hex(dst, data []byte) []byte {
	sum := md5.Sum(data)
	return hex.AppendEncode(dst, sum[:])
}

func sha256Hex(dst, data []byte) []byte {
	sum := sha256.Sum256(data)
	return hex.AppendEncode(dst, sum[:])
}

func sha512256Hex(dst, data []byte) []byte {
	sum := sha512.Sum512_256(data)
	return hex.AppendEncode(dst, sum[:])
}

// authState answers a chosen challenge for each request of a session.
type authState struct {
	ch         challenge
	user, pass string
	cnonce     string
	nc         int
}

// appendHeader appends the Authorization header line for one request.
func (a *authState) appendHeader(b []byte, method, uri string) []byte {
	b = append(b, "Authorization: "...)
	if a.ch.basic {
		b = append(b, "Basic "...)
		b = base64.StdEncoding.AppendEncode(b, []byte(a.user+":"+a.pass))
		return append(b, "\r\n"...)
	}
	if a.cnonce == "" {
		a.cnonce = newCnonce()
	}
	a.nc++
	response, username := digestResponse(&a.ch, a.user, a.pass, method, uri, a.cnonce, a.nc)
	b = appendParam(append(b, "Digest "...), "username", username, true)
	b = appendParam(b, ", realm", a.ch.realm, true)
	b = appendParam(b, ", nonce", a.ch.nonce, true)
	b = appendParam(b, ", uri", uri, true)
	b = appendParam(b, ", response", response, true)
	if a.ch.algoGiven != "" {
		b = appendParam(b, ", algorithm", a.ch.algo.name, false)
	}
	if a.ch.qop != "" {
		b = appendParam(b, ", qop", a.ch.qop, false)
		b = appendParam(b, ", nc", ncString(a.nc), false)
	}
	if a.ch.qop != "" || a.ch.algo.sess { // -sess hashes the cnonce into HA1
		b = appendParam(b, ", cnonce", a.cnonce, true)
	}
	if a.ch.opaque != "" {
		b = appendParam(b, ", opaque", a.ch.opaque, true)
	}
	if a.ch.userhash {
		b = append(b, ", userhash=true"...)
	}
	return append(b, "\r\n"...)
}

// digestResponse computes the RFC 7616 (and RFC 2617/2069 when qop is
// empty) response and the username to send (hashed when userhash is set).
// Request bodies are always empty, which is what auth-int hashes.
func digestResponse(ch *challenge, user, pass, method, uri, cnonce string, nc int) (response, username string) {
	h := ch.algo.hexSum
	ha1 := hexHash(h, user, ch.realm, pass)
	if ch.algo.sess {
		ha1 = hexHash(h, ha1, ch.nonce, cnonce)
	}
	ha2 := hexHash(h, method, uri)
	if ch.qop == "auth-int" {
		ha2 = hexHash(h, method, uri, hexHash(h, ""))
	}
	if ch.qop == "" {
		response = hexHash(h, ha1, ch.nonce, ha2)
	} else {
		response = hexHash(h, ha1, ch.nonce, ncString(nc), cnonce, ch.qop, ha2)
	}
	username = user
	if ch.userhash {
		username = hexHash(h, user, ch.realm)
	}
	return response, username
}

// hexHash returns the lowercase hex hash of the parts joined by colons.
func hexHash(hexSum func(dst, data []byte) []byte, parts ...string) string {
	var in [256]byte
	b := in[:0]
	for i, p := range parts {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, p...)
	}
	var out [64]byte
	return string(hexSum(out[:0], b))
}

func ncString(nc int) string {
	s := strconv.FormatInt(int64(nc), 16)
	return strings.Repeat("0", max(0, 8-len(s))) + s
}

func newCnonce() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}

// appendParam appends name=value, quoting and escaping value when asked.
func appendParam(b []byte, name, value string, quote bool) []byte {
	b = append(append(b, name...), '=')
	if !quote {
		return append(b, value...)
	}
	b = append(b, '"')
	for i := 0; i < len(value); i++ {
		if value[i] == '"' || value[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, value[i])
	}
	return append(b, '"')
}
