package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// timelines gathers, for each camera of fl, what Compute needs over win:
// when it was active (lifecycle history), known (first-known times), silenced (silences matching it)
// and down (closed outages from the cache, open ones until now).
func (r *Reporter) timelines(ctx context.Context, fl *fleet, win Span, now time.Time) ([]Timeline, error) {
	tl := make([]Timeline, fl.len())
	for i := range tl {
		tl[i].Window = win
	}
	if err := r.activeSpans(ctx, fl, tl); err != nil {
		return nil, err
	}
	if err := r.knownSpans(ctx, fl, tl); err != nil {
		return nil, err
	}
	if err := r.silencedSpans(ctx, fl, tl, win); err != nil {
		return nil, err
	}
	if err := r.cameraOutages(ctx, fl, tl, win, now); err != nil {
		return nil, err
	}
	return tl, nil
}

func (r *Reporter) activeSpans(ctx context.Context, fl *fleet, tl []Timeline) error {
	err := r.life.view(ctx, func(es []entry[lifeChange], v histVersion) {
		active := r.derived.activeSpans(fl.snap, es, v)
		for i := range tl {
			tl[i].Active = active.at(int(fl.idx[i]))
		}
	})
	if err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	return nil
}

func (r *Reporter) knownSpans(ctx context.Context, fl *fleet, tl []Timeline) error {
	err := r.known.view(ctx, func(es []entry[string], v histVersion) {
		known := r.derived.knownSpans(fl.snap, es, v)
		for i := range tl {
			tl[i].Known = known.at(int(fl.idx[i]))
		}
	})
	if err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	return nil
}

func (r *Reporter) silencedSpans(ctx context.Context, fl *fleet, tl []Timeline, win Span) error {
	all, err := r.store.Silences(ctx)
	if err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	var sils []sharpeyes.Silence
	for _, s := range all {
		if sp := SpanOf(s.Start, s.End); sp.End > win.Start && sp.Start < win.End {
			sils = append(sils, s)
		}
	}
	for i, j := range fl.idx {
		var spans []Span
		c := fl.snap.MatchView(int(j))
		for _, s := range sils {
			if s.Matches(&c) {
				spans = append(spans, SpanOf(s.Start, s.End))
			}
		}
		tl[i].Silenced = Union(spans)
	}
	return nil
}

func (r *Reporter) cameraOutages(ctx context.Context, fl *fleet, tl []Timeline, win Span, now time.Time) error {
	open, err := r.store.OpenOutages(ctx)
	if err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	t := r.outages.tables
	var outs [][]OutageSpan
	err = r.outages.view(ctx, func(es []entry[closedOutage], v histVersion) {
		index := r.derived.snapshotIndex(fl.snap, t.ids, v.loads)
		k, _ := slices.BinarySearchFunc(es, win.Start/int64(time.Millisecond), cmpMS)
		es = es[k:]
		outs = bucket(fl.len(), len(es)+len(open), func(yield func(int, OutageSpan)) {
			for _, e := range es {
				if o := e.v; o.end > win.Start && o.start < win.End {
					yield(fl.at(index[o.cam]), OutageSpan{Span: Span{o.start, o.end}, Closed: true})
				} else {
					yield(-1, OutageSpan{})
				}
			}
			for _, o := range open {
				yield(fl.position(o.CameraID), OutageSpan{Span: SpanOf(o.Start, now)})
			}
		})
	})
	if err != nil {
		return fmt.Errorf("availability: %w", err)
	}
	for i := range tl {
		tl[i].Outages = outs[i]
	}
	return nil
}
