package report

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// outageFixture: cameras a, b (荷塘区/月塘街道) and c (荷塘区/桂花街道),
// a deleted camera gone and an unknown one ghost, with open and closed
// outages.
func outageFixture(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.putAt(t, hours(-100),
		mustCamera(t, "a", "荷塘区/月塘街道/网格01", sharpeyes.Active),
		mustCamera(t, "b", "荷塘区/月塘街道/网格02", sharpeyes.Active),
		mustCamera(t, "c", "荷塘区/桂花街道/网格01", sharpeyes.Active),
		mustCamera(t, "gone", "荷塘区/桂花街道/网格01", sharpeyes.Active))
	if err := e.store.Delete(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	e.recordOutages(t,
		sharpeyes.Outage{CameraID: "a", Start: hours(-3), Reason: "timeout"},
		sharpeyes.Outage{CameraID: "c", Start: hours(-30), Reason: "refused"},
		sharpeyes.Outage{CameraID: "ghost", Start: hours(-1), Reason: "dns"}, // never in the inventory
		closed("a", hours(-20), hours(-10)),
		closed("b", hours(-40), hours(-23)),
		closed("b", hours(-50), hours(-45)), // ended before the 24-hour window
		closed("c", hours(-6), hours(-5)),
		closed("gone", hours(-8), hours(-7)))
	return e
}

func outageKeys(items []OutageItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.CameraID+"@"+it.Start.Sub(t0).String())
	}
	return out
}

func TestOutagesReport(t *testing.T) {
	e := outageFixture(t)
	cases := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"open, longest first", url.Values{"open": {"true"}}, []string{"c@-30h0m0s", "a@-3h0m0s", "ghost@-1h0m0s"}},
		{"open in one township", url.Values{"open": {"true"}, "region": {"荷塘区/月塘街道"}}, []string{"a@-3h0m0s"}},
		{"last 24 hours, newest first", nil,
			[]string{"ghost@-1h0m0s", "a@-3h0m0s", "c@-6h0m0s", "gone@-8h0m0s", "a@-20h0m0s", "c@-30h0m0s", "b@-40h0m0s"}},
		{"filtered window leaves deleted cameras out", url.Values{"region": {"荷塘区/桂花街道"}},
			[]string{"c@-6h0m0s", "c@-30h0m0s"}},
		{"past window", url.Values{"from": {"-2d"}, "to": {"-39h"}}, []string{"b@-40h0m0s", "b@-50h0m0s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseQuery(tc.query, t0, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := e.rep.Outages(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := outageKeys(rep.Items); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if rep.NextCursor != "" {
				t.Fatalf("one page expected, next_cursor %q", rep.NextCursor)
			}
		})
	}
}

func TestOutagesPagesCoverEveryItemOnce(t *testing.T) {
	e := outageFixture(t)
	var all []string
	q := Query{From: hours(-100), Limit: 2}
	for page := 0; page < 10; page++ {
		rep, err := e.rep.Outages(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, outageKeys(rep.Items)...)
		if rep.NextCursor == "" {
			break
		}
		q.Cursor = rep.NextCursor
	}
	want := []string{"ghost@-1h0m0s", "a@-3h0m0s", "c@-6h0m0s", "gone@-8h0m0s", "a@-20h0m0s", "c@-30h0m0s", "b@-40h0m0s", "b@-50h0m0s"}
	if !slices.Equal(all, want) {
		t.Fatalf("pages gave %v, want %v", all, want)
	}
}

func TestOutagesJSONShape(t *testing.T) {
	e := outageFixture(t)
	srv := serveAPI(t, e)
	code, _, body := get(t, srv, "/api/v1/reports/outages?open=true", viewerToken)
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	var rep struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 3 || rep.NextCursor == nil || *rep.NextCursor != "" {
		t.Fatalf("shape: %s", body)
	}
	first := rep.Items[0]
	end, hasEnd := first["end"]
	if first["camera_id"] != "c" || !hasEnd || end != nil || first["duration_s"] != 30*3600.0 ||
		first["reason"] != "refused" || first["start"] != hours(-30).Format("2006-01-02T15:04:05Z") ||
		first["region"] != "荷塘区/桂花街道/网格01" || first["maintainer"] != "crew-荷塘区/桂花街道/网格01" {
		t.Fatalf("first item: %v", first)
	}
}
