package fleet

import (
	"strconv"
	"strings"
)

// The SDP of a camera, pre-rendered around its address: an H.264 video
// track and a G.711 audio track; a novideo camera has the audio track only.
const (
	sdpHead    = "v=0\r\no=- 1700000000 1 IN IP4 "
	sdpSession = "\r\ns=Sharp Eyes fleet camera\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=control:*\r\na=range:npt=0-\r\n"
	sdpVideo   = "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n" +
		"a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=control:trackID=1\r\n"
	sdpAudio = "m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=control:trackID=2\r\n"
)

// respond renders the answer to rc.req for camera idx with behaviour b.
// OPTIONS needs no credentials (as on most cameras); rtsp_401 answers 401
// to everything, rtsp_503 answers 503 to everything, rtsp_404 answers 404
// to DESCRIBE and SETUP.
func (f *Fleet) respond(rc *rtspConn, b Behavior, idx int) []byte {
	req, out := &rc.req, rc.out[:0]
	switch {
	case b == RTSP503:
		return simple(out, 503, req.cseq)
	case b == RTSP401:
		return f.challenge(out, req.cseq)
	case req.method == "OPTIONS":
		return append(appendStatus(out, 200, req.cseq), "Public: "+publicMethods+"\r\n\r\n"...)
	case req.method == "":
		return simple(out, 501, req.cseq)
	case f.rtsp.auth && !f.rtsp.authorized(req.method, req.uri, req.auth, f.basicOnly.Load()):
		return f.challenge(out, req.cseq)
	}
	want, got := uriPath(f.cams[idx].Path), uriPath(req.uri)
	switch req.method {
	case "DESCRIBE":
		if b == RTSP404 || got != want {
			return simple(out, 404, req.cseq)
		}
		return f.describe(rc, b, idx)
	case "SETUP":
		if b == RTSP404 || !underPath(got, want) {
			return simple(out, 404, req.cseq)
		}
		if req.transport == "" {
			return simple(out, 461, req.cseq)
		}
		out = f.session(appendStatus(out, 200, req.cseq), idx)
		out = append(out, "Transport: "...)
		out = append(out, req.transport...)
		return append(out, ";server_port=6970-6971\r\n\r\n"...)
	case "PLAY":
		out = f.session(appendStatus(out, 200, req.cseq), idx)
		return append(out, "Range: npt=0.000-\r\n\r\n"...)
	case "PAUSE", "TEARDOWN", "GET_PARAMETER":
		return simple(out, 200, req.cseq)
	}
	return append(appendStatus(out, 405, req.cseq), "Allow: "+publicMethods+"\r\n\r\n"...)
}

func simple(out []byte, code int, cseq string) []byte {
	return append(appendStatus(out, code, cseq), "\r\n"...)
}

// challenge renders a 401 with the Digest (and maybe Basic) challenge, or
// the Basic one alone when the fleet is Basic-only.
func (f *Fleet) challenge(out []byte, cseq string) []byte {
	ch := f.rtsp.challenge
	if f.basicOnly.Load() {
		ch = f.rtsp.basicChallenge
	}
	out = append(appendStatus(out, 401, cseq), ch...)
	return append(out, "\r\n"...)
}

// session appends the Session header of camera idx.
func (f *Fleet) session(out []byte, idx int) []byte {
	out = append(out, "Session: "...)
	out = strconv.AppendUint(out, uint64(f.addrs.ip(idx)), 16)
	return append(out, ";timeout=60\r\n"...)
}

// describe renders the 200 answer to DESCRIBE with the camera's SDP.
func (f *Fleet) describe(rc *rtspConn, b Behavior, idx int) []byte {
	sdp := append(rc.sdp[:0], sdpHead...)
	sdp = appendIP(sdp, f.addrs.ip(idx))
	sdp = append(sdp, sdpSession...)
	if b != NoVideo {
		sdp = append(sdp, sdpVideo...)
	}
	rc.sdp = append(sdp, sdpAudio...)
	out := append(appendStatus(rc.out[:0], 200, rc.req.cseq), "Content-Type: application/sdp\r\nContent-Base: "...)
	out = append(out, rc.req.uri...)
	if !strings.HasSuffix(rc.req.uri, "/") {
		out = append(out, '/')
	}
	out = append(out, "\r\nContent-Length: "...)
	out = strconv.AppendInt(out, int64(len(rc.sdp)), 10)
	out = append(out, "\r\n\r\n"...)
	return append(out, rc.sdp...)
}

// underPath reports whether p is want or below it (a SETUP of a track).
func underPath(p, want string) bool {
	return p == want || len(p) > len(want) && p[len(want)] == '/' && p[:len(want)] == want
}
