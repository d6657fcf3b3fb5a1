package report

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
)

// OutageItem is one outage with the camera fields operations staff need.
// End is null and Open true while the outage lasts; DurationS then runs
// to the time of the report.
type OutageItem struct {
	CameraID   string          `json:"camera_id"`
	Name       string          `json:"name"`
	Region     string          `json:"region"`
	Owner      sharpeyes.Owner `json:"owner"`
	Maintainer string          `json:"maintainer"`
	Uplink     string          `json:"uplink"`
	Start      time.Time       `json:"start"`
	End        *time.Time      `json:"end"`
	DurationS  float64         `json:"duration_s"`
	Reason     string          `json:"reason"`
	Open       bool            `json:"open"`
}

// Outages is one page of the outage report. With Open set it lists the
// open outages, longest first; otherwise every outage that overlaps
// [From, To], open ones included, newest start first.
type Outages struct {
	Open       bool         `json:"open"`
	From       *time.Time   `json:"from,omitempty"`
	To         *time.Time   `json:"to,omitempty"`
	At         time.Time    `json:"at"`
	Items      []OutageItem `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// rawOutage is an outage before it joins its camera.
type rawOutage struct {
	cam, reason string
	start, end  int64 // unix ns; end is now for an open one
	open        bool
}

// Outages returns one page of the outage report of the cameras q.Filter
// selects (the current state, when the filter has one). Outages of cameras
// since deleted show only with no filter. It returns an
// api.RequestError for a bad q.Cursor and other errors when the store
// cannot be read.
func (r *Reporter) Outages(ctx context.Context, q Query) (*Outages, error) {
	now := r.now()
	q = q.normalized(now)
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	win := SpanOf(q.From, q.To)
	if q.Open {
		win = Span{Start: now.UnixNano(), End: now.UnixNano() + 1}
	}
	raws, err := r.outagesIn(ctx, fl, win, now, q)
	if err != nil {
		return nil, err
	}
	less := outageOrder(q.Open)
	slices.SortFunc(raws, less)
	if after != nil {
		i, _ := slices.BinarySearchFunc(raws, *after, less)
		if i < len(raws) && less(raws[i], *after) == 0 {
			i++
		}
		raws = raws[i:]
	}
	rep := &Outages{Open: q.Open, At: now.UTC(), Items: make([]OutageItem, 0, min(len(raws), q.Limit))}
	if !q.Open {
		from, to := q.From.UTC(), q.To.UTC()
		rep.From, rep.To = &from, &to
	}
	for _, o := range raws[:min(len(raws), q.Limit)] {
		rep.Items = append(rep.Items, outageItem(fl, o))
	}
	if len(raws) > q.Limit {
		rep.NextCursor = encodeCursor(raws[q.Limit-1])
	}
	return rep, nil
}

// outagesIn returns the open outages of fl's cameras and, unless q.Open,
// their closed ones that overlap win. Cameras no longer in the inventory
// count as fl's when q has no filter.
func (r *Reporter) outagesIn(ctx context.Context, fl *fleet, win Span, now time.Time, q Query) ([]rawOutage, error) {
	unfiltered := q.Filter == (sharpeyes.Filter{})
	keep := func(snapIndex int32) bool { return fl.at(snapIndex) >= 0 || unfiltered && snapIndex < 0 }
	open, err := r.store.OpenOutages(ctx)
	if err != nil {
		return nil, fmt.Errorf("outage report: %w", err)
	}
	var out []rawOutage
	for _, o := range open {
		si := int32(-1)
		if i, ok := fl.snap.Index(o.CameraID); ok {
			si = int32(i)
		}
		if s := o.Start.UnixNano(); s < win.End && keep(si) {
			out = append(out, rawOutage{cam: o.CameraID, reason: o.Reason, start: s, end: now.UnixNano(), open: true})
		}
	}
	if q.Open {
		return out, nil
	}
	t := r.outages.tables
	err = r.outages.view(ctx, func(es []entry[closedOutage], v histVersion) {
		index := r.derived.snapshotIndex(fl.snap, t.ids, v.loads)
		i, _ := slices.BinarySearchFunc(es, win.Start/int64(time.Millisecond), cmpMS)
		for _, e := range es[i:] {
			if o := e.v; o.end > win.Start && o.start < win.End && keep(index[o.cam]) {
				out = append(out, rawOutage{cam: t.ids[o.cam], reason: t.reasons[o.reason], start: o.start, end: o.end})
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("outage report: %w", err)
	}
	return out, nil
}

// outageOrder sorts open outages oldest first (longest first) and a
// window's outages newest first; camera id breaks ties.
func outageOrder(open bool) func(a, b rawOutage) int {
	return func(a, b rawOutage) int {
		c := compareInt(a.start, b.start)
		if !open {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(a.cam, b.cam)
		}
		return c
	}
}

func outageItem(fl *fleet, o rawOutage) OutageItem {
	it := OutageItem{CameraID: o.cam, Reason: o.reason, Open: o.open,
		Start: time.Unix(0, o.start).UTC(), DurationS: seconds(o.end - o.start)}
	if !o.open {
		end := time.Unix(0, o.end).UTC()
		it.End = &end
	}
	if c, ok := fl.snap.Get(o.cam); ok {
		it.Name, it.Region, it.Owner, it.Maintainer, it.Uplink = c.Name, c.Region, c.Owner, c.Maintainer, c.Uplink
	}
	return it
}

// A cursor is the sort key (start, camera id) of the last item of a page.
func encodeCursor(o rawOutage) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(o.start, 10) + "|" + o.cam))
}

func decodeCursor(s string) (*rawOutage, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	start, cam, ok := strings.Cut(string(raw), "|")
	n, perr := strconv.ParseInt(start, 10, 64)
	if err != nil || !ok || perr != nil {
		return nil, api.BadParam("cursor", "is not a next_cursor of this report")
	}
	return &rawOutage{start: n, cam: cam}, nil
}
