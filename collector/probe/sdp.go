package probe

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrBadSDP is wrapped by HasVideo's errors.
var ErrBadSDP = errors.New("invalid sdp")

// HasVideo reports whether an SDP session description (RFC 8866) announces a
// video stream, that is, has an "m=video " line. It returns an error wrapping
// ErrBadSDP when sdp is not a session description at all: empty, not
// starting with "v=", or with a line that is not "<letter>=<value>". Empty
// lines and CRLF or bare LF endings are accepted, as cameras send both.
func HasVideo(sdp []byte) (bool, error) {
	video, first := false, true
	for n := 1; len(sdp) > 0; n++ {
		line := sdp
		if i := bytes.IndexByte(sdp, '\n'); i >= 0 {
			line, sdp = sdp[:i], sdp[i+1:]
		} else {
			sdp = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		if len(line) < 2 || line[0] < 'a' || line[0] > 'z' || line[1] != '=' {
			return false, fmt.Errorf("%w: line %d is not <type>=<value>", ErrBadSDP, n)
		}
		if first && line[0] != 'v' {
			return false, fmt.Errorf("%w: does not start with v=", ErrBadSDP)
		}
		first = false
		if line[0] == 'm' && isVideoMedia(line[2:]) {
			video = true
		}
	}
	if first {
		return false, fmt.Errorf("%w: empty", ErrBadSDP)
	}
	return video, nil
}

// isVideoMedia reports whether an m= value starts with the media type video.
func isVideoMedia(v []byte) bool {
	return len(v) > 5 && bytes.EqualFold(v[:5], []byte("video")) && v[5] == ' '
}
