package store_test

import (
	"context"
	"fmt"
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
		if err != nil || len(snap.Cameras) != len(cams) {
			b.Fatalf("snapshot: %d cameras, %v", len(snap.Cameras), err)
		}
	}
}
