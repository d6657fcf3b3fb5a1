package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// rowCameras are cameras with every field a record can hold, and the
// blanks: GB/T 28181 and other ids, tags, a device, coordinates at 0,
// one coordinate only, dates, paths, ports.
func rowCameras(t *testing.T) []sharpeyes.Camera {
	t.Helper()
	f := func(v float64) *float64 { return &v }
	cams := []sharpeyes.Camera{
		{ID: "34010200001320000001", Name: "荷塘区 人民路口", Host: "10.0.0.1", Port: 554, Probe: sharpeyes.ProbeRTSP,
			Path: "/Streaming/Channels/101", Region: "荷塘区/月塘街道/网格01", Owner: sharpeyes.OwnerPolice,
			Lifecycle: sharpeyes.Active, Maintainer: "运维一部", Uplink: "SW-01", Lat: f(27.833333), Lon: f(113.1619),
			Due: "2026-01-31", InstalledAt: "2025-12-20", Tags: map[string]string{"杆号": "A-01", "batch": "3"}},
		{ID: "cam-plain", Name: "plain", Host: "cam.example", Probe: sharpeyes.ProbeTCP, Port: 80, Lifecycle: sharpeyes.Planned},
		{ID: "cam-zero", Name: "zero", Host: "10.0.0.3", Probe: sharpeyes.ProbeICMP, Lifecycle: sharpeyes.Building,
			Lat: f(0), Lon: f(0), Owner: sharpeyes.OwnerSocial},
		{ID: "cam-lat-only", Name: "lat", Host: "10.0.0.4", Probe: sharpeyes.ProbeHTTP, Lifecycle: sharpeyes.Retired, Lat: f(-12.5)},
		{ID: "34010200001310000009", Name: "通道", Host: "10.0.0.9", Probe: sharpeyes.ProbeGB28181,
			Lifecycle: sharpeyes.Active, GBDevice: "34010200001180000001", Region: "荷塘区"},
		{ID: "cam-onvif", Name: "onvif", Host: "::1", Port: 8080, Probe: sharpeyes.ProbeONVIF, Lifecycle: sharpeyes.Active,
			Region: "荷塘区/月塘街道/网格01", Maintainer: "运维一部", Uplink: "SW-01", Tags: map[string]string{"k": ""}},
	}
	for i := range cams {
		if err := cams[i].Normalize(); err != nil {
			t.Fatalf("camera %s: %v", cams[i].ID, err)
		}
	}
	return cams
}

// A snapshot rebuilds every field of every record it was read from, also
// after an edit made it reread one partition and copy the others.
func TestSnapshotRebuildsEveryFieldOfEveryRecord(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	s := store.New(rdb)
	cams := rowCameras(t)
	// Filler cameras in other partitions, so that the edit below copies
	// rows from the previous snapshot.
	for i := range 300 { // more distinct regions than a byte counts
		c := sharpeyes.Camera{ID: fmt.Sprintf("filler-%03d", i), Name: fmt.Sprintf("填充 %d", i), Host: "10.1.0.1",
			Probe: sharpeyes.ProbeTCP, Port: 7000 + i, Lifecycle: sharpeyes.Active, Region: fmt.Sprintf("区%d", i)}
		if err := c.Normalize(); err != nil {
			t.Fatal(err)
		}
		cams = append(cams, c)
	}
	if _, err := s.PutMany(ctx, cams); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		snap, err := s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Len() != len(cams) {
			t.Fatalf("%s: %d cameras, want %d", when, snap.Len(), len(cams))
		}
		for _, want := range cams {
			got, ok := snap.Get(want.ID)
			if !ok {
				t.Fatalf("%s: %s missing", when, want.ID)
			}
			stored, err := s.Camera(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored.Secret = sharpeyes.Credentials{}
			if !reflect.DeepEqual(*got, stored) {
				t.Fatalf("%s: snapshot gives\n%+v\nthe store holds\n%+v", when, *got, stored)
			}
		}
		all := snap.Cameras()
		for i := range all {
			if i > 0 && all[i-1].ID >= all[i].ID {
				t.Fatalf("%s: out of id order at %d", when, i)
			}
			if j, ok := snap.Index(all[i].ID); !ok || j != i {
				t.Fatalf("%s: Index(%s) = %d, %v; want %d", when, all[i].ID, j, ok, i)
			}
		}
		for _, id := range []string{"", "absent", "cam-plai", "cam-plainx", "34010200001320000002"} {
			if j, ok := snap.Index(id); ok {
				t.Fatalf("%s: Index(%q) found %d", when, id, j)
			}
		}
	}
	check("first load")
	edited := cams[0]
	edited.Name, edited.Region, edited.Tags = "改名", "新区", map[string]string{"杆号": "B-02"}
	edited.Lat = nil
	if _, err := s.Put(ctx, edited); err != nil {
		t.Fatal(err)
	}
	cams[0] = edited
	before := s.PartitionLoads()
	check("after one edit")
	if got := s.PartitionLoads() - before; got != 1 {
		t.Fatalf("the edit made the snapshot read %d partitions, want 1", got)
	}
	// A record the caller changes is its own copy.
	snap, _ := s.Snapshot(ctx)
	c, _ := snap.Get(cams[0].ID)
	c.Name, c.Tags["杆号"] = "changed", "changed"
	check("after a caller changed its copy")
}

