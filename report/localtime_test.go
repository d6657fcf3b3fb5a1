package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// The day boundary of these tests: 2026-10-31T16:30Z is 00:30 on
// 2026-11-01 in Shanghai (UTC+8) but still 2026-10-31 in UTC.
var (
	shanghai   = mustZone("Asia/Shanghai")
	boundary   = time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)
	boundaryTo = boundary.Add(20 * time.Minute)
	// localNow is after the boundary day in every zone of these tests.
	localNow = time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns the instant of a wall-clock time in loc.
func at(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

func TestDateOnlyFromAndToAreMidnightInTheTimezone(t *testing.T) {
	cases := []struct {
		zone     *time.Location
		from, to string
		wantFrom time.Time
		wantTo   time.Time
	}{
		{shanghai, "2026-11-01", "2026-11-02", at(time.UTC, 2026, 10, 31, 16, 0), at(time.UTC, 2026, 11, 1, 16, 0)},
		{time.UTC, "2026-11-01", "2026-11-02", at(time.UTC, 2026, 11, 1, 0, 0), at(time.UTC, 2026, 11, 2, 0, 0)},
		{shanghai, "2026-11-01", "2026-11-01T08:00:00", at(time.UTC, 2026, 10, 31, 16, 0), at(time.UTC, 2026, 11, 1, 0, 0)},
		{time.UTC, "2026-11-01", "2026-11-01T08:00:00", at(time.UTC, 2026, 11, 1, 0, 0), at(time.UTC, 2026, 11, 1, 8, 0)},
		// a time with its offset means that instant, whatever the zone
		{shanghai, "2026-11-01T00:00:00Z", "2026-11-01T10:00:00+09:00", at(time.UTC, 2026, 11, 1, 0, 0), at(time.UTC, 2026, 11, 1, 1, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String()+"/"+tc.from+".."+tc.to, func(t *testing.T) {
			q, err := ParseQuery(url.Values{"from": {tc.from}, "to": {tc.to}}, localNow, tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			if !q.From.Equal(tc.wantFrom) || !q.To.Equal(tc.wantTo) {
				t.Fatalf("from=%s to=%s in %s = %s..%s, want %s..%s", tc.from, tc.to, tc.zone,
					q.From.UTC(), q.To.UTC(), tc.wantFrom, tc.wantTo)
			}
		})
	}
}

// An outage at 2026-10-31T16:30Z is in the report of 2026-11-01 in
// Shanghai and in that of 2026-10-31 in UTC, and its downtime counts in
// the availability of that local day only.
func TestOutageAtTheDayBoundaryFallsOnTheLocalDay(t *testing.T) {
	e := newEnv(t)
	e.putAt(t, boundary.Add(-48*time.Hour), mustCamera(t, "a", "荷塘区/月塘街道/网格01", sharpeyes.Active))
	e.setState(t, "a", sharpeyes.StateUp, "", boundary.Add(-47*time.Hour))
	e.setState(t, "a", sharpeyes.StateDown, "timeout", boundary)
	e.setState(t, "a", sharpeyes.StateUp, "", boundaryTo)
	e.clock.Set(localNow)
	cases := []struct {
		zone     *time.Location
		day      string
		outages  int
		wantDown float64
	}{
		{shanghai, "2026-11-01", 1, 1200},
		{shanghai, "2026-10-31", 0, 0},
		{time.UTC, "2026-10-31", 1, 1200},
		{time.UTC, "2026-11-01", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String()+"/"+tc.day, func(t *testing.T) {
			r := New(Options{Store: e.store, Now: e.clock.Now, Location: tc.zone})
			next, _ := time.Parse(time.DateOnly, tc.day)
			q, err := ParseQuery(url.Values{"from": {tc.day}, "to": {next.AddDate(0, 0, 1).Format(time.DateOnly)}}, localNow, tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.Outages(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Items) != tc.outages {
				t.Errorf("outages of %s in %s: %d, want %d", tc.day, tc.zone, len(out.Items), tc.outages)
			}
			q.Cameras = true
			av, err := r.Availability(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := av.Total.DownS; got != tc.wantDown || av.Total.Outages != tc.outages {
				t.Errorf("availability of %s in %s: down %vs, %d outages; want %vs, %d",
					tc.day, tc.zone, got, av.Total.Outages, tc.wantDown, tc.outages)
			}
		})
	}
}

// A camera due 2026-11-01 is overdue once that whole day has passed in
// the timezone: at 2026-11-01T16:30Z in Shanghai (00:30 on the 2nd), not
// yet in UTC. installed_at is a local date already: its month is the one
// it names in every zone.
func TestOverdueIsJudgedAtTheEndOfTheLocalDueDay(t *testing.T) {
	e := newEnv(t)
	late := mustCamera(t, "late", "荷塘区/月塘街道/网格01", sharpeyes.Building)
	late.Due = "2026-11-01"
	done := mustCamera(t, "done", "荷塘区/月塘街道/网格01", sharpeyes.Active)
	done.InstalledAt = "2026-11-01"
	e.putAt(t, boundary.Add(-48*time.Hour), late, done)
	cases := []struct {
		zone    *time.Location
		now     time.Time
		overdue int
	}{
		{shanghai, at(time.UTC, 2026, 11, 1, 15, 30), 0}, // 23:30 on the 1st
		{shanghai, at(time.UTC, 2026, 11, 1, 16, 0), 1},  // midnight: the 1st has passed
		{shanghai, at(time.UTC, 2026, 11, 1, 16, 30), 1},
		{time.UTC, at(time.UTC, 2026, 11, 1, 16, 30), 0},
		{time.UTC, at(time.UTC, 2026, 11, 1, 23, 59), 0},
		{time.UTC, at(time.UTC, 2026, 11, 2, 0, 0), 1},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String()+"/"+tc.now.Format(time.RFC3339), func(t *testing.T) {
			r := New(Options{Store: e.store, Now: func() time.Time { return tc.now }, Location: tc.zone})
			rep, err := r.Buildout(context.Background(), Query{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Total.Overdue != tc.overdue {
				t.Errorf("overdue at %s in %s = %d, want %d", tc.now.Format(time.RFC3339), tc.zone, rep.Total.Overdue, tc.overdue)
			}
			if !slices.Equal(rep.Months, []string{"2026-11"}) || rep.Total.Commissioned["2026-11"] != 1 {
				t.Errorf("commissioned %v %v, want one in 2026-11", rep.Months, rep.Total.Commissioned)
			}
		})
	}
}

// CSV and tables write every time in the timezone with its offset.
func TestTimesForPeopleAreWrittenInTheTimezoneWithTheirOffset(t *testing.T) {
	end := boundaryTo
	rep := &Outages{At: localNow, Items: []OutageItem{
		{CameraID: "a", Start: boundary, End: &end, DurationS: 1200, Reason: "timeout"},
		{CameraID: "b", Start: boundary, DurationS: 1200, Reason: "timeout", Open: true},
	}}
	cases := []struct {
		zone       *time.Location
		start, end string
	}{
		{shanghai, "2026-11-01T00:30:00+08:00", "2026-11-01T00:50:00+08:00"},
		{time.UTC, "2026-10-31T16:30:00Z", "2026-10-31T16:50:00Z"},
		{mustZone("America/New_York"), "2026-10-31T12:30:00-04:00", "2026-10-31T12:50:00-04:00"},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, rep, LangEN, tc.zone); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[len(bom):])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := rows[1][6:8]; got[0] != tc.start || got[1] != tc.end {
				t.Errorf("csv start, end = %q, want %q, %q", got, tc.start, tc.end)
			}
			if got := rows[2][6:8]; got[0] != tc.start || got[1] != "" {
				t.Errorf("csv open outage start, end = %q, want %q, \"\"", got, tc.start)
			}
			buf.Reset()
			if err := WriteTable(&buf, rep, tc.zone); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), tc.start+"  "+tc.end) {
				t.Errorf("table lacks %q then %q:\n%s", tc.start, tc.end, buf.String())
			}
			buf.Reset()
			if err := WriteTable(&buf, &Summary{At: boundary}, tc.zone); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "at  ") || !strings.Contains(buf.String(), " "+tc.start+"\n") {
				t.Errorf("summary table does not give at as %s:\n%s", tc.start, buf.String())
			}
		})
	}
}

