package sharpeyes_test

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// validCamera is a camera that passes Normalize; each case below breaks or
// changes one thing.
func validCamera() sharpeyes.Camera {
	return sharpeyes.Camera{ID: "cam-1", Name: "东门", Host: "127.0.0.1"}
}

func ptr(f float64) *float64 { return &f }

func TestNormalizeRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *sharpeyes.Camera)
		bad    []string                      // fields Normalize must reject, in SPEC order
		check  func(c sharpeyes.Camera) bool // for valid cases: what Normalize filled in
	}{
		{"defaults", func(c *sharpeyes.Camera) {}, nil, func(c sharpeyes.Camera) bool {
			return c.Probe == sharpeyes.ProbeRTSP && c.Port == 554 && c.Lifecycle == sharpeyes.Active && c.GB == nil
		}},
		{"trims id name host", func(c *sharpeyes.Camera) { c.ID, c.Name, c.Host = " cam-1 ", " 东门\t", " 127.0.0.1 " }, nil,
			func(c sharpeyes.Camera) bool { return c.ID == "cam-1" && c.Name == "东门" && c.Host == "127.0.0.1" }},
		{"id required", func(c *sharpeyes.Camera) { c.ID = "" }, []string{"id"}, nil},
		{"id bad characters", func(c *sharpeyes.Camera) { c.ID = "cam 1" }, []string{"id"}, nil},
		{"id too long", func(c *sharpeyes.Camera) { c.ID = strings.Repeat("a", 65) }, []string{"id"}, nil},
		{"id 64 characters", func(c *sharpeyes.Camera) { c.ID = strings.Repeat("a", 64) }, nil, nil},
		{"id digits but not 20", func(c *sharpeyes.Camera) { c.ID = "4302020000132" }, []string{"id"}, nil},
		{"id gb code parsed", func(c *sharpeyes.Camera) { c.ID = "43020200001326000001" }, nil,
			func(c sharpeyes.Camera) bool { return c.GB != nil && c.GB.Region == "430202" }},
		{"name required", func(c *sharpeyes.Camera) { c.Name = "  " }, []string{"name"}, nil},
		{"name 128 runes", func(c *sharpeyes.Camera) { c.Name = strings.Repeat("名", 128) }, nil, nil},
		{"name 129 runes", func(c *sharpeyes.Camera) { c.Name = strings.Repeat("名", 129) }, []string{"name"}, nil},
		{"probe unknown", func(c *sharpeyes.Camera) { c.Probe = "smtp" }, []string{"probe"}, nil},
		{"lifecycle unknown", func(c *sharpeyes.Camera) { c.Lifecycle = "done" }, []string{"lifecycle"}, nil},
		{"owner unknown", func(c *sharpeyes.Camera) { c.Owner = "army" }, []string{"owner"}, nil},
		{"host required when probed", func(c *sharpeyes.Camera) { c.Host, c.Lifecycle = "", sharpeyes.Building }, []string{"host"}, nil},
		{"host optional when planned", func(c *sharpeyes.Camera) { c.Host, c.Lifecycle = "", sharpeyes.Planned }, nil, nil},
		{"host invalid", func(c *sharpeyes.Camera) { c.Host = "999.1.1.1" }, []string{"host"}, nil},
		{"host ipv6 brackets dropped", func(c *sharpeyes.Camera) { c.Host = "[::1]" }, nil,
			func(c sharpeyes.Camera) bool { return c.Host == "::1" }},
		{"port default onvif", func(c *sharpeyes.Camera) { c.Probe = sharpeyes.ProbeONVIF }, nil,
			func(c sharpeyes.Camera) bool { return c.Port == 80 }},
		{"port none for icmp", func(c *sharpeyes.Camera) { c.Probe = sharpeyes.ProbeICMP }, nil,
			func(c sharpeyes.Camera) bool { return c.Port == 0 }},
		{"port given is kept", func(c *sharpeyes.Camera) { c.Port = 8554 }, nil,
			func(c sharpeyes.Camera) bool { return c.Port == 8554 }},
		{"port too high", func(c *sharpeyes.Camera) { c.Port = 70000 }, []string{"port"}, nil},
		{"port negative", func(c *sharpeyes.Camera) { c.Port = -1 }, []string{"port"}, nil},
		{"port required for tcp", func(c *sharpeyes.Camera) { c.Probe = sharpeyes.ProbeTCP }, []string{"port"}, nil},
		{"lat out of range", func(c *sharpeyes.Camera) { c.Lat = ptr(95.5) }, []string{"lat"}, nil},
		{"lat NaN", func(c *sharpeyes.Camera) { c.Lat = ptr(math.NaN()) }, []string{"lat"}, nil},
		{"lon out of range", func(c *sharpeyes.Camera) { c.Lon = ptr(-180.5) }, []string{"lon"}, nil},
		{"lon infinite", func(c *sharpeyes.Camera) { c.Lon = ptr(math.Inf(1)) }, []string{"lon"}, nil},
		{"lat lon on the edges", func(c *sharpeyes.Camera) { c.Lat, c.Lon = ptr(-90), ptr(180) }, nil, nil},
		{"due impossible", func(c *sharpeyes.Camera) { c.Due = "2026-13-45" }, []string{"due"}, nil},
		{"due from excel", func(c *sharpeyes.Camera) { c.Due = "2026/7/1" }, nil,
			func(c sharpeyes.Camera) bool { return c.Due == "2026-07-01" }},
		{"installed_at impossible", func(c *sharpeyes.Camera) { c.InstalledAt = "2024-02-30" }, []string{"installed_at"}, nil},
		{"region too long", func(c *sharpeyes.Camera) { c.Region = strings.Repeat("区", 257) }, []string{"region"}, nil},
		{"region segments trimmed", func(c *sharpeyes.Camera) { c.Region = " 荷塘区 / 月塘街道 //网格12/" }, nil,
			func(c sharpeyes.Camera) bool { return c.Region == "荷塘区/月塘街道/网格12" }},
		{"errors in spec order", func(c *sharpeyes.Camera) {
			c.InstalledAt, c.Port, c.Name, c.Host = "x", 99999, "", "bad host"
		}, []string{"name", "host", "port", "installed_at"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCamera()
			tt.change(&c)
			err := c.Normalize()
			var got []string
			if err != nil {
				ve, ok := err.(sharpeyes.ValidationError)
				if !ok {
					t.Fatalf("error %v is a %T, want ValidationError", err, err)
				}
				for _, fe := range ve {
					got = append(got, fe.Field)
				}
			}
			if !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("bad fields: got %v (%v), want %v", got, err, tt.bad)
			}
			if tt.check != nil && !tt.check(c) {
				t.Fatalf("normalised camera not as expected: %+v", c)
			}
		})
	}
}

