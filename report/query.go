package report

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/store"
)

// GroupBy names the camera field a report groups by.
type GroupBy string

// The groupings of SPEC. Region groups by the first Level segments of the
// region path.
const (
	ByRegion     GroupBy = "region"
	ByOwner      GroupBy = "owner"
	ByMaintainer GroupBy = "maintainer"
	ByUplink     GroupBy = "uplink"
)

var groupBys = []GroupBy{ByRegion, ByOwner, ByMaintainer, ByUplink}

// Limits of the query parameters.
const (
	DefaultLimit  = 100
	MaxLimit      = 10_000
	DefaultWorst  = 10
	MaxWorst      = 1000
	DefaultWindow = 24 * time.Hour
	MaxWindow     = 400 * 24 * time.Hour
)

// Query is what a report is asked for. The zero Query means: every camera,
// grouped by region level 1, over the last 24 hours.
type Query struct {
	Filter  sharpeyes.Filter
	GroupBy GroupBy // "" means region
	Level   int     // region depth 1..3; 0 means 1
	// From and To bound the window of outages and availability. A zero To
	// is now; a zero From is To minus Window (DefaultWindow when zero).
	From, To time.Time
	Window   time.Duration
	// Open asks the outage report for the open outages only.
	Open bool
	// Limit and Cursor page the outage report (0 means DefaultLimit).
	Limit  int
	Cursor string
	// Worst is how many cameras availability lists as worst (0 means
	// DefaultWorst, negative none).
	Worst int
	// Cameras asks availability for every camera's figures.
	Cameras bool
	// Month, YYYY-MM, is the calendar month (in the timezone) of the SLA
	// report; ParseQuery also sets From and To to its bounds. "" means
	// the last whole month.
	Month string
}

// ParseQuery reads a Query from URL parameters: the camera filters of the
// camera list, group_by, level, window, from, to, open, limit, cursor,
// worst and cameras. Times are RFC 3339, YYYY-MM-DD (midnight in loc, the
// configured timezone; nil is UTC), a local time without offset (in loc),
// "now" or relative to now like -7d, -24h, -90m. It returns an
// api.RequestError (400 in the API) naming the first bad parameter.
func ParseQuery(v url.Values, now time.Time, loc *time.Location) (Query, error) {
	var q Query
	var err error
	if q.Filter, err = api.ParseFilter(v); err != nil {
		return q, err
	}
	if q.GroupBy, q.Level, err = parseGrouping(v); err != nil {
		return q, err
	}
	if err = parseWindow(v, now, loc, &q); err != nil {
		return q, err
	}
	if err = parseMonth(v, loc, &q); err != nil {
		return q, err
	}
	if q.Open, err = boolParam(v, "open"); err != nil {
		return q, err
	}
	if q.Cameras, err = boolParam(v, "cameras"); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(v, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return q, err
	}
	if q.Worst, err = intParam(v, "worst", DefaultWorst, 0, MaxWorst); err != nil {
		return q, err
	}
	if q.Worst == 0 {
		q.Worst = -1
	}
	q.Cursor = v.Get("cursor")
	return q, nil
}

func parseGrouping(v url.Values) (GroupBy, int, error) {
	g := GroupBy(strings.TrimSpace(v.Get("group_by")))
	if g == "" {
		g = ByRegion
	}
	valid := false
	for _, ok := range groupBys {
		valid = valid || g == ok
	}
	if !valid {
		return "", 0, api.BadParam("group_by", "%q is not one of region, owner, maintainer, uplink", clip(string(g)))
	}
	level, err := intParam(v, "level", 1, 1, 3)
	return g, level, err
}

