package report

import (
	"context"
	"time"
)

// NoneKey is the group key of cameras whose grouping field is empty.
const NoneKey = "(none)"

// TotalKey is the key of every report's total row.
const TotalKey = "total"

// Lifecycles counts cameras by lifecycle.
type Lifecycles struct {
	Planned  int `json:"planned"`
	Building int `json:"building"`
	Active   int `json:"active"`
	Retired  int `json:"retired"`
}

func (l *Lifecycles) add(lc uint8) {
	switch lc {
	case lcPlanned:
		l.Planned++
	case lcBuilding:
		l.Building++
	case lcActive:
		l.Active++
	case lcRetired:
		l.Retired++
	}
}

// Group is one row of the coverage report. The state counts are of ACTIVE
// cameras only (building ones are probed too, but count in the build-out's
// ready_for_acceptance instead); Probed is the active cameras with a known
// state, and OnlineRate = Up ÷ Probed (null when none was probed).
type Group struct {
	Key        string     `json:"key"`
	Total      int        `json:"total"`
	Lifecycle  Lifecycles `json:"lifecycle"`
	Up         int        `json:"up"`
	Degraded   int        `json:"degraded"`
	Down       int        `json:"down"`
	Unknown    int        `json:"unknown"`
	Probed     int        `json:"probed"`
	OnlineRate *float64   `json:"online_rate"`
}

// add counts a camera of lifecycle lc in state st (fleet codes).
func (g *Group) add(lc, st uint8) {
	g.Total++
	g.Lifecycle.add(lc)
	if lc != lcActive {
		return
	}
	switch st {
	case stUp:
		g.Up++
	case stDegraded:
		g.Degraded++
	case stDown:
		g.Down++
	default:
		g.Unknown++
	}
}

func (g *Group) finish() {
	g.Probed = g.Up + g.Degraded + g.Down
	g.OnlineRate = rate(g.Up, g.Probed)
}

// Coverage is the coverage report: per group and in total, cameras by
// lifecycle and active cameras by state, with the online rate.
type Coverage struct {
	GroupBy GroupBy   `json:"group_by"`
	Level   int       `json:"level,omitempty"`
	At      time.Time `json:"at"`
	Groups  []Group   `json:"groups"`
	Total   Group     `json:"total"`
}

// Coverage computes the coverage report of the cameras q.Filter selects,
// grouped as q says. It returns an error when the store cannot be read.
func (r *Reporter) Coverage(ctx context.Context, q Query) (*Coverage, error) {
	return r.coverages.get(ctx, q, func(ctx context.Context) (*Coverage, error) { return r.coverage(ctx, q) })
}

func (r *Reporter) coverage(ctx context.Context, q Query) (*Coverage, error) {
	q = q.normalized(r.now())
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	gr := fl.grouping(q)
	rep := &Coverage{GroupBy: q.GroupBy, Level: q.level(), At: r.now().UTC(),
		Groups: make([]Group, len(gr.keys)), Total: Group{Key: TotalKey}}
	for i, k := range gr.keys {
		rep.Groups[i].Key = k
	}
	for i, g := range gr.of {
		rep.Groups[g].add(fl.lcs[i], fl.st(i))
		rep.Total.add(fl.lcs[i], fl.st(i))
	}
	for i := range rep.Groups {
		rep.Groups[i].finish()
	}
	rep.Total.finish()
	return rep, nil
}
