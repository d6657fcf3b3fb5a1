package probe

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"slices"
	"strconv"
	"sync"

	"github.com/sharpeyes/sharpeyes"
)

// RTSP sends OPTIONS then DESCRIBE (Accept: application/sdp) to
// rtsp://host:port/path, answering a 401 with Basic or Digest (MD5,
// SHA-256, SHA-512-256; qop auth, auth-int or none; the strongest offered)
// when the target has credentials.
//
// With t.RequireDigest (the camera's last login used Digest) a 401 whose
// only answerable challenge is Basic gets no credentials and is degraded
// auth_downgrade: Basic would send the password in clear to whoever now
// answers on the camera's address. Result.Auth names the scheme of a
// successful login.
//
// Verdicts: a DESCRIBE 200 whose SDP has an m=video line is up; without one
// it is degraded no_video. 401 is degraded rtsp_401 (credentials refused,
// none configured, or no scheme we speak), 404 degraded rtsp_404, 5xx
// degraded rtsp_5xx, and any other status degraded bad_response (redirects
// are not followed). No answer in time is down timeout; a connection closed
// or reset before any reply is down refused. A reply we cannot parse
// (garbage, endless headers, an oversized body, a bad SDP) or a connection
// closed after a first reply is degraded bad_response: the device answered,
// so it is alive but broken, which is SPEC's degraded.
func RTSP(ctx context.Context, t Target) Result {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	rec := newRecorder(t.Password)
	s := rtspPool.Get().(*rtspSession)
	defer s.release()
	res := s.probe(ctx, &rec, t)
	if s.loggedIn {
		res.Auth = sharpeyes.AuthDigest
		if s.auth.ch.basic {
			res.Auth = sharpeyes.AuthBasic
		}
	}
	return res
}

// probe runs the exchange of RTSP on s.
func (s *rtspSession) probe(ctx context.Context, rec *recorder, t Target) Result {
	if err := s.init(t); err != nil {
		return rec.fail("target", err, ReasonProbeError)
	}
	if err := s.dial(ctx); err != nil {
		return rec.fail("connect", err, sharpeyes.ReasonUnreachable)
	}
	rec.step("connect", true, s.addr)
	if err := s.request(ctx, rec, "OPTIONS"); err != nil {
		return s.fail(rec, "OPTIONS", err)
	}
	// Only a 401 stops here; a device that dislikes OPTIONS may still
	// describe its stream.
	if s.resp.StatusCode == 401 {
		return rec.end(s.verdict("OPTIONS"), sharpeyes.ReasonBadResponse)
	}
	if err := s.request(ctx, rec, "DESCRIBE"); err != nil {
		return s.fail(rec, "DESCRIBE", err)
	}
	if err := s.verdict("DESCRIBE"); err != nil {
		return rec.end(err, sharpeyes.ReasonBadResponse)
	}
	tracks, err := Tracks(s.resp.Body)
	if err != nil {
		return rec.fail("sdp", failure(sharpeyes.ReasonBadResponse, err.Error()), "")
	}
	rec.res.Codecs = tracks
	if !slices.ContainsFunc(tracks, func(t Track) bool { return t.Media == "video" }) {
		return rec.fail("sdp", failure(sharpeyes.ReasonNoVideo, "no m=video line in the SDP: "+trackList(tracks)), "")
	}
	rec.step("sdp", true, trackList(tracks))
	return rec.up("video stream described")
}

// trackList is "video H264, audio PCMA/G711A", or "no tracks".
func trackList(tracks []Track) string {
	if len(tracks) == 0 {
		return "no tracks"
	}
	b := make([]byte, 0, 32*len(tracks))
	for i, t := range tracks {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(append(append(b, t.Media...), ' '), t.CodecName()...)
	}
	return string(b)
}

// rtspSession is one probe's connection and buffers. Sessions are pooled so
// that a sweep reuses buffers instead of allocating them per camera.
type rtspSession struct {
	conn       net.Conn
	br         *bufio.Reader
	wbuf       []byte
	resp       Response
	addr, url  string
	cseq       int
	auth       authState
	authOn     bool // auth.ch is set and sent with every request
	loggedIn   bool // a request with credentials got an answer other than 401
	digestOnly bool // Target.RequireDigest: never answer a Basic challenge
	downgrade  bool // a Basic challenge was refused because of digestOnly
	answered   bool // the device sent at least one response
	closed     bool // the last response said Connection: close
}

var rtspPool = sync.Pool{New: func() any {
	return &rtspSession{br: bufio.NewReaderSize(nil, DefaultLimits.MaxLine+2), wbuf: make([]byte, 0, 512)}
}}

func (s *rtspSession) init(t Target) error {
	addr, err := hostPort(t, 554)
	if err != nil {
		return err
	}
	if err := checkPath(t.Path); err != nil {
		return err
	}
	if err := checkCredentials(t); err != nil {
		return err
	}
	// One allocation for both: addr is a substring of url.
	s.url = "rtsp://" + addr + slashed(t.Path, "/")
	s.addr = s.url[len("rtsp://") : len("rtsp://")+len(addr)]
	s.auth.user, s.auth.pass = t.Username, t.Password
	s.digestOnly = t.RequireDigest
	return nil
}

// release closes the connection, wipes what could hold a secret and returns
// the session to the pool.
func (s *rtspSession) release() {
	if s.conn != nil {
		s.conn.Close()
	}
	s.br.Reset(nil)
	if s.authOn {
		clear(s.wbuf[:cap(s.wbuf)])
	}
	if cap(s.resp.Body) > 4<<10 {
		s.resp.Body = nil // do not pin a large body in the pool
	}
	*s = rtspSession{br: s.br, wbuf: s.wbuf[:0], resp: Response{head: s.resp.head, fields: s.resp.fields, Body: s.resp.Body}}
	rtspPool.Put(s)
}

