package report

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// mapBenchFleet writes n active cameras spread over a city of about 60 x
// 50 km, 8 maintainers and three owners, and their states: 90% up, 4% degraded, 5% down, 1% never
// probed.
func mapBenchFleet(b *testing.B, e *env, n int) []sharpeyes.Camera {
	b.Helper()
	ctx := context.Background()
	cams := make([]sharpeyes.Camera, n)
	side := 1
	for side*side < n {
		side++
	}
	for i := range cams {
		// a jittered lattice: cameras about 60 km / side apart
		lat := 27.60 + 0.45*float64(i/side)/float64(side) + 0.0003*float64(i*7919%13)
		lon := 112.90 + 0.60*float64(i%side)/float64(side) + 0.0003*float64(i*104729%11)
		c := sharpeyes.Camera{ID: fmt.Sprintf("cam-%06d", i), Name: fmt.Sprintf("点位%d号", i),
			Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP, Lifecycle: sharpeyes.Active, Owner: sharpeyes.Owners[i%3],
			Region:     fmt.Sprintf("区%d/街道%d/网格%02d", i%5, i/5%10, i/50%20),
			Maintainer: fmt.Sprintf("运维单位%d", i%8), Uplink: fmt.Sprintf("SW-%04d", i/100), Lat: &lat, Lon: &lon}
		if err := c.Normalize(); err != nil {
			b.Fatal(err)
		}
		cams[i] = c
	}
	for i := 0; i < n; i += 10_000 {
		if _, err := e.store.PutMany(ctx, cams[i:min(i+10_000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	// in chunks: one pipeline of 200 scripts can outlast the client's read
	// timeout on a loaded machine (go-redis then re-sends it, which is
	// safe but slow)
	for lo := 0; lo < n; lo += 5000 {
		states := make(map[string]sharpeyes.State, 5000)
		for i := lo; i < min(lo+5000, n); i++ {
			switch p := i % 100; {
			case p < 90:
				states[cams[i].ID] = sharpeyes.StateUp
			case p < 94:
				states[cams[i].ID] = sharpeyes.StateDegraded
			case p < 99:
				states[cams[i].ID] = sharpeyes.StateDown
			}
		}
		e.setStates(b, states, t0.Add(-time.Minute))
	}
	return cams
}

// BenchmarkMap measures GET /api/v1/map at 10,000 and 100,000 cameras in
// the same run (the ratio shows how it scales):
//
//	go test -run '^$' -bench 'Map$' -benchtime 1x ./report
//
// Figures per size: the answer's bytes (plain and gzipped); the time to
// build it after a new inventory snapshot and after a sweep changed 500
// states (each the median of 5, over HTTP); and the p50 of a request
// served from the cache, gzipped, and of a revalidation (304).
func BenchmarkMap(b *testing.B) {
	e := newEnv(b)
	for b.Loop() {
		if b.N > 1 {
			continue // one measured run
		}
		var base map[string]float64
		for _, n := range []int{10_000, benchCameras} {
			f := benchMapSize(b, e, n)
			for k, v := range f {
				b.ReportMetric(v, fmt.Sprintf("%dk-%s", n/1000, k))
			}
			if base != nil {
				b.ReportMetric(f["sweep-build-ms"]/base["sweep-build-ms"], "ratio-sweep-build")
				b.ReportMetric(f["gzip-bytes"]/base["gzip-bytes"], "ratio-gzip-bytes")
			}
			base = f
		}
	}
}

func benchMapSize(b *testing.B, e *env, n int) map[string]float64 {
	e = envOn(b, e.rdb)
	cams := mapBenchFleet(b, e, n)
	srv := serveAPI(b, e)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(hdr ...string) (int, int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/map", nil)
		req.Header.Set("Authorization", "Bearer "+viewerToken)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, len(body), resp.Header.Get("ETag")
	}
	timed := func(before func(int), hdr ...string) float64 {
		var d []time.Duration
		for k := range 5 {
			if before != nil {
				before(k)
			}
			start := time.Now()
			if code, _, _ := get(hdr...); code != http.StatusOK && code != http.StatusNotModified {
				b.Fatalf("map: %d", code)
			}
			d = append(d, time.Since(start))
		}
		slices.Sort(d)
		return ms(d[len(d)/2])
	}
	f := map[string]float64{}
	_, plain, _ := get()
	_, gz, tag := get("Accept-Encoding", "gzip")
	f["bytes"], f["gzip-bytes"] = float64(plain), float64(gz)
	f["snapshot-build-ms"] = timed(func(k int) { // a rename writes a new snapshot version
		c := cams[k]
		c.Name = fmt.Sprintf("改名%d", k)
		e.putAt(b, t0, c)
	}, "Accept-Encoding", "gzip")
	f["sweep-build-ms"] = timed(func(k int) { churn(b, e, cams, 500, k) }, "Accept-Encoding", "gzip")
	_, _, tag = get("Accept-Encoding", "gzip")
	var cached, revalid []time.Duration
	deadline := time.Now().Add(20 * time.Second)
	for k := 0; k < 200 && time.Now().Before(deadline); k++ {
		start := time.Now()
		get("Accept-Encoding", "gzip")
		cached = append(cached, time.Since(start))
		start = time.Now()
		if code, _, _ := get("Accept-Encoding", "gzip", "If-None-Match", tag); code != http.StatusNotModified {
			b.Fatalf("revalidation: %d", code)
		}
		revalid = append(revalid, time.Since(start))
	}
	slices.Sort(cached)
	slices.Sort(revalid)
	f["cached-p50-ms"], f["304-p50-ms"] = ms(cached[len(cached)/2]), ms(revalid[len(revalid)/2])
	return f
}