// An empty inventory's snapshot finds nothing.
func TestEmptySnapshotFindsNothing(t *testing.T) {
	snap, err := store.New(redistest.StartTarget(t).Client()).Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Index("cam-1"); ok || snap.Len() != 0 {
		t.Fatalf("empty snapshot: Len %d, Index found cam-1 %v", snap.Len(), ok)
	}
}

// Filtering the snapshot's rows selects what Filter.Match selects on the
// records, for every kind of filter field.
func TestSnapshotMatchAgreesWithFilterMatch(t *testing.T) {
	ctx := context.Background()
	s := store.New(redistest.StartTarget(t).Client())
	cams := rowCameras(t)
	if _, err := s.PutMany(ctx, cams); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	filters := []sharpeyes.Filter{{}, {Region: "荷塘区"}, {Region: "荷塘区/月塘街道"}, {Region: "荷"},
		{Owner: sharpeyes.OwnerPolice}, {Owner: sharpeyes.OwnerSocial}, {Lifecycle: sharpeyes.Active},
		{Maintainer: "运维一部"}, {Uplink: "SW-01"}, {Q: "人民"}, {Q: "CAM-"}, {Q: "1320"},
		{Region: "荷塘区", Lifecycle: sharpeyes.Active, Q: "onvif"}}
	for _, f := range filters {
		for i := range snap.Len() {
			c := snap.Camera(i)
			if got, want := snap.Match(i, f), f.Match(&c); got != want {
				t.Errorf("filter %+v, camera %s: snapshot says %v, Filter.Match %v", f, c.ID, got, want)
			}
		}
	}
}

// A lazy selection yields, record by record, what Select returns at once,
// and stops when its reader does.
func TestSelectLazyYieldsWhatSelectReturns(t *testing.T) {
	ctx := context.Background()
	s := store.New(redistest.StartTarget(t).Client())
	if _, err := s.PutMany(ctx, rowCameras(t)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []sharpeyes.Filter{{}, {Region: "荷塘区"}, {Owner: sharpeyes.OwnerPolice}, {Q: "CAM-"}, {Q: "no such camera"}} {
		want, err := s.Select(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sel, err := s.SelectLazy(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []*sharpeyes.Camera
		for c := range sel.All() {
			got = append(got, c)
		}
		if sel.Len() != len(want) || len(got) != len(want) {
			t.Fatalf("filter %+v: Len %d, yielded %d, Select %d", f, sel.Len(), len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("filter %+v, record %d: lazy %+v, Select %+v", f, i, got[i], want[i])
			}
		}
		for range sel.All() {
			break // an iterator that went on after its reader stopped would panic
		}
	}
}
