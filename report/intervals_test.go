package report

import (
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestUnionMergesOverlappingAndAdjacentSpans(t *testing.T) {
	got := Union([]Span{{5, 7}, {1, 3}, {3, 4}, {6, 9}, {10, 10}, {12, 11}})
	want := Spans{{1, 4}, {5, 9}}
	if !slices.Equal(got, want) {
		t.Fatalf("Union = %v, want %v", got, want)
	}
	if got.Len() != 7 {
		t.Fatalf("Len = %d, want 7", got.Len())
	}
}

func TestSpanSetOperations(t *testing.T) {
	a := Spans{{0, 10}, {20, 30}}
	cases := []struct {
		name string
		got  Spans
		want Spans
	}{
		{"intersect", a.Intersect(Spans{{5, 25}}), Spans{{5, 10}, {20, 25}}},
		{"intersect disjoint", a.Intersect(Spans{{10, 20}}), nil},
		{"minus middle", a.Minus(Spans{{2, 4}, {6, 8}}), Spans{{0, 2}, {4, 6}, {8, 10}, {20, 30}}},
		{"minus across", a.Minus(Spans{{5, 25}}), Spans{{0, 5}, {25, 30}}},
		{"minus all", a.Minus(Spans{{-5, 35}}), nil},
		{"minus nothing", a.Minus(nil), a},
		{"clip", a.Clip(Span{8, 22}), Spans{{8, 10}, {20, 22}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(tc.got, tc.want) {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestOverlapCountsOnlyTimeInTheSet(t *testing.T) {
	a := Spans{{0, 10}, {20, 30}, {40, 50}}
	cases := []struct {
		s    Span
		want int64
	}{
		{Span{5, 45}, 5 + 10 + 5}, {Span{10, 20}, 0}, {Span{-5, 0}, 0}, {Span{29, 41}, 2}, {Span{50, 60}, 0},
	}
	for _, tc := range cases {
		if got := a.Overlap(tc.s); got != tc.want {
			t.Errorf("Overlap(%v) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestActiveSpansFollowLifecycleChanges(t *testing.T) {
	at := func(h int) time.Time { return time.Unix(0, 0).Add(time.Duration(h) * time.Hour) }
	ns := func(h int) int64 { return at(h).UnixNano() }
	ch := func(h int, from, to sharpeyes.Lifecycle) sharpeyes.LifecycleChange {
		return sharpeyes.LifecycleChange{CameraID: "c", From: from, To: to, At: at(h)}
	}
	const forever = int64(1<<63 - 1)
	cases := []struct {
		name    string
		changes []sharpeyes.LifecycleChange
		current sharpeyes.Lifecycle
		want    Spans
	}{
		{"no history, active", nil, sharpeyes.Active, Spans{{-forever, forever}}},
		{"no history, building", nil, sharpeyes.Building, nil},
		{"created active", []sharpeyes.LifecycleChange{ch(1, "", sharpeyes.Active)}, sharpeyes.Active, Spans{{ns(1), forever}}},
		{"built then retired", []sharpeyes.LifecycleChange{
			ch(1, "", sharpeyes.Building), ch(3, sharpeyes.Building, sharpeyes.Active),
			ch(7, sharpeyes.Active, sharpeyes.Retired)}, sharpeyes.Retired, Spans{{ns(3), ns(7)}}},
		{"back and forth", []sharpeyes.LifecycleChange{
			ch(0, "", sharpeyes.Active), ch(2, sharpeyes.Active, sharpeyes.Building),
			ch(4, sharpeyes.Building, sharpeyes.Active)}, sharpeyes.Active, Spans{{ns(0), ns(2)}, {ns(4), forever}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ActiveSpans(tc.changes, tc.current); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestComputeTimeWeightedFigures(t *testing.T) {
	h := func(n float64) int64 { return int64(n * float64(time.Hour)) }
	win := Span{h(0), h(24)}
	always := Spans{{h(-100), h(100)}}
	cases := []struct {
		name string
		tl   Timeline
		want Figures
	}{
		{"no outage", Timeline{Window: win, Active: always, Known: always}, Figures{MonitoredNS: h(24)}},
		{"outage across window start", Timeline{Window: win, Active: always, Known: always,
			Outages: []OutageSpan{{Span{h(-5), h(3)}, true}}},
			Figures{MonitoredNS: h(24), DownNS: h(3), Outages: 1, Repaired: 1, RepairNS: h(8)}},
		{"silence covers part of outage", Timeline{Window: win, Active: always, Known: always, Silenced: Spans{{h(2), h(4)}},
			Outages: []OutageSpan{{Span{h(1), h(5)}, true}}},
			Figures{MonitoredNS: h(22), DownNS: h(2), Outages: 1, Repaired: 1, RepairNS: h(4)}},
		{"outage wholly silenced", Timeline{Window: win, Active: always, Known: always, Silenced: Spans{{h(1), h(5)}},
			Outages: []OutageSpan{{Span{h(1), h(5)}, true}}},
			Figures{MonitoredNS: h(20)}},
		{"open outage", Timeline{Window: win, Active: always, Known: always, Outages: []OutageSpan{{Span{h(20), h(24)}, false}}},
			Figures{MonitoredNS: h(24), DownNS: h(4), Outages: 1}},
		{"outage before activation ignored", Timeline{Window: win, Active: Spans{{h(12), h(100)}}, Known: always,
			Outages: []OutageSpan{{Span{h(2), h(6)}, true}, {Span{h(11), h(13)}, true}}},
			Figures{MonitoredNS: h(12), DownNS: h(1), Outages: 1, Repaired: 1, RepairNS: h(2)}},
		{"outage ends after window", Timeline{Window: win, Active: always, Known: always, Outages: []OutageSpan{{Span{h(23), h(30)}, true}}},
			Figures{MonitoredNS: h(24), DownNS: h(1), Outages: 1}},
		{"overlapping outages count once in down time", Timeline{Window: win, Active: always, Known: always,
			Outages: []OutageSpan{{Span{h(1), h(5)}, true}, {Span{h(3), h(7)}, true}}},
			Figures{MonitoredNS: h(24), DownNS: h(6), Outages: 2, Repaired: 2, RepairNS: h(8)}},
		{"outages out of order", Timeline{Window: win, Active: always, Known: always,
			Outages: []OutageSpan{{Span{h(10), h(12)}, true}, {Span{h(1), h(2)}, false}}},
			Figures{MonitoredNS: h(24), DownNS: h(3), Outages: 2, Repaired: 1, RepairNS: h(2)}},
		{"never active", Timeline{Window: win, Known: always, Outages: []OutageSpan{{Span{h(1), h(2)}, true}}}, Figures{}},
		{"never known", Timeline{Window: win, Active: always, Outages: []OutageSpan{{Span{h(1), h(2)}, true}}}, Figures{}},
		{"known from the middle", Timeline{Window: win, Active: always, Known: KnownSpans(time.Unix(0, h(12))),
			Outages: []OutageSpan{{Span{h(10), h(14)}, true}}},
			Figures{MonitoredNS: h(12), DownNS: h(2), Outages: 1, Repaired: 1, RepairNS: h(4)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compute(tc.tl); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFiguresRatesAreNullWithoutData(t *testing.T) {
	var f Figures
	if f.Availability() != nil || f.MTTRSeconds() != nil {
		t.Fatal("empty figures should give null availability and MTTR")
	}
	f.Add(Figures{MonitoredNS: 4e9, DownNS: 1e9, Outages: 2, Repaired: 2, RepairNS: 6e9})
	if a := *f.Availability(); a != 0.75 {
		t.Fatalf("availability = %v, want 0.75", a)
	}
	if m := *f.MTTRSeconds(); m != 3 {
		t.Fatalf("mttr = %v, want 3", m)
	}
}

func TestWorstListsDownCamerasLowestFirst(t *testing.T) {
	figs := []Figures{
		{MonitoredNS: 100, DownNS: 10}, // 0.9
		{MonitoredNS: 100},             // never down: left out
		{MonitoredNS: 50, DownNS: 25},  // 0.5
		{MonitoredNS: 200, DownNS: 20}, // 0.9, down longer than camera 0
		{MonitoredNS: 10, DownNS: 5},   // 0.5, down shorter than camera 2
	}
	cases := []struct {
		n    int
		want []int
	}{{10, []int{2, 4, 3, 0}}, {2, []int{2, 4}}, {0, []int{}}, {-1, []int{}}}
	for _, tc := range cases {
		if got := worst(figs, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("worst(n=%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}
