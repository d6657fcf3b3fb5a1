package config

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec string
		next time.Duration // gap between two firings; 0 when an error is wanted
		err  string
	}{
		{spec: "0 * * * * *", next: time.Minute},
		{spec: "*/30 * * * * *", next: 30 * time.Second},
		{spec: "@every 2m", next: 2 * time.Minute},
		{spec: "@hourly", next: time.Hour},
		{spec: "CRON_TZ=Asia/Shanghai 0 0 2 * * *", next: 24 * time.Hour},
		{spec: "* * * * *", err: "expected exactly 6 fields, found 5"},
		{spec: "", err: "is required"},
		{spec: "0 0 0 30 2 *", err: "never fires"},
		{spec: "TZ=UTC", err: "invalid cron spec"}, // panics inside cron v3.0.1
		{spec: "CRON_TZ=Mars/Olympus 0 * * * * *", err: "invalid cron spec"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			s, err := ParseSchedule(tc.spec)
			if tc.err != "" {
				wantErr(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tc.spec, err)
			}
			first := s.Next(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
			if gap := s.Next(first).Sub(first); gap != tc.next {
				t.Errorf("ParseSchedule(%q) fires every %v, want %v", tc.spec, gap, tc.next)
			}
		})
	}
}

func TestGroupFilterMatch(t *testing.T) {
	cam := &sharpeyes.Camera{ID: "c1", Probe: sharpeyes.ProbeRTSP, Owner: sharpeyes.OwnerPolice,
		Lifecycle: sharpeyes.Active, Region: "荷塘区/月塘街道/网格12", Maintainer: "株洲某某运维公司"}
	tests := []struct {
		name   string
		filter GroupFilter
		want   bool
	}{
		{"empty matches all", GroupFilter{}, true},
		{"owner", GroupFilter{Owner: sharpeyes.OwnerPolice}, true},
		{"other owner", GroupFilter{Owner: sharpeyes.OwnerSocial}, false},
		{"region prefix", GroupFilter{Region: "荷塘区/月塘街道"}, true},
		{"region not on a segment", GroupFilter{Region: "荷塘区/月塘"}, false},
		{"probe", GroupFilter{Probe: sharpeyes.ProbeRTSP, Lifecycle: sharpeyes.Active}, true},
		{"other probe", GroupFilter{Probe: sharpeyes.ProbeICMP}, false},
		{"maintainer", GroupFilter{Maintainer: "株洲某某运维公司", Owner: sharpeyes.OwnerPolice}, true},
		{"other lifecycle", GroupFilter{Lifecycle: sharpeyes.Building}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.filter.Match(cam); got != tc.want {
				t.Errorf("%+v.Match = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

func TestDefaultInstanceIsUniqueToTheProcess(t *testing.T) {
	host := hostname()
	pid := "-" + strconv.Itoa(os.Getpid()) + "-"
	tests := []struct {
		name string
		yaml string
	}{
		{"no file", ""},
		{"empty instance in the file", "collector:\n  instance: \"\"\n"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Collector.Instance
			if !strings.HasPrefix(got, host+pid) || len(got) <= len(host+pid) {
				t.Fatalf("instance %q, want %q followed by a random part", got, host+pid)
			}
			if seen[got] {
				t.Fatalf("instance %q given twice", got)
			}
			seen[got] = true
		})
	}
}