func (s *rtspSession) dial(ctx context.Context) error {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	conn, err := dialTCP(ctx, s.addr)
	if err != nil {
		return err
	}
	s.conn, s.closed = conn, false
	s.br.Reset(conn)
	return nil
}

// request sends method and reads its response into s.resp, retrying once
// with credentials after a 401 (or again after a stale nonce). It records
// one step per response and returns an error only when no response could be
// read.
func (s *rtspSession) request(ctx context.Context, rec *recorder, method string) error {
	for attempt := 0; ; attempt++ {
		if s.closed {
			if err := s.dial(ctx); err != nil {
				return err
			}
		}
		sentAuth := s.authOn
		if err := s.roundTrip(method); err != nil {
			return err
		}
		if sentAuth {
			s.loggedIn = s.resp.StatusCode != 401
		}
		if s.resp.StatusCode != 401 || attempt > 0 || !s.takeChallenge(sentAuth) {
			rec.step(method, s.resp.StatusCode/100 == 2, statusText(&s.resp))
			return nil
		}
		// Asking for credentials is how every login starts, and a stale
		// nonce is how a Digest session goes on: both are normal steps.
		// Whether the credentials work is the next response's business.
		what := "401 challenge (" + s.auth.ch.name() + ") → retry with credentials"
		if sentAuth {
			what = "401 stale nonce (" + s.auth.ch.name() + ") → retry with a fresh nonce"
		}
		rec.step(method, true, what)
	}
}

// takeChallenge picks the challenge to answer after a 401 and reports
// whether a retry makes sense: we have credentials and either sent none yet
// or the server says our nonce is stale.
func (s *rtspSession) takeChallenge(sentAuth bool) bool {
	if s.auth.user == "" && s.auth.pass == "" {
		return false
	}
	ch, ok := pickChallenge(s.resp.Values("WWW-Authenticate"))
	if !ok || (sentAuth && !ch.stale) {
		return false
	}
	if ch.basic && s.digestOnly {
		// The strongest challenge we can answer is Basic: sending the
		// password in clear to a camera that used Digest before would
		// hand it to whoever now answers on its address.
		s.downgrade = true
		return false
	}
	s.auth.ch, s.auth.nc, s.authOn = ch, 0, true
	return true
}

func (s *rtspSession) roundTrip(method string) error {
	s.cseq++
	b := append(s.wbuf[:0], method...)
	b = append(append(append(b, ' '), s.url...), " RTSP/1.0\r\nCSeq: "...)
	b = strconv.AppendInt(b, int64(s.cseq), 10)
	b = append(b, "\r\nUser-Agent: sharpeyes\r\n"...)
	if method == "DESCRIBE" {
		b = append(b, "Accept: application/sdp\r\n"...)
	}
	if s.authOn {
		b = s.auth.appendHeader(b, method, s.url)
	}
	s.wbuf = append(b, "\r\n"...)
	if _, err := s.conn.Write(s.wbuf); err != nil {
		return err
	}
	if err := s.resp.parse(s.br, DefaultLimits); err != nil {
		return err
	}
	s.answered = true
	if v := s.resp.value("CSeq"); v != nil {
		if n, ok := atoi(v); !ok || n != s.cseq {
			return failure(sharpeyes.ReasonBadResponse, "CSeq "+quoteShort(string(v))+" does not match request")
		}
	}
	s.closed = bytes.EqualFold(s.resp.value("Connection"), []byte("close"))
	return nil
}

// verdict maps a non-2xx status of method to a probe error, or nil for 2xx.
func (s *rtspSession) verdict(method string) error {
	code, status := s.resp.StatusCode, statusText(&s.resp)
	switch {
	case code/100 == 2:
		return nil
	case code == 401 && s.downgrade:
		return failure(sharpeyes.ReasonAuthDowngrade, method+": Basic authentication refused, credentials not sent: this camera logged in with Digest before")
	case code == 401 && s.authOn:
		return failure(sharpeyes.ReasonRTSP401, method+": credentials refused ("+status+")")
	case code == 401 && s.auth.user == "" && s.auth.pass == "":
		return failure(sharpeyes.ReasonRTSP401, method+": authentication required, no credentials configured")
	case code == 401:
		return failure(sharpeyes.ReasonRTSP401, method+": no supported authentication scheme offered")
	case code == 404:
		return failure(sharpeyes.ReasonRTSP404, method+": stream path not found ("+status+")")
	case code >= 500:
		return failure(sharpeyes.ReasonRTSP5xx, method+": server error ("+status+")")
	}
	return failure(sharpeyes.ReasonBadResponse, method+": unexpected status ("+status+")")
}

// fail ends the probe after a failed request. A connection closed or reset
// after the device already answered is a broken device (bad_response), not
// a refused connection.
func (s *rtspSession) fail(rec *recorder, step string, err error) Result {
	if s.answered && netReason(err) == sharpeyes.ReasonRefused {
		err = failure(sharpeyes.ReasonBadResponse, "connection closed after a reply: "+shorten(err.Error()))
	}
	return rec.fail(step, err, sharpeyes.ReasonBadResponse)
}

// statusText is "200 OK", without an allocation in that common case.
func statusText(r *Response) string {
	if r.StatusCode == 200 && r.Reason == "OK" {
		return "200 OK"
	}
	return strconv.Itoa(r.StatusCode) + " " + r.Reason
}
