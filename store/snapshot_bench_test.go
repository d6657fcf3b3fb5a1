package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// BenchmarkSnapshotLoad100k measures a cold load of 100,000 cameras, the
// serial step before a collector's first probe.
func BenchmarkSnapshotLoad100k(b *testing.B) {
	rdb := redistest.Start(b).Client()
	cams := make([]sharpeyes.Camera, 100_000)
	for i := range cams {
		// ids out of order, as HSCAN returns them anyway
		cams[i] = sharpeyes.Camera{ID: fmt.Sprintf("c%06d", (i*7919)%100_000), Name: "cam", Host: "127.0.0.1",
			Probe: sharpeyes.ProbeRTSP, Region: fmt.Sprintf("d/t%d/g%d", i%7, i%50), Lifecycle: sharpeyes.Active}
	}
	ctx := context.Background()
	if _, err := store.New(rdb).PutMany(ctx, cams); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		snap, err := store.New(rdb).Snapshot(ctx) // a new Store: no cached snapshot
		if err != nil || snap.Len() != len(cams) {
			b.Fatalf("snapshot: %d cameras, %v", snap.Len(), err)
		}
	}
}

// BenchmarkPartitionShareLoad100k measures a cold read of one collector's
// share of 100,000 cameras when three divide the sweep (22 of the 64
// partitions), against the whole snapshot, and the heap each keeps.
func BenchmarkPartitionShareLoad100k(b *testing.B) {
	rdb := redistest.Start(b).Client()
	cams := make([]sharpeyes.Camera, 100_000)
	for i := range cams {
		cams[i] = sharpeyes.Camera{ID: fmt.Sprintf("c%06d", i), Name: "cam", Host: "127.0.0.1",
			Probe: sharpeyes.ProbeRTSP, Region: fmt.Sprintf("d/t%d/g%d", i%7, i%50), Lifecycle: sharpeyes.Active}
	}
	ctx := context.Background()
	if _, err := store.New(rdb).PutMany(ctx, cams); err != nil {
		b.Fatal(err)
	}
	share := make([]int, 22)
	for i := range share {
		share[i] = i * 3
	}
	tests := []struct {
		name string
		read func() (any, error)
	}{
		{"whole snapshot", func() (any, error) { return store.New(rdb).Snapshot(ctx) }},
		{"share of three", func() (any, error) { return store.New(rdb).NewPartitionCache().Cameras(ctx, share) }},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			var held int64
			for range b.N {
				b.StopTimer()
				before := liveHeap()
				b.StartTimer()
				kept, err := tc.read()
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				held = int64(liveHeap()) - int64(before)
				runtime.KeepAlive(kept)
				b.StartTimer()
			}
			b.ReportMetric(float64(held)/1e6, "MB-held")
		})
	}
}

// liveHeap returns the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
