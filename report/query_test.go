package report

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/api"
)

func TestParseTime(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"now", t0, true},
		{"-7d", t0.Add(-7 * 24 * time.Hour), true},
		{"-24h", t0.Add(-24 * time.Hour), true},
		{"-2w", t0.Add(-14 * 24 * time.Hour), true},
		{"-1h30m", t0.Add(-90 * time.Minute), true},
		{"2025-03-01T08:00:00+08:00", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"2025-03-01", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"-0d", time.Time{}, false},
		{"--1d", time.Time{}, false},
		{"-500d", time.Time{}, false},
		{"7d", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTime(tc.in, t0, time.UTC)
			if (err == nil) != tc.ok || tc.ok && !got.Equal(tc.want) {
				t.Fatalf("ParseTime(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseQueryDefaultsAndWindow(t *testing.T) {
	cases := []struct {
		name     string
		v        url.Values
		from, to time.Time
		group    GroupBy
		level    int
	}{
		{"defaults", nil, t0.Add(-24 * time.Hour), t0, ByRegion, 1},
		{"window", url.Values{"window": {"30d"}, "group_by": {"maintainer"}}, t0.Add(-30 * 24 * time.Hour), t0, ByMaintainer, 1},
		{"window before to", url.Values{"window": {"7d"}, "to": {"-1d"}, "level": {"3"}},
			t0.Add(-8 * 24 * time.Hour), t0.Add(-24 * time.Hour), ByRegion, 3},
		{"from and to win over window", url.Values{"window": {"7d"}, "from": {"2025-03-01"}, "to": {"2025-03-02"}},
			time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC), ByRegion, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseQuery(tc.v, t0, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if !q.From.Equal(tc.from) || !q.To.Equal(tc.to) || q.GroupBy != tc.group || q.Level != tc.level {
				t.Fatalf("got %v..%v %s/%d, want %v..%v %s/%d", q.From, q.To, q.GroupBy, q.Level,
					tc.from, tc.to, tc.group, tc.level)
			}
			if q.Limit != DefaultLimit || q.Worst != DefaultWorst {
				t.Fatalf("limit %d worst %d, want defaults", q.Limit, q.Worst)
			}
		})
	}
}

// FuzzParseQuery checks that any query string either parses into a sane
// window and grouping or fails with a RequestError naming a parameter.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "window=7d", "from=-7d&to=now", "group_by=region&level=2", "open=true&limit=5",
		"from=2025-03-01T00:00:00Z&to=2025-03-02", "window=-1h", "worst=0&cameras=1", "from=-99999d", "level=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v, t0, time.UTC)
		if err != nil {
			var re *api.RequestError
			if !errors.As(err, &re) || re.Field == "" {
				t.Fatalf("%q: error %v does not name a parameter", raw, err)
			}
			return
		}
		if !q.From.Before(q.To) || q.To.Sub(q.From) > MaxWindow || q.Level < 1 || q.Level > 3 ||
			q.Limit < 1 || q.Limit > MaxLimit || q.Worst > MaxWorst {
			t.Fatalf("%q: parsed into %+v", raw, q)
		}
	})
}
