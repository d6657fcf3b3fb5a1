package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
	m.ObserveSweep("default", 12*time.Second, map[string]int{"up": 90, "down": 10})
	m.ObserveProbe("rtsp", "", 20*time.Millisecond)
	m.ObserveProbe("rtsp", "timeout", 2*time.Second)
	m.ObserveProbe("rtsp", "rtsp_401", 30*time.Millisecond)
	m.RedisError()

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
		`sharpeyes_sweep_duration_seconds_count{group="default"} 1`,
		`sharpeyes_sweep_probes{group="default",state="down"} 10`,
		`sharpeyes_probe_duration_seconds_count{kind="rtsp"} 1`,
		`sharpeyes_probe_errors_total{kind="rtsp",reason="timeout"} 1`,
		`sharpeyes_redis_errors_total 1`,
		`sharpeyes_http_request_duration_seconds_count{code="404",method="GET",route="/api/v1/cameras/:id"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestStateCountErrorReachesTheScraper(t *testing.T) {
	m := metrics.New(func(context.Context) ([]metrics.StateCount, error) {
		return nil, errors.New("redis down")
	})
	code, body := scrape(t, m)
	if code != http.StatusInternalServerError || !strings.Contains(body, "redis down") {
		t.Fatalf("scrape with failing counts: %d %q, want 500 naming the error", code, body)
	}
}
