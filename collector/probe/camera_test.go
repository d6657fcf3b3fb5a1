package probe

import (
	"bufio"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
)

// videoSDP is what a typical camera answers to DESCRIBE.
const videoSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Media Presentation\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
	"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n" +
	"m=audio 0 RTP/AVP 8\r\na=control:trackID=2\r\n"

// audioSDP describes a stream without video.
const audioSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Audio\r\nt=0 0\r\nm=audio 0 RTP/AVP 8\r\n"

// fakeCamera is a small RTSP server written independently of the client:
// it checks Basic and Digest credentials with its own code.
type fakeCamera struct {
	auth       string   // "", "basic" or "digest"
	algos      []string // digest algorithms offered, one header each: "MD5", "SHA-256"
	qop        string   // "auth" or "" (RFC 2069 style)
	authOnAll  bool     // OPTIONS needs credentials too
	user, pass string
	status     int    // DESCRIBE status once authorised; 0 = 200
	sdp        string // DESCRIBE body; "" = videoSDP

	mu   sync.Mutex
	used []string // the scheme/algorithm of each accepted Authorization
}

func (c *fakeCamera) usedAuth() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.used...)
}

func (c *fakeCamera) serve(conn net.Conn) {
	r := textproto.NewReader(bufio.NewReader(conn))
	for {
		line, err := r.ReadLine()
		if err != nil {
			return
		}
		hdr, err := r.ReadMIMEHeader()
		if err != nil {
			return
		}
		method, uri, _ := strings.Cut(line, " ")
		uri, _, _ = strings.Cut(uri, " ")
		cseq := hdr.Get("CSeq")
		if c.auth != "" && (method == "DESCRIBE" || c.authOnAll) && !c.authorised(method, uri, hdr.Get("Authorization")) {
			fmt.Fprintf(conn, "RTSP/1.0 401 Unauthorized\r\nCSeq: %s\r\n%s\r\n", cseq, c.challenges())
			continue
		}
		if method != "DESCRIBE" {
			fmt.Fprintf(conn, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n", cseq)
			continue
		}
		status, body := c.status, c.sdp
		if status == 0 {
			status = 200
		}
		if body == "" {
			body = videoSDP
		}
		if status != 200 {
			body = ""
		}
		fmt.Fprintf(conn, "RTSP/1.0 %d Status\r\nCSeq: %s\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s",
			status, cseq, len(body), body)
	}
}

func (c *fakeCamera) challenges() string {
	if c.auth == "basic" {
		return "WWW-Authenticate: Basic realm=\"IP Camera\"\r\n"
	}
	var b strings.Builder
	for _, a := range c.algos {
		qop := ""
		if c.qop != "" {
			qop = `, qop="` + c.qop + `"`
		}
		fmt.Fprintf(&b, "WWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"n0nce-%s\", algorithm=%s%s, opaque=\"op\"\r\n", a, a, qop)
	}
	return b.String()
}

var authParam = regexp.MustCompile(`(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))`)

// authorised checks an Authorization header the way a camera would.
func (c *fakeCamera) authorised(method, uri, header string) bool {
	scheme, rest, _ := strings.Cut(header, " ")
	if c.auth == "basic" {
		ok := scheme == "Basic" && rest == base64.StdEncoding.EncodeToString([]byte(c.user+":"+c.pass))
		return ok && c.record("basic")
	}
	if scheme != "Digest" {
		return false
	}
	p := map[string]string{}
	for _, m := range authParam.FindAllStringSubmatch(rest, -1) {
		p[m[1]] = m[2] + m[3]
	}
	algo := p["algorithm"]
	if algo == "" {
		algo = "MD5"
	}
	h := func(s string) string {
		if algo == "SHA-256" {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		}
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	ha1, ha2 := h(c.user+":IP Camera:"+c.pass), h(method+":"+uri)
	want := h(ha1 + ":" + p["nonce"] + ":" + ha2)
	if c.qop != "" {
		want = h(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2}, ":"))
	}
	ok := p["username"] == c.user && p["uri"] == uri && p["response"] == want &&
		p["nonce"] == "n0nce-"+algo && p["opaque"] == "op"
	return ok && c.record("digest "+algo)
}

func (c *fakeCamera) record(scheme string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = append(c.used, scheme)
	return true
}
