package probe

import (
	"errors"
	"os"
	"path/filepath"
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
