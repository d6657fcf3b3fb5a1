package probe

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// Track is one media line (m=) of an SDP: its media type, its first
// (preferred) payload type and the codec of that payload type.
type Track struct {
	Media       string `json:"media"` // video, audio, application, ...
	PayloadType int    `json:"payload_type"`
	// Codec is H264, H265, MJPEG, AAC, PCMA, PCMU, G722, OPUS, ... : the
	// a=rtpmap encoding name of the payload type (upper-case, with the
	// usual aliases folded: HEVC is H265, JPEG is MJPEG, MPEG4-GENERIC and
	// MP4A-LATM are AAC), else the static payload type's codec (RFC 3551),
	// else "".
	Codec string `json:"codec"`
}

// CodecName is the codec as `sharpeyes probe` shows it, with the alias a
// technician sees on a camera's web page: H265/HEVC, PCMA/G711A,
// PCMU/G711U; "unknown" when the SDP does not say.
func (t Track) CodecName() string {
	switch t.Codec {
	case "":
		return "unknown"
	case "H265":
		return "H265/HEVC"
	case "PCMA":
		return "PCMA/G711A"
	case "PCMU":
		return "PCMU/G711U"
	}
	return t.Codec
}

// staticPayloads are the codecs of RFC 3551's static payload types that
// cameras use.
var staticPayloads = map[int]string{0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 14: "MPA",
	18: "G729", 26: "MJPEG", 32: "MPV", 33: "MP2T", 34: "H263"}

// encodingAliases folds rtpmap encoding names into one name per codec.
var encodingAliases = map[string]string{"HEVC": "H265", "JPEG": "MJPEG", "MPEG4-GENERIC": "AAC",
	"MP4A-LATM": "AAC", "MP4V-ES": "MPEG4"}

// Tracks returns the media tracks of an SDP in order, each named by its
// codec. It validates sdp like HasVideo and returns its errors.
func Tracks(sdp []byte) ([]Track, error) {
	if _, err := HasVideo(sdp); err != nil {
		return nil, err
	}
	var tracks []Track
	for line := range bytes.Lines(sdp) {
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case bytes.HasPrefix(line, []byte("m=")):
			f := bytes.Fields(line[2:])
			tr := Track{PayloadType: -1}
			if len(f) > 0 {
				tr.Media = strings.ToLower(string(f[0]))
			}
			if len(f) > 3 {
				if n, err := strconv.Atoi(string(f[3])); err == nil && n >= 0 && n <= 127 {
					tr.PayloadType = n
					tr.Codec = staticPayloads[n]
				}
			}
			tracks = append(tracks, tr)
		case bytes.HasPrefix(line, []byte("a=rtpmap:")) && len(tracks) > 0:
			tr := &tracks[len(tracks)-1]
			pt, enc, ok := bytes.Cut(line[len("a=rtpmap:"):], []byte(" "))
			if n, err := strconv.Atoi(string(pt)); !ok || err != nil || n != tr.PayloadType {
				continue
			}
			name, _, _ := bytes.Cut(bytes.TrimSpace(enc), []byte("/"))
			codec := strings.ToUpper(string(name))
			if alias, ok := encodingAliases[codec]; ok {
				codec = alias
			}
			tr.Codec = shorten(codec)
		}
	}
	return tracks, nil
}
