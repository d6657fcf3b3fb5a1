package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// TestAPIReplicaHeap writes a heap profile of an API replica (serve
// --no-collector, run in this process) after a sweep of SE_HEAP_CAMERAS
// simulated TCP cameras and a few report and list requests, to
// SE_HEAP_OUT; it measures, asserts nothing and runs only when both are
// set. The profile also holds the fleet and the one-off collector of this
// process: read it without them, e.g.
//
//	SE_HEAP_CAMERAS=500000 SE_HEAP_OUT=/tmp/heap.pprof go test -count=1 -run TestAPIReplicaHeap -v ./cmd/sharpeyes/
//	go tool pprof -sample_index=inuse_space -top -ignore='sharpeyes/fleet\.' /tmp/heap.pprof
func TestAPIReplicaHeap(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SE_HEAP_CAMERAS"))
	if n <= 0 || os.Getenv("SE_HEAP_OUT") == "" {
		t.Skip("set SE_HEAP_CAMERAS and SE_HEAP_OUT to profile an API replica's heap")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := redistest.Start(t)
	f, err := fleet.Start(ctx, fleet.Config{Cameras: n, Seed: 12, BaseIP: "127.40.0.2",
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := store.New(srv.Client())
	if _, err := s.PutMany(ctx, f.Cameras()); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"SHARPEYES_REDIS_ADDRS", srv.Addr}, {"SHARPEYES_COLLECTOR_PROBE_TIMEOUT", "2s"},
		{"SHARPEYES_COLLECTOR_CONCURRENCY", "1000"}, {"SHARPEYES_LOG_LEVEL", "warn"}} {
		t.Setenv(kv[0], kv[1])
	}
	addr := freeAddr(t)
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--no-collector", "--listen", addr}, nil, io.Discard, os.Stderr)
	}()
	await(t, 2*time.Minute, "ready", func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	var out bytes.Buffer
	if code := run(ctx, []string{"collect", "--once"}, nil, &out, os.Stderr); code != 0 {
		t.Fatalf("collect: %d %s", code, out.String())
	}
	t.Logf("collect: %s", out.String())
	await(t, 2*time.Minute, "the sweep's statuses in the summary", func() bool {
		var sum struct{ Up int }
		return getJSON(t, "http://"+addr+"/api/v1/status/summary", &sum) == 200 && sum.Up == n
	})
	for _, p := range []string{"/api/v1/status/summary", "/api/v1/reports/coverage?group_by=region&level=2",
		"/api/v1/cameras?limit=100", "/api/v1/cameras?state=down&limit=100", "/api/v1/reports/availability?group_by=region"} {
		for range 20 {
			res, err := http.Get("http://" + addr + p)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", p, res.StatusCode)
			}
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap in use after a GC: %d MB (fleet and collector included)", ms.HeapInuse>>20)
	fh, err := os.Create(os.Getenv("SE_HEAP_OUT"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.WriteHeapProfile(fh); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
}