func TestCheckHost(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"[::1]", true}, {"fe80::1", true}, {"2001:db8::8", true},
		{"cam-1.example.com", true}, {"example.com.", true}, {"nvr_01.local", true}, {"localhost", true},
		{strings.Repeat("a", 63) + ".com", true},
		{"", false}, {"999.1.1.1", false}, {"1.2.3", false}, {"[127.0.0.1]", false}, {"[::1", false},
		{"::1]", false}, {"-cam.com", false}, {"cam-.com", false}, {"a..b", false}, {"摄像机.cn", false},
		{strings.Repeat("a", 64) + ".com", false}, {strings.Repeat("a.", 127) + "ab", false},
		{"host:554", false}, {"rtsp://host", false}, {"a b", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := sharpeyes.CheckHost(tt.host)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckHost(%q) = %v, want ok=%v", tt.host, err, tt.ok)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want sharpeyes.Date
		ok   bool
	}{
		{"2024-01-02", "2024-01-02", true}, {" 2024-01-02 ", "2024-01-02", true},
		{"2024/01/02", "2024-01-02", true}, {"2024/1/2", "2024-01-02", true}, {"2024-1-2", "2024-01-02", true},
		{"", "", true}, {"2024-02-29", "2024-02-29", true},
		{"2026-13-45", "", false}, {"2023-02-29", "", false}, {"01/02/2024", "", false},
		{"2024-01-02T00:00:00Z", "", false}, {"yesterday", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sharpeyes.ParseDate(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Fatalf("ParseDate(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if tt.ok && tt.want != "" {
				// Midnight of the date in the given zone, not in UTC.
				shanghai, _ := time.LoadLocation("Asia/Shanghai")
				at := got.In(shanghai)
				if at.Format("2006-01-02 15:04:05 -0700") != string(tt.want)+" 00:00:00 +0800" {
					t.Fatalf("In(Asia/Shanghai) of %q = %v", got, at)
				}
			}
		})
	}
}
