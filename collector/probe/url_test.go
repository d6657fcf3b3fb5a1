package probe

import (
	"errors"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want Target
	}{
		{"rtsp://admin:s3cret@192.168.1.64/Streaming/Channels/101",
			Target{Kind: sharpeyes.ProbeRTSP, Host: "192.168.1.64", Port: 554, Path: "/Streaming/Channels/101", Username: "admin", Password: "s3cret"}},
		{"rtsp://admin:p%40ss@[fe80::1]:8554/cam/realmonitor?channel=1&subtype=0",
			Target{Kind: sharpeyes.ProbeRTSP, Host: "fe80::1", Port: 8554, Path: "/cam/realmonitor?channel=1&subtype=0", Username: "admin", Password: "p@ss"}},
		{"onvif://10.0.0.5", Target{Kind: sharpeyes.ProbeONVIF, Host: "10.0.0.5", Port: 80}},
		{"onvif://10.0.0.5:8000/", Target{Kind: sharpeyes.ProbeONVIF, Host: "10.0.0.5", Port: 8000}},
		{"tcp://cam.example:37777", Target{Kind: sharpeyes.ProbeTCP, Host: "cam.example", Port: 37777}},
		{"http://10.0.0.5/doc/page/login.asp", Target{Kind: sharpeyes.ProbeHTTP, Host: "10.0.0.5", Port: 80, Path: "/doc/page/login.asp"}},
		{"HTTPS://10.0.0.5", Target{Kind: sharpeyes.ProbeHTTP, Host: "10.0.0.5", Port: 443, TLS: true}},
		{"icmp://::1", Target{}}, // not a valid URL host: brackets are required
		{"icmp://[::1]", Target{Kind: sharpeyes.ProbeICMP, Host: "::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseURL(tt.raw)
			if tt.want == (Target{}) {
				if err == nil {
					t.Errorf("ParseURL = %+v, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseURL = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []string{
		"ftp://host/",
		"rtsp:///path",
		"tcp://10.0.0.1",
		"icmp://10.0.0.1:7",
		"rtsp://host:99999/",
		"rtsp://admin:ab/cd@host/",       // unescaped '/' in the password
		"rtsp://admin:12/ab/cd@host/",    // the same, parsed as host "admin" port 12
		"rtsp://admin:s3cret@host:port/", // bad port after a password
		"rtsp://admin:s3cret@ho st/",
	}
	for _, raw := range tests {
		t.Run(raw, func(t *testing.T) {
			_, err := ParseURL(raw)
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("err = %v, want ErrBadURL", err)
			}
			for _, secret := range []string{"s3cret", "ab/cd", "12/ab"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows the password", err)
				}
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"rtsp://admin:s3cret@10.0.0.1:554/live":      "rtsp://admin:xxxxx@10.0.0.1:554/live",
		"rtsp://admin:p@ss/w:rd@10.0.0.1/live":       "rtsp://admin:xxxxx@10.0.0.1/live",
		"rtsp://admin@10.0.0.1/live":                 "rtsp://admin@10.0.0.1/live",
		"rtsp://10.0.0.1:554/live":                   "rtsp://10.0.0.1:554/live",
		"http://10.0.0.1/snap.cgi?user=a&pwd=s3cret": "http://10.0.0.1/snap.cgi?user=a&pwd=xxxxx",
		"http://10.0.0.1/?Password=s3cret&token=t0k": "http://10.0.0.1/?Password=xxxxx&token=xxxxx",
		"admin:s3cret@10.0.0.1":                      "admin:xxxxx@10.0.0.1",
		"":                                           "",
	}
	for raw, want := range tests {
		t.Run(raw, func(t *testing.T) {
			if got := RedactURL(raw); got != want {
				t.Errorf("RedactURL = %q, want %q", got, want)
			}
		})
	}
}
