package report

import (
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// The time-weighted figures of the availability report come from interval
// arithmetic on half-open spans of unix nanoseconds, kept apart from Redis
// so that they can be checked against hand-computed timelines:
//
//	monitored = (active ∩ known ∩ window) − silenced
//	down      = outages ∩ monitored
//	up        = monitored − down

// Span is the half-open interval [Start, End) of unix nanoseconds.
type Span struct{ Start, End int64 }

// SpanOf returns the span [from, to) of two times.
func SpanOf(from, to time.Time) Span { return Span{from.UnixNano(), to.UnixNano()} }

// Len returns the span's length, 0 when it is empty.
func (s Span) Len() int64 { return max(s.End-s.Start, 0) }

// Spans is a set of time: sorted, disjoint, non-adjacent, non-empty spans,
// as Union returns them.
type Spans []Span

// Union returns the set covered by any of spans, normalised. It sorts spans
// in place.
func Union(spans []Span) Spans {
	slices.SortFunc(spans, func(a, b Span) int { return compareInt(a.Start, b.Start) })
	out := Spans(spans[:0])
	for _, s := range spans {
		if s.End <= s.Start {
			continue
		}
		if n := len(out); n > 0 && s.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Len returns the total length of the set.
func (ss Spans) Len() int64 {
	var n int64
	for _, s := range ss {
		n += s.Len()
	}
	return n
}

// Clip returns the part of the set inside w.
func (ss Spans) Clip(w Span) Spans {
	var out Spans
	for _, s := range ss {
		if c := (Span{max(s.Start, w.Start), min(s.End, w.End)}); c.Len() > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Intersect returns the time in both sets.
func (ss Spans) Intersect(other Spans) Spans {
	var out Spans
	i, j := 0, 0
	for i < len(ss) && j < len(other) {
		a, b := ss[i], other[j]
		if s := (Span{max(a.Start, b.Start), min(a.End, b.End)}); s.Len() > 0 {
			out = append(out, s)
		}
		if a.End < b.End {
			i++
		} else {
			j++
		}
	}
	return out
}

// Minus returns the time in the set but not in other.
func (ss Spans) Minus(other Spans) Spans {
	var out Spans
	j := 0
	for _, a := range ss {
		for j < len(other) && other[j].End <= a.Start {
			j++
		}
		cur := a.Start
		for k := j; k < len(other) && other[k].Start < a.End; k++ {
			if other[k].Start > cur {
				out = append(out, Span{cur, other[k].Start})
			}
			cur = max(cur, other[k].End)
		}
		if cur < a.End {
			out = append(out, Span{cur, a.End})
		}
	}
	return out
}

// Overlap returns how much of s lies in the set.
func (ss Spans) Overlap(s Span) int64 {
	i, _ := slices.BinarySearchFunc(ss, s.Start, func(x Span, t int64) int { return compareInt(x.End, t+1) })
	var n int64
	for ; i < len(ss) && ss[i].Start < s.End; i++ {
		n += Span{max(ss[i].Start, s.Start), min(ss[i].End, s.End)}.Len()
	}
	return n
}

// ActiveSpans returns when a camera was active, from its lifecycle changes
// in time order. A camera whose changes are unknown (none recorded) counts
// as having always been in its current lifecycle. The last active span of
// a camera active now runs to the end of time.
func ActiveSpans(changes []sharpeyes.LifecycleChange, current sharpeyes.Lifecycle) Spans {
	const forever = int64(1<<63 - 1)
	if len(changes) == 0 {
		if current == sharpeyes.Active {
			return Spans{{-forever, forever}}
		}
		return nil
	}
	var out []Span
	open, since := false, int64(0)
	for _, c := range changes {
		at := c.At.UnixNano()
		switch {
		case c.To == sharpeyes.Active && !open:
			open, since = true, at
		case c.To != sharpeyes.Active && open:
			open = false
			out = append(out, Span{since, at})
		}
	}
	if open {
		out = append(out, Span{since, forever})
	}
	return Union(out)
}

// KnownSpans returns when a camera's state was known (SPEC "Availability":
// never-probed and unknown time is not monitored): from the first status
// write with a known state on, or never when since is the zero time.
func KnownSpans(since time.Time) Spans {
	if since.IsZero() {
		return nil
	}
	return Spans{{since.UnixNano(), int64(1<<63 - 1)}}
}

// Timeline is everything the availability of one camera over a window is
// computed from.
type Timeline struct {
	Window   Span
	Active   Spans
	Known    Spans
	Silenced Spans
	Outages  []OutageSpan
	// Deadline, when > 0, is the repair deadline: Compute counts the
	// outages that lasted longer (Figures.Late).
	Deadline int64
}

// OutageSpan is one outage: [Start, End) with End the present time while
// it is open.
type OutageSpan struct {
	Span
	Closed bool
}

// Figures are one camera's (or, summed, one group's) time-weighted results.
type Figures struct {
	MonitoredNS int64 // active, known, inside the window, not silenced
	DownNS      int64 // monitored and in an outage
	Outages     int   // outages overlapping monitored time
	Repaired    int   // of those, closed within the window
	RepairNS    int64 // their whole durations, for MTTR
	Late        int   // outages counted that lasted longer than Timeline.Deadline (open ones until now)
}

// Compute returns a camera's figures: monitored = (active ∩ known ∩
// window) − silenced, down = outages ∩ monitored. An outage counts when it overlaps
// monitored time, and in MTTR when it also ended inside the window (with
// its whole duration, including any part before the window).
func Compute(tl Timeline) Figures {
	monitored := tl.Active.Clip(tl.Window).Intersect(tl.Known)
	if len(tl.Silenced) > 0 {
		monitored = monitored.Minus(tl.Silenced)
	}
	f := Figures{MonitoredNS: monitored.Len()}
	if f.MonitoredNS == 0 {
		return f
	}
	// Outages of one camera do not overlap as the store keeps them; their
	// overlaps with monitored time then simply add up.
	disjoint := true
	for i, o := range tl.Outages {
		if i > 0 && o.Start < tl.Outages[i-1].End {
			disjoint = false
		}
		ov := monitored.Overlap(o.Span)
		if ov == 0 {
			continue
		}
		f.Outages++
		f.DownNS += ov
		if tl.Deadline > 0 && o.Len() > tl.Deadline {
			f.Late++
		}
		if o.Closed && o.End >= tl.Window.Start && o.End <= tl.Window.End {
			f.Repaired++
			f.RepairNS += o.Len()
		}
	}
	if !disjoint {
		down := make([]Span, len(tl.Outages))
		for i, o := range tl.Outages {
			down[i] = o.Span
		}
		f.DownNS = Union(down).Intersect(monitored).Len()
	}
	return f
}

// Add sums figures, for a group.
func (f *Figures) Add(g Figures) {
	f.MonitoredNS += g.MonitoredNS
	f.DownNS += g.DownNS
	f.Outages += g.Outages
	f.Repaired += g.Repaired
	f.RepairNS += g.RepairNS
	f.Late += g.Late
}

// Availability returns the fraction of monitored time up, or nil when
// nothing was monitored.
func (f Figures) Availability() *float64 {
	if f.MonitoredNS == 0 {
		return nil
	}
	v := float64(f.MonitoredNS-f.DownNS) / float64(f.MonitoredNS)
	return &v
}

// MTTRSeconds returns the mean duration of the repaired outages, or nil
// when none was.
func (f Figures) MTTRSeconds() *float64 {
	if f.Repaired == 0 {
		return nil
	}
	v := float64(f.RepairNS) / float64(f.Repaired) / float64(time.Second)
	return &v
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
