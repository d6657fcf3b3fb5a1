package report

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// step puts a camera into a lifecycle at an hour relative to t0.
type step struct {
	at float64
	lc sharpeyes.Lifecycle
}

type camSpec struct {
	id, region string
	steps      []step // the first creates the camera
	// known is when its state was first known, in hours from t0 (the
	// first step's time when zero); never says it was never probed.
	known float64
	never bool
}

type outageSpec struct {
	cam        string
	start, end float64 // hours from t0
	open       bool
}

type silenceSpec struct {
	cam, region string
	start, end  float64
}

type want struct {
	availability *float64
	outages      int
	mttr         *float64
}

type availabilityCase struct {
	name     string
	cams     []camSpec
	outages  []outageSpec
	silences []silenceSpec
	states   []outageSpec // down/up transitions written through ApplyStatuses
	query    url.Values   // nil: the last 24 hours
	cameras  map[string]want
	total    want
}

func activeSince(id string, h float64) camSpec {
	return camSpec{id: id, region: "荷塘区/月塘街道", steps: []step{{h, sharpeyes.Active}}}
}

// Every expected figure below is computed by hand; t0 is now, the window
// the 24 hours before it unless the query says otherwise.
var availabilityCases = []availabilityCase{
	{name: "never probed is not monitored", cams: []camSpec{{id: "a", region: "r", steps: []step{{-48, sharpeyes.Active}}, never: true}},
		cameras: map[string]want{"a": {nil, 0, nil}}, total: want{nil, 0, nil}},
	{name: "monitored from the first known state", cams: []camSpec{{id: "a", region: "r", steps: []step{{-48, sharpeyes.Active}}, known: -12}},
		outages: []outageSpec{{cam: "a", start: -3, end: -0}},
		cameras: map[string]want{"a": {ptr(9.0 / 12), 1, ptr(3 * 3600)}}, total: want{ptr(9.0 / 12), 1, ptr(3 * 3600)}},
	{name: "group of a probed and a never-probed camera", cams: []camSpec{activeSince("a", -48),
		{id: "b", region: "荷塘区/月塘街道", steps: []step{{-48, sharpeyes.Active}}, never: true}},
		outages: []outageSpec{{cam: "a", start: -6, end: -0}},
		cameras: map[string]want{"a": {ptr(18.0 / 24), 1, ptr(6 * 3600)}, "b": {nil, 0, nil}}, total: want{ptr(18.0 / 24), 1, ptr(6 * 3600)}},
	{name: "up the whole window", cams: []camSpec{activeSince("a", -48)},
		cameras: map[string]want{"a": {ptr(1), 0, nil}}, total: want{ptr(1), 0, nil}},
	{name: "outage inside the window", cams: []camSpec{activeSince("a", -48)},
		outages: []outageSpec{{cam: "a", start: -10, end: -8}},
		cameras: map[string]want{"a": {ptr(22.0 / 24), 1, ptr(7200)}}, total: want{ptr(22.0 / 24), 1, ptr(7200)}},
	{name: "outage started before the window", cams: []camSpec{activeSince("a", -48)},
		outages: []outageSpec{{cam: "a", start: -30, end: -20}},
		cameras: map[string]want{"a": {ptr(20.0 / 24), 1, ptr(36000)}}, total: want{ptr(20.0 / 24), 1, ptr(36000)}},
	{name: "open outage from before the window", cams: []camSpec{activeSince("a", -48)},
		outages: []outageSpec{{cam: "a", start: -26, open: true}},
		cameras: map[string]want{"a": {ptr(0), 1, nil}}, total: want{ptr(0), 1, nil}},
	{name: "outage ends after the window", cams: []camSpec{activeSince("a", -48)},
		outages: []outageSpec{{cam: "a", start: -14, end: -6}},
		query:   url.Values{"from": {hours(-36).Format(time.RFC3339)}, "to": {"-12h"}},
		cameras: map[string]want{"a": {ptr(22.0 / 24), 1, nil}}, total: want{ptr(22.0 / 24), 1, nil}},
	{name: "silence overlaps an outage", cams: []camSpec{activeSince("a", -48)},
		outages:  []outageSpec{{cam: "a", start: -10, end: -6}},
		silences: []silenceSpec{{cam: "a", start: -8, end: -4}},
		cameras:  map[string]want{"a": {ptr(18.0 / 20), 1, ptr(14400)}}, total: want{ptr(18.0 / 20), 1, ptr(14400)}},
	{name: "region silence covers an outage", cams: []camSpec{activeSince("a", -48)},
		outages:  []outageSpec{{cam: "a", start: -10, end: -8}},
		silences: []silenceSpec{{region: "荷塘区", start: -11, end: -7}},
		cameras:  map[string]want{"a": {ptr(1), 0, nil}}, total: want{ptr(1), 0, nil}},
	{name: "activated inside the window",
		cams:    []camSpec{{id: "a", region: "r", steps: []step{{-48, sharpeyes.Building}, {-12, sharpeyes.Active}}}},
		outages: []outageSpec{{cam: "a", start: -16, end: -10}},
		cameras: map[string]want{"a": {ptr(10.0 / 12), 1, ptr(21600)}}, total: want{ptr(10.0 / 12), 1, ptr(21600)}},
	{name: "retired inside the window",
		cams:    []camSpec{{id: "a", region: "r", steps: []step{{-48, sharpeyes.Active}, {-6, sharpeyes.Retired}}}},
		outages: []outageSpec{{cam: "a", start: -8, end: -2}},
		cameras: map[string]want{"a": {ptr(16.0 / 18), 1, ptr(21600)}}, total: want{ptr(16.0 / 18), 1, ptr(21600)}},
	{name: "total is time-weighted", cams: []camSpec{activeSince("a", -48), activeSince("b", -12)},
		outages: []outageSpec{{cam: "a", start: -6, end: -3}, {cam: "b", start: -12, end: -6}},
		cameras: map[string]want{"a": {ptr(21.0 / 24), 1, ptr(10800)}, "b": {ptr(6.0 / 12), 1, ptr(21600)}},
		total:   want{ptr(27.0 / 36), 2, ptr(16200)}},
	{name: "planned camera is not monitored",
		cams:    []camSpec{{id: "p", region: "r", steps: []step{{-48, sharpeyes.Planned}}}},
		outages: []outageSpec{{cam: "p", start: -5, end: -4}},
		cameras: map[string]want{"p": {nil, 0, nil}}, total: want{nil, 0, nil}},
	{name: "seven days with an outage before them", cams: []camSpec{activeSince("a", -400)},
		outages: []outageSpec{{cam: "a", start: -200, end: -190}, {cam: "a", start: -100, end: -99},
			{cam: "a", start: -50, end: -48}, {cam: "a", start: -2, end: -1}},
		query:   url.Values{"window": {"7d"}},
		cameras: map[string]want{"a": {ptr(164.0 / 168), 3, ptr(4800)}}, total: want{ptr(164.0 / 168), 3, ptr(4800)}},
	{name: "window reaching into the future stops now", cams: []camSpec{activeSince("a", -48)},
		outages: []outageSpec{{cam: "a", start: -3, end: -2}},
		query:   url.Values{"from": {"-12h"}, "to": {hours(12).Format(time.RFC3339)}},
		cameras: map[string]want{"a": {ptr(11.0 / 12), 1, ptr(3600)}}, total: want{ptr(11.0 / 12), 1, ptr(3600)}},
	{name: "outage written by state changes", cams: []camSpec{activeSince("a", -48)},
		states:  []outageSpec{{cam: "a", start: -5, end: -4}},
		cameras: map[string]want{"a": {ptr(23.0 / 24), 1, ptr(3600)}}, total: want{ptr(23.0 / 24), 1, ptr(3600)}},
}

