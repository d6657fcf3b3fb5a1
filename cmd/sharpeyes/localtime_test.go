package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// An unknown SHARPEYES_TIMEZONE stops start-up naming the variable.
func TestUnknownTimezoneStopsStartupNamingTheKey(t *testing.T) {
	code, _, errs := runCmd(t, []string{"SHARPEYES_TIMEZONE=Asia/Beijing"}, "serve")
	if code != exitUsage || !strings.Contains(errs, "SHARPEYES_TIMEZONE: timezone:") {
		t.Fatalf("exit %d, stderr %q: want 2 naming SHARPEYES_TIMEZONE", code, errs)
	}
}

// `sharpeyes report` reads date-only --from/--to in the timezone and
// prints times in it with their offset: an outage at 2026-10-31T16:30Z is
// on 2026-11-01 in Shanghai (the default) and on 2026-10-31 in UTC.
func TestReportCommandUsesTheTimezone(t *testing.T) {
	rs := redistest.Start(t)
	start := time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)
	end := start.Add(20 * time.Minute)
	if err := store.New(rs.Client()).RecordOutages(context.Background(), []sharpeyes.Outage{
		{CameraID: "cam-1", Start: start, End: &end, DurationS: 1200, Reason: "timeout"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		env      []string
		day      string
		format   string
		want     []string // start and end as printed; none when the outage is on another day
		notFound string
	}{
		{nil, "2026-11-01", "csv", []string{"2026-11-01T00:30:00+08:00,2026-11-01T00:50:00+08:00"}, ""},
		{nil, "2026-10-31", "csv", nil, "cam-1"},
		{nil, "2026-11-01", "table", []string{"start       2026-11-01T00:30:00+08:00\n", "end         2026-11-01T00:50:00+08:00\n"}, ""},
		{[]string{"SHARPEYES_TIMEZONE=UTC"}, "2026-10-31", "csv", []string{"2026-10-31T16:30:00Z,2026-10-31T16:50:00Z"}, ""},
		{[]string{"SHARPEYES_TIMEZONE=UTC"}, "2026-11-01", "csv", nil, "cam-1"},
		{[]string{"SHARPEYES_TIMEZONE=UTC"}, "2026-10-31", "table", []string{"start       2026-10-31T16:30:00Z\n", "end         2026-10-31T16:50:00Z\n"}, ""},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.env, "")+"/"+tc.day+"/"+tc.format, func(t *testing.T) {
			next, _ := time.Parse(time.DateOnly, tc.day)
			code, out, errs := runCmd(t, tc.env, "report", "outages", "--redis", rs.URL(), "--format", tc.format,
				"--from", tc.day, "--to", next.AddDate(0, 0, 1).Format(time.DateOnly))
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
			if tc.notFound != "" && strings.Contains(out, tc.notFound) {
				t.Errorf("report of %s lists %s:\n%s", tc.day, tc.notFound, out)
			}
		})
	}
}

// The binary embeds the tz database, so that a distroless image without
// /usr/share/zoneinfo still knows Asia/Shanghai.
func TestBinaryEmbedsTheTimezoneDatabase(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to list the binary's packages")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	if !strings.Contains("\n"+string(out), "\ntime/tzdata\n") {
		t.Fatal("cmd/sharpeyes does not import time/tzdata")
	}
}