// parseWindow sets q.From and q.To from window, from and to.
func parseWindow(v url.Values, now time.Time, loc *time.Location, q *Query) error {
	q.Window = DefaultWindow
	if s := v.Get("window"); s != "" {
		d, err := parseSpan(s)
		if err != nil || d <= 0 || d > MaxWindow {
			return api.BadParam("window", "%q is not a duration like 24h, 7d or 30d (at most 400d)", clip(s))
		}
		q.Window = d
	}
	q.To = now
	if s := v.Get("to"); s != "" {
		t, err := ParseTime(s, now, loc)
		if err != nil {
			return api.BadParam("to", "%v", err)
		}
		q.To = t
	}
	q.From = q.To.Add(-q.Window)
	if s := v.Get("from"); s != "" {
		t, err := ParseTime(s, now, loc)
		if err != nil {
			return api.BadParam("from", "%v", err)
		}
		q.From = t
	}
	if !q.From.Before(q.To) {
		return api.BadParam("from", "must be before to (%s)", q.To.In(zoneOr(loc)).Format(time.RFC3339))
	}
	if q.To.Sub(q.From) > MaxWindow {
		return api.BadParam("from", "the window is longer than 400 days")
	}
	q.Window = q.To.Sub(q.From)
	return nil
}

// parseMonth sets q.Month, and q.From and q.To to its bounds in loc, from
// month (YYYY-MM), which excludes from, to and window.
func parseMonth(v url.Values, loc *time.Location, q *Query) error {
	s := v.Get("month")
	if s == "" {
		return nil
	}
	if v.Get("from") != "" || v.Get("to") != "" || v.Get("window") != "" {
		return api.BadParam("month", "cannot be combined with from, to or window")
	}
	from, to, err := monthBounds(s, loc)
	if err != nil {
		return api.BadParam("month", "%q is not a month like 2026-10", clip(s))
	}
	q.Month, q.From, q.To, q.Window = s, from, to, to.Sub(from)
	return nil
}

// monthBounds returns the first instants of month (YYYY-MM) and of the
// month after, in loc.
func monthBounds(month string, loc *time.Location) (from, to time.Time, err error) {
	m, err := time.ParseInLocation("2006-01", month, zoneOr(loc))
	if err != nil {
		return from, to, err
	}
	return m, m.AddDate(0, 1, 0), nil
}

// defaultMonth is the last whole month at now in loc, YYYY-MM.
func defaultMonth(now time.Time, loc *time.Location) string {
	l := now.In(zoneOr(loc))
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, l.Location()).AddDate(0, -1, 0).Format("2006-01")
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, api.BadParam(name, "%q is not a whole number from %d to %d", clip(s), lo, hi)
	}
	return n, nil
}

func boolParam(v url.Values, name string) (bool, error) {
	s := v.Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, api.BadParam(name, "%q is not true or false", clip(s))
	}
	return b, nil
}

// clip shortens a client's value before an error echoes it.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// normalized fills the defaults of a Query built in code (as the CLI does).
func (q Query) normalized(now time.Time) Query {
	if q.GroupBy == "" {
		q.GroupBy = ByRegion
	}
	q.Level = min(max(q.Level, 1), 3)
	if q.To.IsZero() {
		q.To = now
	}
	if q.Window <= 0 {
		q.Window = DefaultWindow
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-q.Window)
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	if q.Worst == 0 {
		q.Worst = DefaultWorst
	}
	q.Worst = min(q.Worst, MaxWorst)
	return q
}

// level returns the region depth when grouping by region, else 0.
func (q Query) level() int {
	if q.GroupBy == ByRegion {
		return q.Level
	}
	return 0
}

// key returns the group of camera i of snap.
func (q Query) key(snap *store.Snapshot, i int) string {
	var k string
	switch q.GroupBy {
	case ByOwner:
		k = string(snap.Owner(i))
	case ByMaintainer:
		k = snap.Maintainer(i)
	case ByUplink:
		k = snap.Uplink(i)
	default:
		k = sharpeyes.RegionLevel(snap.Region(i), q.Level)
	}
	if k == "" {
		return NoneKey
	}
	return k
}
