package report

import (
	"context"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// TimeFigures are Figures as the reports show them: seconds, and
// fractions that are null where nothing was monitored or repaired.
type TimeFigures struct {
	MonitoredS   float64  `json:"monitored_s"`
	DownS        float64  `json:"down_s"`
	Availability *float64 `json:"availability"`
	Outages      int      `json:"outages"`
	MTTRS        *float64 `json:"mttr_s"`
}

func newTimeFigures(f Figures) TimeFigures {
	return TimeFigures{MonitoredS: seconds(f.MonitoredNS), DownS: seconds(f.DownNS),
		Availability: f.Availability(), Outages: f.Outages, MTTRS: f.MTTRSeconds()}
}

// AvailabilityGroup is one row of the availability report: the coverage
// fields of its cameras now, plus their time-weighted figures over the
// window: availability = up time ÷ monitored time, where monitored time is
// time a camera was active and not silenced; outages = outages overlapping
// monitored time; mttr_s = mean whole duration of those that ended in the
// window.
type AvailabilityGroup struct {
	Group
	TimeFigures
	fig Figures
}

// CameraAvailability is one camera's figures over the window.
type CameraAvailability struct {
	CameraID   string              `json:"camera_id"`
	Name       string              `json:"name"`
	Region     string              `json:"region"`
	Maintainer string              `json:"maintainer"`
	Uplink     string              `json:"uplink"`
	Lifecycle  sharpeyes.Lifecycle `json:"lifecycle"`
	TimeFigures
}

// Availability is the availability report over [From, To] (To no later
// than the report's time). Worst lists the cameras with the lowest
// availability that were down at all; Cameras, when asked for, every
// selected camera.
type Availability struct {
	GroupBy GroupBy              `json:"group_by"`
	Level   int                  `json:"level,omitempty"`
	From    time.Time            `json:"from"`
	To      time.Time            `json:"to"`
	At      time.Time            `json:"at"`
	Groups  []AvailabilityGroup  `json:"groups"`
	Total   AvailabilityGroup    `json:"total"`
	Worst   []CameraAvailability `json:"worst"`
	Cameras []CameraAvailability `json:"cameras,omitempty"`
}

// Availability computes the availability report of the cameras q.Filter
// selects over q's window, grouped as q says. It returns an error when the
// store cannot be read.
func (r *Reporter) Availability(ctx context.Context, q Query) (*Availability, error) {
	return r.availability(ctx, q, 0)
}

// availability is Availability with each outage that lasted longer than
// deadline (when > 0) counted in the groups' Figures.Late.
func (r *Reporter) availability(ctx context.Context, q Query, deadline time.Duration) (*Availability, error) {
	now := r.now()
	q = q.normalized(now)
	to := q.To
	if to.After(now) {
		to = now
	}
	win := SpanOf(q.From, to)
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	tl, err := r.timelines(ctx, fl, win, now)
	if err != nil {
		return nil, err
	}
	gr := fl.grouping(q)
	groups := make([]AvailabilityGroup, len(gr.keys))
	for i, k := range gr.keys {
		groups[i].Key = k
	}
	total := &AvailabilityGroup{Group: Group{Key: TotalKey}}
	figs := make([]Figures, fl.len())
	for i := range figs {
		tl[i].Deadline = int64(deadline)
		figs[i] = Compute(tl[i])
		for _, g := range []*AvailabilityGroup{&groups[gr.of[i]], total} {
			g.add(fl.lcs[i], fl.st(i))
			g.fig.Add(figs[i])
		}
	}
	for i := range groups {
		groups[i].finish()
	}
	total.finish()
	rep := &Availability{GroupBy: q.GroupBy, Level: q.level(), From: q.From.UTC(), To: to.UTC(), At: now.UTC(),
		Groups: groups, Total: *total, Worst: []CameraAvailability{}}
	for _, i := range worst(figs, q.Worst) {
		rep.Worst = append(rep.Worst, cameraAvailability(fl.snap, int(fl.idx[i]), figs[i]))
	}
	if q.Cameras {
		rep.Cameras = make([]CameraAvailability, fl.len())
		for i, j := range fl.idx {
			rep.Cameras[i] = cameraAvailability(fl.snap, int(j), figs[i])
		}
	}
	return rep, nil
}

func cameraAvailability(snap *store.Snapshot, i int, f Figures) CameraAvailability {
	return CameraAvailability{CameraID: snap.ID(i), Name: snap.Name(i), Region: snap.Region(i), Maintainer: snap.Maintainer(i),
		Uplink: snap.Uplink(i), Lifecycle: snap.Lifecycle(i), TimeFigures: newTimeFigures(f)}
}

func (g *AvailabilityGroup) finish() {
	g.Group.finish()
	g.TimeFigures = newTimeFigures(g.fig)
}

// worst returns the positions of up to n cameras that were down in the
// window, lowest availability first (then longest down, then position,
// which is id order).
func worst(figs []Figures, n int) []int {
	type cand struct {
		avail float64
		down  int64
		i     int
	}
	var cands []cand
	for i, f := range figs {
		if n > 0 && f.DownNS > 0 {
			cands = append(cands, cand{float64(f.MonitoredNS-f.DownNS) / float64(f.MonitoredNS), f.DownNS, i})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		switch {
		case a.avail != b.avail:
			return compareFloat(a.avail, b.avail)
		case a.down != b.down:
			return compareInt(b.down, a.down)
		}
		return a.i - b.i
	})
	n = min(max(n, 0), len(cands))
	out := make([]int, 0, n)
	for _, c := range cands[:n] {
		out = append(out, c.i)
	}
	return out
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
