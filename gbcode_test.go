package sharpeyes_test

import (
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestParseGBCodeExtractsParts(t *testing.T) {
	gb, err := sharpeyes.ParseGBCode("43020200001326000001")
	if err != nil {
		t.Fatal(err)
	}
	want := sharpeyes.GBCode{Region: "430202", Industry: "00", Type: "132", TypeName: "IP camera",
		Network: "6", Serial: "000001"}
	if *gb != want {
		t.Fatalf("got %+v, want %+v", *gb, want)
	}
}

func TestParseGBCodeRejects(t *testing.T) {
	tests := []struct{ name, code, want string }{
		{"19 digits", "4302020000132600000", "has 19 digits"},
		{"21 digits", "430202000013260000012", "has 21 digits"},
		{"no province", "00020200001326000001", "no province"},
		{"not digits", "4302020000132600000x", "must be 20 digits"},
		{"empty", "", "must be 20 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gb, err := sharpeyes.ParseGBCode(tt.code)
			if err == nil || gb != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseGBCode(%q) = %v, %v; want an error saying %q", tt.code, gb, err, tt.want)
			}
		})
	}
}

func TestCheckID(t *testing.T) {
	tests := []struct {
		id     string
		ok, gb bool
	}{
		{"cam-1", true, false}, {"NVR.03_a", true, false}, {"1a", true, false},
		{strings.Repeat("x", 64), true, false}, {"43020200001326000001", true, true},
		{"", false, false}, {"cam 1", false, false}, {"摄像机", false, false}, {"a/b", false, false},
		{strings.Repeat("x", 65), false, false}, {"12345", false, false}, {"00020200001326000001", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			gb, err := sharpeyes.CheckID(tt.id)
			if (err == nil) != tt.ok || (gb != nil) != tt.gb {
				t.Fatalf("CheckID(%q) = %v, %v; want ok=%v, code=%v", tt.id, gb, err, tt.ok, tt.gb)
			}
		})
	}
}