// Through the API: the summary names the timezone (the console formats
// times in it), and a CSV of a date-only window writes local times.
func TestAPIReportsFollowTheTimezone(t *testing.T) {
	e := newEnv(t)
	e.putAt(t, boundary.Add(-48*time.Hour), mustCamera(t, "a", "荷塘区/月塘街道/网格01", sharpeyes.Active))
	e.recordOutages(t, closed("a", boundary, boundaryTo))
	e.clock.Set(localNow)
	for _, tc := range []struct {
		zone      *time.Location
		day, want string
	}{
		{shanghai, "2026-11-01", "2026-11-01T00:30:00+08:00"},
		{time.UTC, "2026-10-31", "2026-10-31T16:30:00Z"},
	} {
		t.Run(tc.zone.String(), func(t *testing.T) {
			e.rep = New(Options{Store: e.store, Now: e.clock.Now, Location: tc.zone})
			srv := serveAPI(t, e)
			code, _, body := get(t, srv, "/api/v1/status/summary", viewerToken)
			var sum struct {
				Timezone string `json:"timezone"`
			}
			if err := json.Unmarshal(body, &sum); code != http.StatusOK || err != nil || sum.Timezone != tc.zone.String() {
				t.Errorf("summary: %d, timezone %q (%v), want %q", code, sum.Timezone, err, tc.zone)
			}
			code, _, body = get(t, srv, "/api/v1/reports/outages?format=csv&from="+tc.day+"&to="+tc.day+"T23:59:59", viewerToken)
			if code != http.StatusOK || !strings.Contains(string(body), ","+tc.want+",") {
				t.Errorf("outage csv of %s: %d\n%s\nwant a start of %s", tc.day, code, body, tc.want)
			}
		})
	}
}
