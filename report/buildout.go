package report

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// BuildoutGroup is one row of the build-out report. Overdue counts
// planned and building cameras whose due date has passed (the whole day,
// in the reporter's timezone); ReadyForAcceptance counts building cameras
// that answer probes (up or degraded); Commissioned counts cameras by the
// month of their installed_at ("2024-01"), whatever their lifecycle now.
// Due and installed_at are local dates already, so their months are the
// ones they name.
type BuildoutGroup struct {
	Key                string         `json:"key"`
	Total              int            `json:"total"`
	Planned            int            `json:"planned"`
	Building           int            `json:"building"`
	Active             int            `json:"active"`
	Retired            int            `json:"retired"`
	Overdue            int            `json:"overdue"`
	ReadyForAcceptance int            `json:"ready_for_acceptance"`
	Commissioned       map[string]int `json:"commissioned"`
}

func (g *BuildoutGroup) add(snap *store.Snapshot, i int, st sharpeyes.State, today sharpeyes.Date) {
	lc, due, installed := snap.Lifecycle(i), snap.Due(i), snap.InstalledAt(i)
	var l Lifecycles
	l.add(codeOf(lc, sharpeyes.Lifecycles))
	g.Total++
	g.Planned += l.Planned
	g.Building += l.Building
	g.Active += l.Active
	g.Retired += l.Retired
	unfinished := lc == sharpeyes.Planned || lc == sharpeyes.Building
	if unfinished && due != "" && due < today {
		g.Overdue++
	}
	if lc == sharpeyes.Building && answers(st) {
		g.ReadyForAcceptance++
	}
	if len(installed) >= len("2006-01") {
		g.Commissioned[string(installed[:len("2006-01")])]++
	}
}

// Buildout is the build-out report. Months lists every month that occurs
// in any group's Commissioned, in order (the CSV columns).
type Buildout struct {
	GroupBy GroupBy         `json:"group_by"`
	Level   int             `json:"level,omitempty"`
	At      time.Time       `json:"at"`
	Groups  []BuildoutGroup `json:"groups"`
	Total   BuildoutGroup   `json:"total"`
	Months  []string        `json:"months"`
}

// Buildout computes the build-out report of the cameras q.Filter selects,
// grouped as q says. It returns an error when the store cannot be read.
func (r *Reporter) Buildout(ctx context.Context, q Query) (*Buildout, error) {
	now := r.now()
	q = q.normalized(now)
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	gr := fl.grouping(q)
	groups := make([]BuildoutGroup, len(gr.keys))
	for i, k := range gr.keys {
		groups[i] = BuildoutGroup{Key: k, Commissioned: make(map[string]int)}
	}
	total := BuildoutGroup{Key: TotalKey, Commissioned: make(map[string]int)}
	// A due date has passed once today, in the timezone, is later. Dates
	// are stored normalised (YYYY-MM-DD), so they compare as strings.
	today := sharpeyes.Date(now.In(r.loc).Format(time.DateOnly))
	for i, j := range fl.idx {
		groups[gr.of[i]].add(fl.snap, int(j), fl.state(i), today)
		total.add(fl.snap, int(j), fl.state(i), today)
	}
	return &Buildout{GroupBy: q.GroupBy, Level: q.level(), At: now.UTC(), Groups: groups, Total: total,
		Months: slices.Sorted(maps.Keys(total.Commissioned))}, nil
}
