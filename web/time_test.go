package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/web"
)

// The console writes times in the server's timezone (from
// status/summary), with the offset, whatever the browser's own zone: run
// static/time.js under node with TZ set to a third zone.
func TestConsoleFormatsTimesInTheServersTimezone(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the console's time formatting is not exercised")
	}
	cases := []struct {
		iso, zone   string
		when, clock string
	}{
		{"2026-10-31T16:30:00Z", "Asia/Shanghai", "2026-11-01T00:30:00+08:00", "00:30:00+08:00"},
		{"2026-10-31T16:30:00Z", "UTC", "2026-10-31T16:30:00Z", "16:30:00Z"},
		{"2026-11-01T00:30:00+08:00", "UTC", "2026-10-31T16:30:00Z", "16:30:00Z"},
		{"2026-10-31T16:30:00.987654Z", "Asia/Shanghai", "2026-11-01T00:30:00+08:00", "00:30:00+08:00"},
		{"2026-03-08T07:30:00Z", "America/New_York", "2026-03-08T03:30:00-04:00", "03:30:00-04:00"},
		{"2026-03-08T06:30:00Z", "America/New_York", "2026-03-08T01:30:00-05:00", "01:30:00-05:00"},
		{"2026-10-31T16:30:00Z", "Asia/Kolkata", "2026-10-31T22:00:00+05:30", "22:00:00+05:30"},
		// a zone the browser does not know: UTC, still with its offset
		{"2026-10-31T16:30:00Z", "Mars/Olympus", "2026-10-31T16:30:00Z", "16:30:00Z"},
		{"", "Asia/Shanghai", "–", "–"},
	}
	type result struct{ When, Clock string }
	script := `
const vm = require("vm"), fs = require("fs");
vm.runInThisContext(fs.readFileSync("static/time.js", "utf8"));
const cases = JSON.parse(process.argv[1]);
console.log(JSON.stringify(cases.map(([iso, zone]) => {
  const z = zoneFormatter(zone);
  return { When: z.when(iso), Clock: z.clock(iso) };
})));`
	args := make([][2]string, len(cases))
	for i, tc := range cases {
		args[i] = [2]string{tc.iso, tc.zone}
	}
	in, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", script, string(in))
	cmd.Env = append(cmd.Environ(), "TZ=America/Los_Angeles") // the browser's zone must not matter
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []result
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	for i, tc := range cases {
		if got[i].When != tc.when || got[i].Clock != tc.clock {
			t.Errorf("%s in %s = %q, %q; want %q, %q", tc.iso, tc.zone, got[i].When, got[i].Clock, tc.when, tc.clock)
		}
	}
}

// The page loads the time formatting before the script that uses it;
// the script takes the zone from the summary and never formats a time in
// the browser's zone (Date's getHours and friends).
func TestConsoleTakesTheZoneFromTheServer(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	_, _, page := get(t, srv, "/")
	i, j := strings.Index(page, `<script src="time.js"></script>`), strings.Index(page, `<script src="app.js"></script>`)
	if i < 0 || j < i {
		t.Fatalf("index.html must load time.js before app.js:\n%s", page)
	}
	code, _, app := get(t, srv, "/app.js")
	if code != 200 || !strings.Contains(app, "zoneFormatter(s.timezone") {
		t.Error("app.js does not take the zone from status/summary's timezone")
	}
	if m := regexp.MustCompile(`\.get(Hours|Minutes|Seconds|Date|Month|FullYear)\(`).FindString(app); m != "" {
		t.Errorf("app.js formats a time in the browser's zone: %s", m)
	}
}
