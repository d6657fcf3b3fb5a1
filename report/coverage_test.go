package report

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

const hetangCSV = "../testdata/inventory/hetang-cameras.csv"

// hetangState is the state the tests give a probed camera: by the last
// digits of its id, a tenth down, a tenth degraded, a tenth never probed,
// the rest up.
func hetangState(id string) sharpeyes.State {
	n, _ := strconv.Atoi(id[len(id)-4:])
	switch n % 10 {
	case 0:
		return sharpeyes.StateDown
	case 1:
		return sharpeyes.StateDegraded
	case 9:
		return sharpeyes.StateUnknown
	}
	return sharpeyes.StateUp
}

// loadHetang imports the sample inventory and writes the states of
// hetangState for its active and building cameras through ApplyStatuses.
func loadHetang(t *testing.T, e *env) []sharpeyes.Camera {
	t.Helper()
	f, err := os.Open(hetangCSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cams, rowErrs, err := inventory.Decode(f, inventory.FormatCSV)
	if err != nil || len(rowErrs) > 0 {
		t.Fatalf("decode inventory: %v %v", err, rowErrs)
	}
	e.putAt(t, hours(-1000), cams...)
	states := make(map[string]sharpeyes.State)
	for _, c := range cams {
		if st := hetangState(c.ID); c.Lifecycle.Probed() && st != sharpeyes.StateUnknown {
			states[c.ID] = st
		}
	}
	e.setStates(t, states, hours(-1))
	return cams
}

// expectedTownships counts the sample file's rows per township straight
// from the CSV, without the report or the domain types.
func expectedTownships(t *testing.T) map[string][]int {
	t.Helper()
	f, err := os.Open(hetangCSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// total, planned, building, active, retired, up, degraded, down, unknown
	out := map[string][]int{}
	lcIndex := map[string]int{"planned": 1, "building": 2, "active": 3, "retired": 4}
	for _, r := range rows[1:] {
		parts := strings.Split(r[col["region"]], "/")
		key := strings.Join(parts[:min(2, len(parts))], "/")
		if out[key] == nil {
			out[key] = make([]int, 9)
		}
		c := out[key]
		c[0]++
		c[lcIndex[r[col["lifecycle"]]]]++
		if r[col["lifecycle"]] == "active" {
			c[map[sharpeyes.State]int{"up": 5, "degraded": 6, "down": 7, "unknown": 8}[hetangState(r[col["id"]])]]++
		}
	}
	return out
}

func TestCoveragePerTownshipMatchesInventory(t *testing.T) {
	e := newEnv(t)
	loadHetang(t, e)
	rep, err := e.rep.Coverage(context.Background(), Query{GroupBy: ByRegion, Level: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := expectedTownships(t)
	if len(rep.Groups) != len(want) || len(want) != 7 {
		t.Fatalf("%d groups, want %d (7 townships)", len(rep.Groups), len(want))
	}
	sum := make([]int, 9)
	for _, g := range rep.Groups {
		l := g.Lifecycle
		got := []int{g.Total, l.Planned, l.Building, l.Active, l.Retired, g.Up, g.Degraded, g.Down, g.Unknown}
		w := want[g.Key]
		if w == nil || !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", g.Key, got, w)
		}
		if wantRate := float64(w[5]) / float64(w[5]+w[6]+w[7]); !sameFloat(g.OnlineRate, &wantRate) {
			t.Errorf("%s: online rate %v, want %v", g.Key, showFloat(g.OnlineRate), wantRate)
		}
		for i := range sum {
			sum[i] += got[i]
		}
	}
	tl := rep.Total.Lifecycle
	total := []int{rep.Total.Total, tl.Planned, tl.Building, tl.Active, tl.Retired,
		rep.Total.Up, rep.Total.Degraded, rep.Total.Down, rep.Total.Unknown}
	if !slices.Equal(total, sum) || total[0] != 5100 {
		t.Errorf("total %v, want the sum of the groups %v over 5100 cameras", total, sum)
	}
}

func TestCoverageFiltersAndGroupings(t *testing.T) {
	e := newEnv(t)
	cams := loadHetang(t, e)
	cases := []struct {
		name   string
		q      Query
		filter func(c sharpeyes.Camera) bool
		key    func(c sharpeyes.Camera) string
	}{
		{"maintainer", Query{GroupBy: ByMaintainer}, func(sharpeyes.Camera) bool { return true },
			func(c sharpeyes.Camera) string { return c.Maintainer }},
		{"owner in one township", Query{GroupBy: ByOwner, Filter: sharpeyes.Filter{Region: "荷塘区/月塘街道"}},
			func(c sharpeyes.Camera) bool { return strings.HasPrefix(c.Region, "荷塘区/月塘街道/") },
			func(c sharpeyes.Camera) string { return string(c.Owner) }},
		{"down cameras by uplink", Query{GroupBy: ByUplink, Filter: sharpeyes.Filter{State: sharpeyes.StateDown}},
			func(c sharpeyes.Camera) bool { return c.Lifecycle.Probed() && hetangState(c.ID) == sharpeyes.StateDown },
			func(c sharpeyes.Camera) string { return c.Uplink }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string]int{}
			for _, c := range cams {
				if tc.filter(c) {
					want[tc.key(c)]++
				}
			}
			rep, err := e.rep.Coverage(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, g := range rep.Groups {
				got[g.Key] = g.Total
			}
			if len(got) != len(want) {
				t.Fatalf("%d groups, want %d", len(got), len(want))
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("group %q: %d cameras, want %d", k, got[k], n)
				}
			}
		})
	}
}
