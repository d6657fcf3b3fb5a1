package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestPartitionSizesCountEachPartitionsCameras(t *testing.T) {
	ctx := context.Background()
	s := store.New(redistest.StartTarget(t).Client())
	all := cams(500, "c", "r")
	if _, err := s.PutMany(ctx, all); err != nil {
		t.Fatal(err)
	}
	want := make([]int, store.Partitions)
	for _, c := range all {
		want[store.PartitionOf(c.ID)]++
	}
	got, err := s.PartitionSizes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sizes %v, want %v", got, want)
	}
}

// A collector reads only the partitions it asks for, and again only those
// whose version changed.
func TestPartitionCacheReadsOnlyRequestedAndChangedPartitions(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	writer, reader := store.New(rdb), store.New(rdb)
	all := cams(2000, "c", "old")
	if _, err := writer.PutMany(ctx, all); err != nil {
		t.Fatal(err)
	}
	byPart := map[int][]string{}
	for _, c := range all {
		p := store.PartitionOf(c.ID)
		byPart[p] = append(byPart[p], c.ID)
	}
	edited := cam("c000042", "new")
	pe := store.PartitionOf(edited.ID)
	other := (pe + 1) % store.Partitions
	third := (pe + 2) % store.Partitions
	pc := reader.NewPartitionCache()

	// read returns the loads the call cost and checks what it returned.
	read := func(step string, ps ...int) (int64, map[int][]sharpeyes.Camera) {
		t.Helper()
		before := reader.PartitionLoads()
		got, err := pc.Cameras(ctx, ps)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		for _, p := range ps {
			ids := make([]string, len(got[p]))
			for i, c := range got[p] {
				ids[i] = c.ID
			}
			if !slices.Equal(ids, byPart[p]) { // cams() ids ascend, as the cache's
				t.Fatalf("%s: partition %d holds %v, want %v", step, p, ids, byPart[p])
			}
		}
		if len(got) != len(ps) {
			t.Fatalf("%s: %d partitions returned, want %d", step, len(got), len(ps))
		}
		return reader.PartitionLoads() - before, got
	}
	tests := []struct {
		step  string
		do    func()
		read  []int
		loads int64
	}{
		{"first read", nil, []int{pe, other}, 2},
		{"unchanged", nil, []int{pe, other}, 0},
		{"a third", nil, []int{pe, other, third}, 1},
		{"one edit", func() {
			if _, err := writer.Put(ctx, edited); err != nil {
				t.Fatal(err)
			}
		}, []int{pe, other, third}, 1},
		{"dropped, then asked for again", func() { pc.Keep([]int{pe, third}) }, []int{pe, other, third}, 1},
		{"a delete", func() {
			if err := writer.Delete(ctx, byPart[other][0]); err != nil {
				t.Fatal(err)
			}
			byPart[other] = byPart[other][1:]
		}, []int{other}, 1},
	}
	for _, tc := range tests {
		if tc.do != nil {
			tc.do()
		}
		loads, got := read(tc.step, tc.read...)
		if loads != tc.loads {
			t.Fatalf("%s: read %d partitions, want %d", tc.step, loads, tc.loads)
		}
		if tc.step == "one edit" {
			if i := slices.IndexFunc(got[pe], func(c sharpeyes.Camera) bool { return c.ID == edited.ID }); i < 0 || got[pe][i].Region != "new" {
				t.Fatalf("after the edit the cache holds %+v, want region new", got[pe])
			}
		}
	}
	pc.Keep([]int{third})
	if got := pc.Cached(); !slices.Equal(got, []int{third}) {
		t.Fatalf("cached %v after Keep, want [%d]", got, third)
	}
	if got := reader.PartitionLoads(); got != 6 {
		t.Fatalf("%d partition loads in all, want 6", got)
	}
}
