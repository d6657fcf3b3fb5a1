package fleet

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// testConfig is a 200-camera fleet with every behaviour and kind, short
// timeouts and credentials.
func testConfig() Config {
	mix := map[Behavior]float64{}
	for _, b := range Behaviors[1:] {
		mix[b] = 0.03
	}
	return Config{
		Cameras: 200, Seed: 7, Mix: mix,
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeONVIF: 0.2, sharpeyes.ProbeTCP: 0.1,
			sharpeyes.ProbeHTTP: 0.1},
		Username: "admin", Password: "s3cret:pw",
		SlowDelay: 150 * time.Millisecond, ProbeTimeout: 2 * time.Second,
		ConnTimeout: 3 * time.Second, SilentHold: 5 * time.Second,
	}
}

// mustStart starts a fleet that is closed when the test ends.
func mustStart(tb testing.TB, cfg Config) *Fleet {
	tb.Helper()
	f, err := Start(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() {
		if err := f.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return f
}

// pick returns the first camera of kind k whose behaviour is b; when the
// deal gave none, it sets b on an OK camera of kind k.
func pick(tb testing.TB, f *Fleet, k sharpeyes.ProbeKind, b Behavior) sharpeyes.Camera {
	tb.Helper()
	var spare *sharpeyes.Camera
	for _, c := range f.Cameras() {
		switch f.Behavior(c.ID) {
		case b:
			if c.Probe == k {
				return c
			}
		case OK:
			if c.Probe == k && spare == nil {
				spare = &c
			}
		}
	}
	if spare == nil || b.portLevel() {
		tb.Fatalf("no %s camera with behaviour %s", k, b)
	}
	if err := f.Set(spare.ID, b); err != nil {
		tb.Fatalf("Set(%s, %s): %v", spare.ID, b, err)
	}
	return *spare
}

func addr(c sharpeyes.Camera) string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// mustDial connects to a camera with a deadline of a few seconds.
func mustDial(tb testing.TB, c sharpeyes.Camera) net.Conn {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", addr(c), 2*time.Second)
	if err != nil {
		tb.Fatalf("dial %s: %v", addr(c), err)
	}
	tb.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		tb.Fatal(err)
	}
	return conn
}

// rtspClient speaks RTSP over one connection, parsing answers with
// net/textproto rather than the fleet's own parser.
type rtspClient struct {
	conn net.Conn
	tp   *textproto.Reader
	cseq int
}

func newRTSPClient(conn net.Conn) *rtspClient {
	return &rtspClient{conn: conn, tp: textproto.NewReader(bufio.NewReader(conn))}
}

type rtspResponse struct {
	code   int
	header textproto.MIMEHeader
	body   string
}

// do sends one request with extra header lines and reads the answer.
func (rc *rtspClient) do(method, uri string, extra ...string) (rtspResponse, error) {
	rc.cseq++
	req := fmt.Sprintf("%s %s RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: fleet-test\r\n", method, uri, rc.cseq)
	for _, h := range extra {
		req += h + "\r\n"
	}
	if _, err := rc.conn.Write([]byte(req + "\r\n")); err != nil {
		return rtspResponse{}, err
	}
	return rc.read()
}

func (rc *rtspClient) read() (rtspResponse, error) {
	line, err := rc.tp.ReadLine()
	if err != nil {
		return rtspResponse{}, err
	}
	proto, status, ok := strings.Cut(line, " ")
	code, convErr := strconv.Atoi(strings.SplitN(status, " ", 2)[0])
	if !ok || proto != "RTSP/1.0" || convErr != nil {
		return rtspResponse{}, fmt.Errorf("bad status line %q", line)
	}
	h, err := rc.tp.ReadMIMEHeader()
	if err != nil {
		return rtspResponse{}, err
	}
	resp := rtspResponse{code: code, header: h}
	if n, _ := strconv.Atoi(h.Get("Content-Length")); n > 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(rc.tp.R, buf); err != nil {
			return rtspResponse{}, err
		}
		resp.body = string(buf)
	}
	return resp, nil
}

var (
	nonceRE = regexp.MustCompile(`nonce="([^"]+)"`)
	realmRE = regexp.MustCompile(`realm="([^"]+)"`)
)

// digestHeader computes an Authorization header as RFC 2617 (qop=auth),
// independently of the fleet's code.
func digestHeader(challenge, user, pass, method, uri string) string {
	nonce, realm := nonceRE.FindStringSubmatch(challenge), realmRE.FindStringSubmatch(challenge)
	if nonce == nil || realm == nil {
		return "Authorization: Digest malformed"
	}
	h := func(s string) string {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	ha1, ha2 := h(user+":"+realm[1]+":"+pass), h(method+":"+uri)
	cnonce, nc := "0a4f113b", "00000001"
	resp := h(ha1 + ":" + nonce[1] + ":" + nc + ":" + cnonce + ":auth:" + ha2)
	return fmt.Sprintf(`Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", `+
		`qop=auth, nc=%s, cnonce="%s", response="%s", algorithm=MD5`, user, realm[1], nonce[1], uri, nc, cnonce, resp)
}

func rtspURL(c sharpeyes.Camera) string { return "rtsp://" + addr(c) + c.Path }
