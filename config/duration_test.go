package config

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

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

// TestDurationKeyErrorsNameTheKey checks what the decoder says about a
// duration key that holds no duration.
func TestDurationKeyErrorsNameTheKey(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"collector: {probe_timeout: [1s]}", "collector.probe_timeout: must be a duration like 30s, 5m, 2h or 7d, got a list"},
		{"collector: {probe_timeout: 30}", "collector.probe_timeout: 30 has no unit"},
		{"alerts: {max_age: 1.5}", "alerts.max_age: invalid duration \"1.5\""},
	}
	for _, tc := range tests {
		t.Run(tc.doc, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), nil)
			wantErr(t, err, tc.want)
		})
	}
}
