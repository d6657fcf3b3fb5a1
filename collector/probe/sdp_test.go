package probe

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHasVideoFixtures(t *testing.T) {
	tests := map[string]bool{
		"hikvision.sdp":      true,
		"dahua.sdp":          true,
		"audio-only.sdp":     false,
		"onvif-metadata.sdp": false,
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			sdp, err := os.ReadFile(filepath.Join("testdata", "sdp", name))
			if err != nil {
				t.Fatalf("read fixture: %v", err)
			}
			got, err := HasVideo(sdp)
			if err != nil || got != want {
				t.Errorf("HasVideo = %v, %v; want %v, nil", got, err, want)
			}
		})
	}
}

func TestHasVideo(t *testing.T) {
	tests := []struct {
		name    string
		sdp     string
		video   bool
		invalid bool
	}{
		{name: "video", sdp: "v=0\r\nm=video 0 RTP/AVP 96\r\n", video: true},
		{name: "upper-case media", sdp: "v=0\nm=VIDEO 0 RTP/AVP 96", video: true},
		{name: "blank lines", sdp: "\r\nv=0\r\n\r\nm=video 0 RTP/AVP 96\r\n\r\n", video: true},
		{name: "audio only", sdp: "v=0\r\nm=audio 0 RTP/AVP 0\r\n"},
		{name: "video in an attribute only", sdp: "v=0\r\na=m=video 0\r\n"},
		{name: "videos is not video", sdp: "v=0\r\nm=videos 0 RTP/AVP 96\r\n"},
		{name: "empty", sdp: "", invalid: true},
		{name: "only blank lines", sdp: "\r\n\r\n", invalid: true},
		{name: "no v= first", sdp: "m=video 0 RTP/AVP 96\r\n", invalid: true},
		{name: "html", sdp: "<html>error</html>", invalid: true},
		{name: "bad line", sdp: "v=0\r\nm=video 0\r\nthis is not sdp\r\n", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HasVideo([]byte(tt.sdp))
			if tt.invalid {
				if !errors.Is(err, ErrBadSDP) {
					t.Errorf("err = %v, want ErrBadSDP", err)
				}
				return
			}
			if err != nil || got != tt.video {
				t.Errorf("HasVideo = %v, %v; want %v, nil", got, err, tt.video)
			}
		})
	}
}

// FuzzHasVideo checks that no input panics HasVideo and that it never
// reports video together with an error.
func FuzzHasVideo(f *testing.F) {
	f.Add([]byte("v=0\r\nm=video 0 RTP/AVP 96\r\n"))
	f.Add([]byte("v=0\nm=audio 0 RTP/AVP 0\n"))
	f.Add([]byte("m=video"))
	f.Fuzz(func(t *testing.T, sdp []byte) {
		video, err := HasVideo(sdp)
		if err != nil && video {
			t.Errorf("video together with error %v", err)
		}
	})
}

// TestTracksNameEachCodec: every m= line of an SDP becomes a track named by
// its codec, from the a=rtpmap line of its first payload type or, without
// one, from the static payload types of RFC 3551.
func TestTracksNameEachCodec(t *testing.T) {
	tests := []struct {
		name string
		sdp  string
		want []Track
	}{
		{name: "hikvision fixture", sdp: "@hikvision.sdp",
			want: []Track{{Media: "video", PayloadType: 96, Codec: "H264"}, {Media: "audio", PayloadType: 8, Codec: "PCMA"}}},
		{name: "dahua fixture", sdp: "@dahua.sdp", want: []Track{{Media: "video", PayloadType: 98, Codec: "H265"}}},
		{name: "hevc spelling", sdp: "v=0\r\nm=video 0 RTP/AVP 97\r\na=rtpmap:97 HEVC/90000\r\n",
			want: []Track{{Media: "video", PayloadType: 97, Codec: "H265"}}},
		{name: "static mjpeg and pcmu, no rtpmap", sdp: "v=0\nm=video 0 RTP/AVP 26\nm=audio 0 RTP/AVP 0\n",
			want: []Track{{Media: "video", PayloadType: 26, Codec: "MJPEG"}, {Media: "audio", PayloadType: 0, Codec: "PCMU"}}},
		{name: "aac as mpeg4-generic", sdp: "v=0\r\nm=audio 0 RTP/AVP 104\r\na=rtpmap:104 mpeg4-generic/16000/1\r\n",
			want: []Track{{Media: "audio", PayloadType: 104, Codec: "AAC"}}},
		{name: "aac as mp4a-latm", sdp: "v=0\r\nm=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/44100\r\n",
			want: []Track{{Media: "audio", PayloadType: 97, Codec: "AAC"}}},
		{name: "rtpmap of another payload type does not count",
			sdp:  "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:97 H265/90000\r\na=rtpmap:96 H264/90000\r\n",
			want: []Track{{Media: "video", PayloadType: 96, Codec: "H264"}}},
		{name: "rtpmap belongs to its own media section",
			sdp:  "v=0\r\nm=video 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n",
			want: []Track{{Media: "video", PayloadType: 96}, {Media: "audio", PayloadType: 96, Codec: "OPUS"}}},
		{name: "unknown encoding keeps its name", sdp: "v=0\r\nm=application 0 RTP/AVP 107\r\na=rtpmap:107 vnd.onvif.metadata/90000\r\n",
			want: []Track{{Media: "application", PayloadType: 107, Codec: "VND.ONVIF.METADATA"}}},
		{name: "no media", sdp: "v=0\r\ns=x\r\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdp := []byte(tt.sdp)
			if name, ok := strings.CutPrefix(tt.sdp, "@"); ok {
				var err error
				if sdp, err = os.ReadFile(filepath.Join("testdata", "sdp", name)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Tracks(sdp)
			if err != nil {
				t.Fatalf("Tracks: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tracks = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := Tracks([]byte("<html>")); !errors.Is(err, ErrBadSDP) {
		t.Errorf("Tracks of html: err = %v, want ErrBadSDP", err)
	}
}

// TestCodecNames: the names `sharpeyes probe` shows, with the aliases a
// technician knows from the camera's web page.
func TestCodecNames(t *testing.T) {
	tests := map[string]string{"H264": "H264", "H265": "H265/HEVC", "PCMA": "PCMA/G711A", "PCMU": "PCMU/G711U",
		"MJPEG": "MJPEG", "AAC": "AAC", "": "unknown"}
	for codec, want := range tests {
		if got := (Track{Codec: codec}).CodecName(); got != want {
			t.Errorf("CodecName(%q) = %q, want %q", codec, got, want)
		}
	}
}