func TestAvailabilityHandComputedTimelines(t *testing.T) {
	rdb := redistest.StartTarget(t).Client()
	for _, tc := range availabilityCases {
		t.Run(tc.name, func(t *testing.T) {
			e := envOn(t, rdb)
			e.build(t, tc)
			q, err := ParseQuery(tc.query, t0, time.UTC)
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			q.Cameras = true
			rep, err := e.rep.Availability(context.Background(), q)
			if err != nil {
				t.Fatalf("availability: %v", err)
			}
			for _, c := range rep.Cameras {
				w, ok := tc.cameras[c.CameraID]
				if !ok {
					t.Fatalf("unexpected camera %s", c.CameraID)
				}
				checkFigures(t, c.CameraID, c.TimeFigures, w)
			}
			if len(rep.Cameras) != len(tc.cameras) {
				t.Fatalf("%d cameras, want %d", len(rep.Cameras), len(tc.cameras))
			}
			checkFigures(t, "total", rep.Total.TimeFigures, tc.total)
		})
	}
}

func checkFigures(t *testing.T, who string, got TimeFigures, w want) {
	t.Helper()
	if !sameFloat(got.Availability, w.availability) || got.Outages != w.outages || !sameFloat(got.MTTRS, w.mttr) {
		t.Errorf("%s: availability %v outages %d mttr %v; want %v, %d, %v", who,
			showFloat(got.Availability), got.Outages, showFloat(got.MTTRS),
			showFloat(w.availability), w.outages, showFloat(w.mttr))
	}
}

// build writes a case's cameras (lifecycle changes at their hours),
// outages, silences and state changes.
func (e *env) build(t *testing.T, tc availabilityCase) {
	t.Helper()
	known := map[string]time.Time{}
	for _, cs := range tc.cams {
		for _, st := range cs.steps {
			e.putAt(t, hours(st.at), mustCamera(t, cs.id, cs.region, st.lc))
		}
		switch {
		case cs.never:
		case cs.known != 0:
			known[cs.id] = hours(cs.known)
		default:
			known[cs.id] = hours(cs.steps[0].at)
		}
	}
	if err := e.store.MarkKnown(context.Background(), known); err != nil {
		t.Fatalf("mark known: %v", err)
	}
	for _, o := range tc.outages {
		if o.open {
			e.recordOutages(t, sharpeyes.Outage{CameraID: o.cam, Start: hours(o.start), Reason: "timeout"})
			continue
		}
		e.recordOutages(t, closed(o.cam, hours(o.start), hours(o.end)))
	}
	for i, s := range tc.silences {
		sl := sharpeyes.Silence{ID: string(rune('a' + i)), CameraID: s.cam, Region: s.region,
			Start: hours(s.start), End: hours(s.end), CreatedAt: hours(s.start)}
		if err := e.store.CreateSilence(context.Background(), sl); err != nil {
			t.Fatalf("silence: %v", err)
		}
	}
	for _, s := range tc.states {
		e.setState(t, s.cam, sharpeyes.StateUp, "", hours(s.start-1))
		e.setState(t, s.cam, sharpeyes.StateDown, "timeout", hours(s.start))
		e.setState(t, s.cam, sharpeyes.StateUp, "", hours(s.end))
	}
}
