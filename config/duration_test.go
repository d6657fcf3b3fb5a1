package config

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{in: "30s", want: 30 * time.Second},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "5m", want: 5 * time.Minute},
		{in: "2h", want: 2 * time.Hour},
		{in: "7d", want: 7 * Day},
		{in: "400d", want: 400 * Day},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "-2d", want: -2 * Day},
		{in: " 0 ", want: 0},
		{in: "1.5d", err: "invalid duration"},
		{in: "d", err: "invalid duration"},
		{in: "7days", err: "invalid duration"},
		{in: "1d-1h", err: "invalid duration"},
		{in: "3 weeks", err: "invalid duration"},
		{in: "", err: "invalid duration"},
		{in: "200000d", err: "too long"},
		{in: "106751d23h47m16.854775807s", want: time.Duration(1<<63 - 1)},
		{in: "106751d23h47m16.854775808s", err: "too long"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			switch {
			case tc.err != "":
				wantErr(t, err, tc.err)
			case err != nil:
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			case got.Std() != tc.want:
				t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, got.Std(), tc.want)
			}
		})
	}
}

func TestDurationStringRoundTrips(t *testing.T) {
	tests := map[time.Duration]string{
		0:                      "0s",
		500 * time.Millisecond: "500ms",
		5 * time.Minute:        "5m",
		time.Hour:              "1h",
		90 * time.Minute:       "1h30m",
		24 * time.Hour:         "24h",
		400 * Day:              "400d",
		-7 * Day:               "-7d",
		36 * time.Hour:         "36h",
	}
	for d, want := range tests {
		got := Duration(d).String()
		if got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		back, err := ParseDuration(got)
		if err != nil || back.Std() != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back.Std(), err, d)
		}
	}
}

func TestDurationYAML(t *testing.T) {
	tests := []struct {
		doc, err string
		want     time.Duration
	}{
		{doc: "d: 7d", want: 7 * Day},
		{doc: `d: "90s"`, want: 90 * time.Second},
		{doc: "d: 0", want: 0},
		{doc: "d: 30", err: "30 has no unit"},
		{doc: "d: 1.5", err: "invalid duration"},
		{doc: "d: [1s]", err: "must be a duration"},
	}
	for _, tc := range tests {
		t.Run(tc.doc, func(t *testing.T) {
			var v struct{ D Duration }
			err := yaml.Unmarshal([]byte(tc.doc), &v)
			if tc.err != "" {
				wantErr(t, err, tc.err)
				return
			}
			if err != nil || v.D.Std() != tc.want {
				t.Fatalf("Unmarshal(%q) = %v, %v; want %v", tc.doc, v.D.Std(), err, tc.want)
			}
			out, err := yaml.Marshal(v)
			if err != nil || !strings.Contains(string(out), Duration(tc.want).String()) {
				t.Errorf("Marshal = %q, %v; want it to hold %q", out, err, Duration(tc.want).String())
			}
		})
	}
}
