package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// Load shape of BenchmarkListFiltered100k.
const (
	benchCameras  = 100_000
	benchClients  = 8
	benchMaxReqs  = 200_000          // requests beyond this are skipped
	benchDeadline = 60 * time.Second // and so are those after this
)

// benchInventory returns n cameras over 5 districts x 10 townships x 20
// grids, owners in turn police, government, social.
func benchInventory(tb testing.TB, n int) []sharpeyes.Camera {
	tb.Helper()
	cams := make([]sharpeyes.Camera, n)
	for i := range cams {
		c := sharpeyes.Camera{
			ID:         fmt.Sprintf("bench-%06d", i),
			Name:       fmt.Sprintf("区%d街道%d网格%d-点位%d", i%5, i/5%10, i/50%20, i),
			Host:       fmt.Sprintf("127.20.%d.%d", i/250%250, i%250+1),
			Probe:      sharpeyes.ProbeRTSP,
			Region:     fmt.Sprintf("区%d/街道%d/网格%d", i%5, i/5%10, i/50%20),
			Owner:      sharpeyes.Owners[i%3],
			Lifecycle:  sharpeyes.Active,
			Maintainer: fmt.Sprintf("运维%d", i%4),
			Uplink:     fmt.Sprintf("SW-%d", i/100),
		}
		if err := c.Normalize(); err != nil {
			tb.Fatalf("camera %d: %v", i, err)
		}
		cams[i] = c
	}
	return cams
}

// BenchmarkListFiltered100k measures GET /api/v1/cameras with a township
// and owner filter over 100,000 cameras, from 8 concurrent clients on
// loopback, and reports the p50 and p99 latency. Target: p99 < 50 ms.
func BenchmarkListFiltered100k(b *testing.B) {
	query := url.Values{"region": {"区2/街道7"}, "owner": {"police"}, "limit": {"100"}}
	loadTest(b, "/api/v1/cameras?"+query.Encode())
}

// BenchmarkListBaseline100k is the floor for BenchmarkListFiltered100k,
// measured the same way against the same server and inventory: GET
// /healthz, which crosses the same HTTP stack, router, auth-free path and
// loopback but reads nothing. The ratio of the two p50s is what listing
// costs beyond a round trip.
func BenchmarkListBaseline100k(b *testing.B) {
	loadTest(b, "/healthz")
}

// loadTest fills a server with 100,000 cameras and requests path from
// benchClients concurrent clients, reporting latency percentiles.
func loadTest(b *testing.B, path string) {
	a := newAPI(b, nil)
	if _, err := a.Store.PutMany(context.Background(), benchInventory(b, benchCameras)); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: benchClients}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	req := func() error {
		r, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
		if err != nil {
			return err
		}
		r.Header.Set("Authorization", "Bearer "+viewerToken)
		resp, err := client.Do(r)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	if err := req(); err != nil { // warms the inventory snapshot
		b.Fatal(err)
	}

	jobs := make(chan struct{}, benchClients)
	lat := make([][]time.Duration, benchClients)
	var sent, failed atomic.Int64
	deadline := time.Now().Add(benchDeadline)
	var wg sync.WaitGroup
	for w := range benchClients {
		wg.Go(func() {
			for range jobs {
				if sent.Add(1) > benchMaxReqs || time.Now().After(deadline) {
					continue
				}
				start := time.Now()
				if err := req(); err != nil {
					failed.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(start))
			}
		})
	}
	cpu0 := cpuTime(b)
	for b.Loop() {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	all := slices.Concat(lat...)
	reportLatencies(b, all, failed.Load())
	// CPU per request (this process: router, store, client) says what
	// latency would be on an idle machine; wall-clock percentiles also
	// count time waiting for the CPU behind other processes.
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Millisecond)/float64(max(len(all), 1)), "cpu-ms/req")
}

// cpuTime returns the user+system CPU time this process has used.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportLatencies(b *testing.B, all []time.Duration, failed int64) {
	b.Helper()
	if failed > 0 {
		b.Errorf("%d requests failed", failed)
	}
	if len(all) == 0 {
		b.Fatal("no request completed")
	}
	slices.Sort(all)
	ms := func(q float64) float64 {
		return float64(all[min(int(q*float64(len(all))), len(all)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(len(all)), "requests")
}
