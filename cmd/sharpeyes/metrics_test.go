package main

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// startFleet runs a simulated fleet on loopback, registers it in rs and
// returns its cameras.
func startFleet(t *testing.T, rs *redistest.Server, cfg fleet.Config) []sharpeyes.Camera {
	t.Helper()
	fl, err := fleet.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fl.Close() })
	if _, err := store.New(rs.Client()).PutMany(context.Background(), fl.Cameras()); err != nil {
		t.Fatal(err)
	}
	return fl.Cameras()
}

// scrapeMetrics GETs url (a /metrics) and returns the body.
func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("scrape %s: %d %v", url, res.StatusCode, err)
	}
	return string(b)
}

// sampleSum adds the samples of metric name whose labels include every
// `k="v"` of labels; found is false when there is none.
func sampleSum(body, name string, labels ...string) (sum float64, found bool) {
	for line := range strings.SplitSeq(body, "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(rest, l)
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(rest[strings.LastIndexByte(rest, ' ')+1:], 64)
		if err == nil {
			sum, found = sum+v, true
		}
	}
	return sum, found
}

// /metrics of serve, scraped for real, says what happened: HTTP requests
// are timed, failed probes are counted but not timed, building cameras are
// told from active ones, and the replies a healthy Redis gives at start
// (NOSCRIPT, NOGROUP) are no Redis errors.
func TestServeMetricsTellTheTruth(t *testing.T) {
	rs := redistest.Start(t)
	cams := startFleet(t, rs, fleet.Config{Cameras: 16, Seed: 3, Mix: map[fleet.Behavior]float64{fleet.RTSP401: 1},
		Lifecycles: map[sharpeyes.Lifecycle]float64{sharpeyes.Building: 0.25}})
	lifecycles := map[sharpeyes.Lifecycle]int{}
	for _, c := range cams {
		lifecycles[c.Lifecycle]++
	}
	if lifecycles[sharpeyes.Building] == 0 || lifecycles[sharpeyes.Active] == 0 {
		t.Fatalf("fleet lifecycles %v: want active and building cameras", lifecycles)
	}
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/1 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s"}
	base, _, _ := startServe(t, env, "--redis", rs.URL())
	await(t, 30*time.Second, "two sweeps in /metrics", func() bool {
		n, _ := sampleSum(scrapeMetrics(t, base+"/metrics"), "sharpeyes_sweep_duration_seconds_count")
		return n >= 2
	})
	if code := getJSON(t, base+"/api/v1/cameras", nil); code != 200 {
		t.Fatalf("list cameras: %d", code)
	}
	// The request is timed once its handler has returned, which may be
	// just after the client read the response.
	var body string
	timed := func(t *testing.T) bool {
		body = scrapeMetrics(t, base+"/metrics")
		n, _ := sampleSum(body, "sharpeyes_http_request_duration_seconds_count",
			`route="/api/v1/cameras"`, `method="GET"`, `code="200"`)
		return n >= 1
	}
	t.Run("http requests are timed by route", func(t *testing.T) {
		await(t, 10*time.Second, "GET /api/v1/cameras to show in sharpeyes_http_request_duration_seconds",
			func() bool { return timed(t) })
	})
	t.Run("failed probes are counted but not timed", func(t *testing.T) {
		if n, _ := sampleSum(body, "sharpeyes_probe_errors_total", `reason="rtsp_401"`); n < float64(len(cams)) {
			t.Fatalf("%v rtsp_401 failures counted, want at least %d", n, len(cams))
		}
		if n, _ := sampleSum(body, "sharpeyes_probe_duration_seconds_count"); n != 0 {
			t.Fatalf("%v failed probes timed as if they had succeeded:\n%s", n, grepLines(body, "sharpeyes_probe"))
		}
	})
	t.Run("building cameras are told from active ones", func(t *testing.T) {
		for _, lc := range []sharpeyes.Lifecycle{sharpeyes.Active, sharpeyes.Building} {
			n, _ := sampleSum(body, "sharpeyes_cameras", `lifecycle="`+string(lc)+`"`)
			if int(n) != lifecycles[lc] {
				t.Errorf("sharpeyes_cameras{lifecycle=%q} sums to %v, want %d:\n%s", lc, n, lifecycles[lc],
					grepLines(body, "sharpeyes_cameras"))
			}
		}
	})
	t.Run("a healthy redis makes no redis errors", func(t *testing.T) {
		if n, found := sampleSum(body, "sharpeyes_redis_errors_total"); !found || n != 0 {
			t.Fatalf("sharpeyes_redis_errors_total = %v (found %v), want 0 on a healthy Redis", n, found)
		}
	})
}

func grepLines(body, prefix string) string {
	var out []string
	for line := range strings.SplitSeq(body, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// `collect` on its schedule serves /metrics on --metrics-listen: its
// sweeps and probes, not the cameras by state (the API replicas export
// those: a collector reads only its own shards' cameras).
func TestCollectServesMetricsOnMetricsListen(t *testing.T) {
	rs := redistest.Start(t)
	startFleet(t, rs, fleet.Config{Cameras: 8, Seed: 1})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/1 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s"}
	go func() {
		done <- runEnv(ctx, testEnv(io.Discard, logs, env), []string{"collect", "--redis", rs.URL(), "--metrics-listen", addr})
	}()
	await(t, 30*time.Second, "a sweep in collect's /metrics", func() bool {
		select {
		case code := <-done:
			t.Fatalf("collect exited with %d:\n%s", code, logs.String())
		default:
		}
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		n, _ := sampleSum(string(b), "sharpeyes_sweep_duration_seconds_count")
		if _, found := sampleSum(string(b), "sharpeyes_cameras"); found {
			t.Fatalf("collect's /metrics has sharpeyes_cameras:\n%s", grepLines(string(b), "sharpeyes_cameras"))
		}
		up, _ := sampleSum(string(b), "sharpeyes_sweep_probes", `state="up"`)
		return n >= 1 && up == 8
	})
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("collect exited %d after SIGTERM:\n%s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("collect did not stop within 20s of SIGTERM")
	}
}
