package report

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// BenchmarkSummary100k measures the status summary over 100,000 cameras
// (benchFleet, plus 1,980 cameras last probed 5 minutes ago, so stale)
// against the old computation that read every probed camera's status
// (fullSummary, the tests' oracle), in the same run:
//
//	go test -run '^$' -bench Summary100k -benchtime 1x ./report
//
// Each is timed single-threaded (every 20th indexed request follows a
// "sweep" of 500 state changes written outside the timed part, as in
// BenchmarkCoverage100k) and with 16 goroutines asking at once. Metrics:
// p50/p99 per request in ms, heap bytes and allocations per request, and
// the ratios full ÷ indexed. Every phase is bounded in count and time.
func BenchmarkSummary100k(b *testing.B) {
	e := newEnv(b)
	cams := benchFleet(b, e, benchCameras)
	probeAt(b, e, cams[:2000], t0.Add(-5*time.Minute))
	ctx := context.Background()
	indexed := func() error { _, err := e.rep.Summary(ctx, Query{}); return err }
	full := func() error { _, err := fullSummary(ctx, e.rep, Query{}); return err }
	want, err := fullSummary(ctx, e.rep, Query{})
	if err != nil {
		b.Fatal(err)
	}
	if got, err := e.rep.Summary(ctx, Query{}); err != nil || got.Stale != want.Stale || got.NeverProbed != want.NeverProbed ||
		got.Stale != 1980 || got.NeverProbed != benchCameras/100 {
		b.Fatalf("summary %+v (%v), full %+v", got, err, want)
	}
	for b.Loop() {
		if b.N > 1 {
			continue // one measured run; further iterations do nothing
		}
		ix1 := measure(b, indexed, 1, 2000, 30*time.Second, func(n int) {
			if n%20 == 19 {
				churn(b, e, cams[2000:], 500, n)
			}
		})
		ix16 := measure(b, indexed, 16, 250, 30*time.Second, nil)
		fu1 := measure(b, full, 1, 20, 30*time.Second, nil)
		fu16 := measure(b, full, 16, 4, 60*time.Second, nil)
		for _, m := range []struct {
			name string
			r    latencies
		}{{"indexed-1", ix1}, {"indexed-16", ix16}, {"full-1", fu1}, {"full-16", fu16}} {
			b.ReportMetric(m.r.p(50), m.name+"-p50-ms")
			b.ReportMetric(m.r.p(99), m.name+"-p99-ms")
			b.ReportMetric(m.r.bytes, m.name+"-B/req")
			b.ReportMetric(m.r.allocs, m.name+"-allocs/req")
			b.ReportMetric(float64(len(m.r.lat)), m.name+"-requests")
		}
		b.ReportMetric(fu1.p(50)/ix1.p(50), "ratio-1-p50")
		b.ReportMetric(fu16.p(99)/ix16.p(99), "ratio-16-p99")
	}
}

// latencies are one phase's request times, sorted, with heap bytes and
// allocations per request.
type latencies struct {
	lat           []time.Duration
	bytes, allocs float64
}

func (l latencies) p(q int) float64 { return ms(l.lat[(len(l.lat)-1)*q/100]) }

// measure runs do from workers goroutines, each up to per times, until
// limit passes; between requests of a single worker it calls between
// (outside the timing) with the request's number.
func measure(b *testing.B, do func() error, workers, per int, limit time.Duration, between func(int)) latencies {
	b.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	deadline := time.Now().Add(limit)
	var mu sync.Mutex
	var out latencies
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for n := 0; n < per && time.Now().Before(deadline); n++ {
				if between != nil {
					between(n)
				}
				start := time.Now()
				if err := do(); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(start)
				mu.Lock()
				out.lat = append(out.lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	if len(out.lat) == 0 {
		b.Fatal("no request finished")
	}
	slices.Sort(out.lat)
	n := float64(len(out.lat))
	out.bytes = float64(after.TotalAlloc-before.TotalAlloc) / n
	out.allocs = float64(after.Mallocs-before.Mallocs) / n
	return out
}

// probeAt writes a new probe of cams at time at, keeping their states.
func probeAt(b *testing.B, e *env, cams []sharpeyes.Camera, at time.Time) {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, len(cams))
	for i, c := range cams {
		ids[i] = c.ID
	}
	prev, err := e.store.Statuses(ctx, ids)
	if err != nil {
		b.Fatal(err)
	}
	var writes []store.StatusWrite
	for _, id := range ids {
		p, ok := prev[id]
		if !ok {
			continue
		}
		next := p
		next.LastProbe = at
		writes = append(writes, store.StatusWrite{ID: id, Prev: p, Next: next})
	}
	if _, conflicts, err := e.store.ApplyStatuses(ctx, writes); err != nil || len(conflicts) > 0 {
		b.Fatalf("probe: %v, %d conflicts", err, len(conflicts))
	}
}
