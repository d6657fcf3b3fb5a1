package report

import (
	"context"
	"time"
)

// SLAGroup is one row of the month (SLA) report: the availability
// report's fields for the month, plus over_deadline, the outages of the
// month that lasted longer than the repair deadline (open ones until now).
type SLAGroup struct {
	AvailabilityGroup
	OverDeadline int `json:"over_deadline"`
}

// SLA is the month report per maintenance contractor (or another
// grouping): availability over monitored time (null when nothing was
// monitored), outages, MTTR and outages over the repair deadline, for one
// calendar month in the timezone. The coverage fields (online_rate, up,
// down, …) are of the cameras now, as in the availability report.
type SLA struct {
	GroupBy         GroupBy    `json:"group_by"`
	Level           int        `json:"level,omitempty"`
	Month           string     `json:"month"`
	Timezone        string     `json:"timezone"`
	From            time.Time  `json:"from"`
	To              time.Time  `json:"to"`
	At              time.Time  `json:"at"`
	RepairDeadlineS float64    `json:"repair_deadline_s"`
	Groups          []SLAGroup `json:"groups"`
	Total           SLAGroup   `json:"total"`
}

// SLA computes the month report of q.Month (the last whole month in the
// timezone when empty), grouped as q says (maintainer when q.GroupBy is
// empty). A month still running is reported up to now.
func (r *Reporter) SLA(ctx context.Context, q Query) (*SLA, error) {
	if q.Month == "" {
		q.Month = defaultMonth(r.now(), r.loc)
	}
	from, to, err := monthBounds(q.Month, r.loc)
	if err != nil {
		return nil, err
	}
	if q.GroupBy == "" {
		q.GroupBy = ByMaintainer
	}
	q.From, q.To, q.Worst, q.Cameras = from, to, -1, false
	if !from.Before(r.now()) {
		q.To = from.Add(time.Nanosecond) // a month not begun: nothing monitored
	}
	av, err := r.availability(ctx, q, r.deadline)
	if err != nil {
		return nil, err
	}
	row := func(g AvailabilityGroup) SLAGroup { return SLAGroup{AvailabilityGroup: g, OverDeadline: g.fig.Late} }
	rep := &SLA{GroupBy: av.GroupBy, Level: av.Level, Month: q.Month, Timezone: r.loc.String(),
		From: from.UTC(), To: to.UTC(), At: av.At, RepairDeadlineS: r.deadline.Seconds(),
		Groups: make([]SLAGroup, len(av.Groups)), Total: row(av.Total)}
	for i, g := range av.Groups {
		rep.Groups[i] = row(g)
	}
	return rep, nil
}
