package report

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// slaFleet: crew A's camera a is down 30 minutes from 2026-10-31T16:30Z
// (00:30 on 1 November in Shanghai, still October in UTC); crew B's camera
// b is down 36 hours from 5 October, longer than a 24 h repair deadline;
// crew C's camera c was never probed (not monitored).
func slaFleet(t *testing.T) *env {
	e := newEnv(t)
	start := time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)
	a := mustCamera(t, "a", "荷塘区/月塘街道/网格01", sharpeyes.Active)
	a.Maintainer = "甲运维"
	b := mustCamera(t, "b", "荷塘区/月塘街道/网格02", sharpeyes.Active)
	b.Maintainer = "乙运维"
	c := mustCamera(t, "c", "荷塘区/月塘街道/网格03", sharpeyes.Active)
	c.Maintainer = "丙运维"
	e.putAt(t, start, a, b, c)
	e.setState(t, "a", sharpeyes.StateUp, "", start.Add(time.Hour))
	e.setState(t, "b", sharpeyes.StateUp, "", start.Add(time.Hour))
	e.setState(t, "b", sharpeyes.StateDown, "timeout", time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	e.setState(t, "b", sharpeyes.StateUp, "", time.Date(2026, 10, 6, 12, 0, 0, 0, time.UTC))
	e.setState(t, "a", sharpeyes.StateDown, "timeout", boundary)
	e.setState(t, "a", sharpeyes.StateUp, "", boundary.Add(30*time.Minute))
	e.clock.Set(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	return e
}

func slaGroup(t *testing.T, rep *SLA, key string) SLAGroup {
	t.Helper()
	for _, g := range rep.Groups {
		if g.Key == key {
			return g
		}
	}
	t.Fatalf("no group %q in %+v", key, rep.Groups)
	return SLAGroup{}
}

// The month is a calendar month in the timezone: the outage at 00:30 on
// 1 November Shanghai time is November's there and October's in UTC. An
// outage longer than the repair deadline counts as over the deadline, and
// a crew with no monitored time has no availability (null, never 1).
func TestSLAPerMaintainerForALocalMonth(t *testing.T) {
	e := slaFleet(t)
	cases := []struct {
		zone               *time.Location
		month              string
		from, to           time.Time
		aOutages, bOutages int
		bOverDeadline      int
	}{
		{shanghai, "2026-10", at(time.UTC, 2026, 9, 30, 16, 0), at(time.UTC, 2026, 10, 31, 16, 0), 0, 1, 1},
		{shanghai, "2026-11", at(time.UTC, 2026, 10, 31, 16, 0), at(time.UTC, 2026, 11, 30, 16, 0), 1, 0, 0},
		{time.UTC, "2026-10", at(time.UTC, 2026, 10, 1, 0, 0), at(time.UTC, 2026, 11, 1, 0, 0), 1, 1, 1},
		{time.UTC, "2026-11", at(time.UTC, 2026, 11, 1, 0, 0), at(time.UTC, 2026, 12, 1, 0, 0), 0, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.zone.String()+"/"+tc.month, func(t *testing.T) {
			r := New(Options{Store: e.store, Now: e.clock.Now, Location: tc.zone, RepairDeadline: 24 * time.Hour})
			q, err := ParseQuery(url.Values{"month": {tc.month}, "group_by": {"maintainer"}}, e.clock.Now(), tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := r.SLA(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Month != tc.month || !rep.From.Equal(tc.from) || !rep.To.Equal(tc.to) || rep.RepairDeadlineS != 86400 {
				t.Errorf("month %s from %s to %s deadline %v, want %s from %s to %s deadline 86400",
					rep.Month, rep.From, rep.To, rep.RepairDeadlineS, tc.month, tc.from, tc.to)
			}
			a, b, c := slaGroup(t, rep, "甲运维"), slaGroup(t, rep, "乙运维"), slaGroup(t, rep, "丙运维")
			if a.Outages != tc.aOutages || b.Outages != tc.bOutages || b.OverDeadline != tc.bOverDeadline || a.OverDeadline != 0 {
				t.Errorf("A: %d outages, %d over; B: %d outages, %d over; want A %d, 0; B %d, %d",
					a.Outages, a.OverDeadline, b.Outages, b.OverDeadline, tc.aOutages, tc.bOutages, tc.bOverDeadline)
			}
			if tc.aOutages == 1 && (a.MTTRS == nil || *a.MTTRS != 1800) {
				t.Errorf("A's MTTR = %v, want 1800 s", showFloat(a.MTTRS))
			}
			if tc.bOutages == 1 {
				monthS := tc.to.Sub(tc.from).Seconds()
				want := (monthS - 36*3600) / monthS
				if b.Availability == nil || *b.Availability < want-1e-9 || *b.Availability > want+1e-9 {
					t.Errorf("B's availability = %v, want %v (36 h down of the month)", showFloat(b.Availability), want)
				}
			}
			if c.Availability != nil || c.MonitoredS != 0 {
				t.Errorf("C was never probed: availability %v, monitored %v s, want null and 0", showFloat(c.Availability), c.MonitoredS)
			}
			if rep.Total.OverDeadline != tc.bOverDeadline {
				t.Errorf("total over deadline %d, want %d", rep.Total.OverDeadline, tc.bOverDeadline)
			}
		})
	}
}

// A month's report without a month is the last whole month in the
// timezone; a month with from or to, or not written YYYY-MM, is a 400
// naming month.
func TestSLAMonthParameter(t *testing.T) {
	now := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC) // 1 December 00:30 in Shanghai
	for _, tc := range []struct {
		zone *time.Location
		want string
	}{{shanghai, "2026-11"}, {time.UTC, "2026-10"}} {
		if got := defaultMonth(now, tc.zone); got != tc.want {
			t.Errorf("default month at %s in %s = %s, want %s", now, tc.zone, got, tc.want)
		}
	}
	for _, v := range []url.Values{{"month": {"2026-13"}}, {"month": {"202610"}}, {"month": {"2026-10"}, "from": {"-7d"}}} {
		_, err := ParseQuery(v, now, shanghai)
		if err == nil || !strings.Contains(err.Error(), "month") {
			t.Errorf("ParseQuery(%v) = %v, want an error naming month", v, err)
		}
	}
}

// Through the API: JSON, CSV (with the over-deadline column) and a 400 for
// a bad month.
func TestSLAThroughTheAPI(t *testing.T) {
	e := slaFleet(t)
	e.rep = New(Options{Store: e.store, Now: e.clock.Now, Location: shanghai, RepairDeadline: 24 * time.Hour})
	srv := serveAPI(t, e)
	code, _, body := get(t, srv, "/api/v1/reports/sla?month=2026-10&group_by=maintainer", viewerToken)
	if code != http.StatusOK || !strings.Contains(string(body), `"over_deadline":1`) || !strings.Contains(string(body), `"month":"2026-10"`) {
		t.Errorf("sla json: %d %s", code, body)
	}
	code, hdr, body := get(t, srv, "/api/v1/reports/sla?month=2026-10&group_by=maintainer&format=csv", viewerToken)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") ||
		!strings.Contains(string(body), "over_deadline") || !strings.Contains(string(body), "乙运维") {
		t.Errorf("sla csv: %d %s\n%s", code, hdr.Get("Content-Type"), body)
	}
	code, _, body = get(t, srv, "/api/v1/reports/sla?month=October", viewerToken)
	if code != http.StatusBadRequest || !strings.Contains(string(body), "month") {
		t.Errorf("bad month: %d %s", code, body)
	}
}
