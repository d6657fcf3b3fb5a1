package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Benchmarks at the scale SPEC designs for (a province's replica: 100,000
// cameras, a million outages). Run with
//
//	go test -run '^$' -bench . -benchtime 3s ./report
//
// Each builds its data once (b.Loop runs the function once) in a real
// redis-server.

const benchCameras = 100_000

// benchFleet writes n active cameras (5 districts × 10 townships × 20
// grids, 8 maintainers) and their states: 90% up, 4% degraded, 5% down,
// 1% never probed.
func benchFleet(b *testing.B, e *env, n int) []sharpeyes.Camera {
	b.Helper()
	ctx := context.Background()
	cams := make([]sharpeyes.Camera, n)
	for i := range cams {
		c := sharpeyes.Camera{ID: fmt.Sprintf("cam-%06d", i), Name: fmt.Sprintf("网格点位%d号", i),
			Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP, Lifecycle: sharpeyes.Active, Owner: sharpeyes.OwnerGovernment,
			Region:     fmt.Sprintf("区%d/街道%d/网格%02d", i%5, i/5%10, i/50%20),
			Maintainer: fmt.Sprintf("运维单位%d", i%8), Uplink: fmt.Sprintf("SW-%04d", i/100)}
		if err := c.Normalize(); err != nil {
			b.Fatal(err)
		}
		cams[i] = c
	}
	e.clock.Set(t0.Add(-60 * 24 * time.Hour))
	for i := 0; i < n; i += 10_000 {
		if _, err := e.store.PutMany(ctx, cams[i:min(i+10_000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	known := make(map[string]time.Time, n)
	for _, c := range cams {
		known[c.ID] = t0.Add(-60 * 24 * time.Hour)
	}
	if err := e.store.MarkKnown(ctx, known); err != nil {
		b.Fatal(err)
	}
	e.clock.Set(t0)
	states := make(map[string]sharpeyes.State, n)
	for i, c := range cams {
		switch p := i % 100; {
		case p < 90:
			states[c.ID] = sharpeyes.StateUp
		case p < 94:
			states[c.ID] = sharpeyes.StateDegraded
		case p < 99:
			states[c.ID] = sharpeyes.StateDown
		}
	}
	e.setStates(b, states, t0.Add(-time.Minute))
	return cams
}

func BenchmarkCoverage100k(b *testing.B) {
	e := newEnv(b)
	cams := benchFleet(b, e, benchCameras)
	srv := serveAPI(b, e)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/reports/coverage?group_by=region&level=2", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	client := srv.Client()
	do := func() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	do() // loads the snapshot, as a running server has
	// Every 20th request follows a "sweep" that changed 500 cameras' states
	// (written outside the timed part), so that p99 includes refreshing
	// the states, not only the cached path.
	var lat, afterSweep []time.Duration
	deadline := time.Now().Add(30 * time.Second)
	for n := 0; b.Loop(); n++ {
		if len(lat) >= 5000 || time.Now().After(deadline) {
			continue // bounded: further iterations do nothing
		}
		swept := n%20 == 19
		if swept {
			b.StopTimer()
			churn(b, e, cams, 500, n)
			b.StartTimer()
		}
		start := time.Now()
		do()
		d := time.Since(start)
		lat = append(lat, d)
		if swept {
			afterSweep = append(afterSweep, d)
		}
	}
	slices.Sort(lat)
	slices.Sort(afterSweep)
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	if len(afterSweep) > 0 {
		b.ReportMetric(ms(afterSweep[len(afterSweep)/2]), "after-sweep-p50-ms")
	}
	b.ReportMetric(float64(len(lat)), "requests")
}

// churn moves k cameras (chosen by round) between up and down through
// ApplyStatuses, as a sweep would.
func churn(b *testing.B, e *env, cams []sharpeyes.Camera, k, round int) {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, k)
	for i := range ids {
		ids[i] = cams[(round*7919+i*131)%len(cams)].ID
	}
	prev, err := e.store.Statuses(ctx, ids)
	if err != nil {
		b.Fatal(err)
	}
	at := t0.Add(time.Duration(round) * time.Second)
	var writes []store.StatusWrite
	for _, id := range ids {
		p := prev[id]
		to := sharpeyes.StateDown
		if p.State == sharpeyes.StateDown {
			to = sharpeyes.StateUp
		}
		if p.State == "" {
			p = sharpeyes.Unknown()
		}
		writes = append(writes, store.StatusWrite{ID: id, Prev: p,
			Next:  sharpeyes.Status{State: to, Since: at, LastProbe: at},
			Event: &sharpeyes.Event{CameraID: id, From: p.State, To: to, At: at}})
	}
	if _, _, err := e.store.ApplyStatuses(ctx, writes); err != nil {
		b.Fatal(err)
	}
}

const benchOutages = 1_000_000

// benchOutageHistory backfills perCamera closed outages for each camera
// over the 30 days before t0: each in its own slot, 1 minute to 6 hours.
func benchOutageHistory(b *testing.B, e *env, cams []sharpeyes.Camera, total int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	perCamera := total / len(cams)
	slot := 30 * 24 * time.Hour / time.Duration(perCamera)
	batch := make([]sharpeyes.Outage, 0, 100_000)
	for _, c := range cams {
		for k := range perCamera {
			start := t0.Add(-30*24*time.Hour + time.Duration(k)*slot + time.Duration(rng.Int64N(int64(slot/2))))
			batch = append(batch, closed(c.ID, start, start.Add(time.Minute+time.Duration(rng.Int64N(int64(6*time.Hour))))))
		}
		if len(batch) >= 100_000 {
			e.recordOutages(b, batch...)
			batch = batch[:0]
		}
	}
	e.recordOutages(b, batch...)
}

func BenchmarkAvailability30d1M(b *testing.B) {
	e := newEnv(b)
	cams := benchFleet(b, e, benchCameras)
	benchOutageHistory(b, e, cams, benchOutages)
	ctx := context.Background()
	q := Query{GroupBy: ByMaintainer, Window: 30 * 24 * time.Hour}
	run := func() time.Duration {
		start := time.Now()
		rep, err := e.rep.Availability(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Total.Outages < benchOutages*9/10 {
			b.Fatalf("only %d outages counted", rep.Total.Outages)
		}
		return time.Since(start)
	}
	start := time.Now()
	if _, err := e.store.Snapshot(ctx); err != nil {
		b.Fatal(err)
	}
	snapshot := time.Since(start)
	start = time.Now()
	if err := e.rep.outages.refresh(ctx); err != nil {
		b.Fatal(err)
	}
	history := time.Since(start)
	e.rep = New(Options{Store: e.store, Now: e.clock.Now}) // cold again, snapshot aside
	cold := run()
	var warm []time.Duration
	deadline := time.Now().Add(60 * time.Second)
	for b.Loop() {
		if len(warm) >= 50 || time.Now().After(deadline) {
			continue
		}
		warm = append(warm, run())
	}
	slices.Sort(warm)
	b.ReportMetric(ms(snapshot), "snapshot-load-ms")
	b.ReportMetric(ms(history), "outage-history-load-ms")
	b.ReportMetric(ms(cold), "cold-ms")
	b.ReportMetric(ms(warm[len(warm)/2]), "warm-p50-ms")
	b.ReportMetric(ms(warm[len(warm)-1]), "warm-max-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
