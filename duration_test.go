package sharpeyes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
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
		{in: "7d", want: 7 * sharpeyes.Day},
		{in: "400d", want: 400 * sharpeyes.Day},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "-2d", want: -2 * sharpeyes.Day},
		{in: " 0 ", want: 0},
		{in: "30", err: "30 has no unit"},
		{in: "1.5", err: "invalid duration"},
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
			got, err := sharpeyes.ParseDuration(tc.in)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseDuration(%q) = %v, want an error containing %q", tc.in, err, tc.err)
				}
			case err != nil:
				t.Fatalf("sharpeyes.ParseDuration(%q): %v", tc.in, err)
			case got.Std() != tc.want:
				t.Errorf("sharpeyes.ParseDuration(%q) = %v, want %v", tc.in, got.Std(), tc.want)
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
		400 * sharpeyes.Day:    "400d",
		-7 * sharpeyes.Day:     "-7d",
		36 * time.Hour:         "36h",
	}
	for d, want := range tests {
		got := sharpeyes.Duration(d).String()
		if got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		back, err := sharpeyes.ParseDuration(got)
		if err != nil || back.Std() != d {
			t.Errorf("sharpeyes.ParseDuration(%q) = %v, %v; want %v", got, back.Std(), err, d)
		}
	}
}

// FuzzParseDuration checks that every duration ParseDuration accepts prints
// back to the same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30s", "500ms", "7d", "400d", "1d12h", "-2d", "0", "1.5h", "106751d23h47m16.854775807s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sharpeyes.ParseDuration(s)
		if err != nil {
			return
		}
		back, err := sharpeyes.ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v, printed %q, parsed back %v, %v", s, d.Std(), d.String(), back.Std(), err)
		}
	})
}
