package report

import (
	"context"
	"encoding/csv"
	"maps"
	"os"
	"strings"
	"testing"
	"time"
)

// buildoutWant is one township's expected row, counted from the raw file.
type buildoutWant struct {
	lifecycle    map[string]int
	overdue      int
	ready        int
	commissioned map[string]int
}

func expectedBuildout(t *testing.T, today string) map[string]*buildoutWant {
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
	out := map[string]*buildoutWant{}
	for _, r := range rows[1:] {
		key := strings.Join(strings.Split(r[col["region"]], "/")[:2], "/")
		w := out[key]
		if w == nil {
			w = &buildoutWant{lifecycle: map[string]int{}, commissioned: map[string]int{}}
			out[key] = w
		}
		lc, due, inst := r[col["lifecycle"]], r[col["due"]], r[col["installed_at"]]
		w.lifecycle[lc]++
		if (lc == "planned" || lc == "building") && due != "" && due < today {
			w.overdue++
		}
		if st := hetangState(r[col["id"]]); lc == "building" && (st == "up" || st == "degraded") {
			w.ready++
		}
		if inst != "" {
			w.commissioned[inst[:7]]++
		}
	}
	return out
}

func TestBuildoutPerTownshipMatchesInventory(t *testing.T) {
	e := newEnv(t)
	loadHetang(t, e)
	// Late on a due date: cameras due that day are not overdue yet.
	e.clock.Set(time.Date(2026, 6, 15, 23, 59, 0, 0, time.UTC))
	rep, err := e.rep.Buildout(context.Background(), Query{GroupBy: ByRegion, Level: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := expectedBuildout(t, "2026-06-15")
	if len(rep.Groups) != len(want) {
		t.Fatalf("%d groups, want %d", len(rep.Groups), len(want))
	}
	var overdue, ready int
	for _, g := range rep.Groups {
		w := want[g.Key]
		if w == nil {
			t.Fatalf("unexpected group %q", g.Key)
		}
		lc := map[string]int{"planned": g.Planned, "building": g.Building, "active": g.Active, "retired": g.Retired}
		maps.DeleteFunc(lc, func(_ string, n int) bool { return n == 0 })
		if !maps.Equal(lc, w.lifecycle) || g.Overdue != w.overdue || g.ReadyForAcceptance != w.ready ||
			!maps.Equal(g.Commissioned, w.commissioned) {
			t.Errorf("%s: lifecycle %v overdue %d ready %d commissioned %v; want %v %d %d %v", g.Key,
				lc, g.Overdue, g.ReadyForAcceptance, g.Commissioned, w.lifecycle, w.overdue, w.ready, w.commissioned)
		}
		overdue += w.overdue
		ready += w.ready
	}
	if rep.Total.Overdue != overdue || rep.Total.ReadyForAcceptance != ready || overdue == 0 || ready == 0 {
		t.Fatalf("total overdue %d ready %d, want %d and %d (both > 0)", rep.Total.Overdue,
			rep.Total.ReadyForAcceptance, overdue, ready)
	}
}
