package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) (int, string) {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func TestMetricsExposeWhatWasObserved(t *testing.T) {
	m := metrics.New(func(context.Context) ([]metrics.StateCount, error) {
		return []metrics.StateCount{{State: "down", Lifecycle: "active", Region: "荷塘区", Count: 7}}, nil
	})
	end := time.Unix(1700000012, 500e6)
	m.ObserveSweep(metrics.Sweep{Group: "default", Start: end.Add(-12 * time.Second), End: end,
		ByState: map[string]int{"up": 90, "down": 10}, Dropped: 3, Isolated: true})
	m.SweepInterval("default", 5*time.Minute)
	m.BuildInfo("1.2.3")
	m.ObserveProbe("rtsp", "", 20*time.Millisecond)
	m.ObserveProbe("rtsp", "timeout", 2*time.Second)
	m.ObserveProbe("rtsp", "rtsp_401", 30*time.Millisecond)
	m.RedisError()
	m.InventoryLoads(func() int64 { return 64 })

	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(m.Gin())
	r.GET("/api/v1/cameras/:id", func(c *gin.Context) { c.Status(404) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/cameras/abc", nil))

	code, body := scrape(t, m)
	if code != 200 {
		t.Fatalf("scrape: %d", code)
	}
	for _, want := range []string{
		`sharpeyes_cameras{lifecycle="active",region="荷塘区",state="down"} 7`,
		`sharpeyes_inventory_partition_loads_total 64`,
		`sharpeyes_sweep_duration_seconds_count{group="default"} 1`,
		`sharpeyes_sweep_probes{group="default",state="down"} 10`,
		`sharpeyes_probe_duration_seconds_count{kind="rtsp"} 1`,
		`sharpeyes_probe_errors_total{kind="rtsp",reason="timeout"} 1`,
		`sharpeyes_redis_errors_total 1`,
		`sharpeyes_last_sweep_timestamp_seconds{group="default"} 1.7000000125e+09`,
		`sharpeyes_last_sweep_success{group="default"} 0`,
		`sharpeyes_collector_isolated{group="default"} 1`,
		`sharpeyes_sweep_interval_seconds{group="default"} 300`,
		`sharpeyes_build_info{goversion="` + runtime.Version() + `",revision="unknown",version="1.2.3"} 1`,
		`sharpeyes_http_request_duration_seconds_count{code="404",method="GET",route="/api/v1/cameras/:id"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestScrapeAnswersWithRedisUpWhetherRedisAnswers(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:6390: connect: connection refused")
	tests := []struct {
		name      string
		ping      error
		counts    error
		wantLines []string
		wantNot   []string
	}{
		{"redis up", nil, nil,
			[]string{"sharpeyes_redis_up 1", `sharpeyes_cameras{lifecycle="active",region="荷塘区",state="up"} 3`}, nil},
		{"redis down", down, down,
			[]string{"sharpeyes_redis_up 0", "sharpeyes_redis_errors_total 0"}, []string{"sharpeyes_cameras{"}},
		{"ping answers, counts fail", nil, down,
			[]string{"sharpeyes_redis_up 1"}, []string{"sharpeyes_cameras{"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.New(func(context.Context) ([]metrics.StateCount, error) {
				if tt.counts != nil {
					return nil, tt.counts
				}
				return []metrics.StateCount{{State: "up", Lifecycle: "active", Region: "荷塘区", Count: 3}}, nil
			})
			m.WatchRedis(func(context.Context) error { return tt.ping })
			code, body := scrape(t, m)
			if code != http.StatusOK {
				t.Fatalf("scrape: %d %q, want 200", code, body)
			}
			for _, want := range tt.wantLines {
				if !strings.Contains(body, want+"\n") {
					t.Errorf("metrics lack %s", want)
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(body, not) {
					t.Errorf("metrics have %s", not)
				}
			}
		})
	}
}
