package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// errorCode sends a request and returns the status and the error code of
// the answer ("" when it has none).
func errorCode(t *testing.T, method, url, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.NewDecoder(res.Body).Decode(&e) // a success has no error member
	return res.StatusCode, e.Error.Code
}

func readyReason(t *testing.T, base string) (int, string) {
	t.Helper()
	var h struct{ Reason string }
	code := getJSON(t, base+"/readyz", &h)
	return code, h.Reason
}

func openSample(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open(sampleDir + "hetang-cameras-zh-utf8bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// With Redis stopped, serve answers 503 redis_unavailable on the API (the
// reports too) and /metrics still answers, with sharpeyes_redis_up 0.
func TestServeWithRedisDownAnswers503AndKeepsMetrics(t *testing.T) {
	rs := redistest.Start(t)
	base, logs, _ := startServe(t, nil, "--redis", rs.URL(), "--no-collector")
	if up, _ := sampleSum(scrapeMetrics(t, base+"/metrics"), "sharpeyes_redis_up"); up != 1 {
		t.Fatalf("sharpeyes_redis_up = %v with redis running, want 1", up)
	}
	rs.Stop()
	calls := []struct{ name, method, path, ctype string }{
		{"list", http.MethodGet, "/api/v1/cameras", ""},
		{"import", http.MethodPost, "/api/v1/cameras/import", "text/csv"},
		{"summary", http.MethodGet, "/api/v1/status/summary", ""},
		{"coverage report", http.MethodGet, "/api/v1/reports/coverage?group_by=owner", ""},
		{"outages report", http.MethodGet, "/api/v1/reports/outages?open=true", ""},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.method == http.MethodPost {
				body = openSample(t)
			}
			if status, code := errorCode(t, c.method, base+c.path, c.ctype, body); status != 503 || code != "redis_unavailable" {
				t.Fatalf("%s %s: %d %q, want 503 redis_unavailable", c.method, c.path, status, code)
			}
		})
	}
	t.Run("metrics", func(t *testing.T) {
		body := scrapeMetrics(t, base+"/metrics")
		if up, found := sampleSum(body, "sharpeyes_redis_up"); !found || up != 0 {
			t.Fatalf("sharpeyes_redis_up = %v (found %v) with redis stopped, want 0", up, found)
		}
		if n, _ := sampleSum(body, "sharpeyes_redis_errors_total"); n == 0 {
			t.Fatalf("no redis errors counted with redis stopped")
		}
	})
	t.Run("readyz", func(t *testing.T) {
		if code, reason := readyReason(t, base); code != 503 || reason != "redis unreachable" {
			t.Fatalf("readyz: %d %q, want 503 \"redis unreachable\"", code, reason)
		}
	})
	if t.Failed() {
		t.Logf("serve logged:\n%s", logs.String())
	}
}

// A full Redis (maxmemory, noeviction): imports answer 503 redis_full and
// serve reports itself not ready.
func TestServeWithRedisFullRefusesImportsAndIsNotReady(t *testing.T) {
	rs := redistest.Start(t, redistest.Args("--maxmemory", "2mb", "--maxmemory-policy", "noeviction"))
	base, _, _ := startServe(t, nil, "--redis", rs.URL(), "--no-collector")
	rs.Fill()
	if status, code := errorCode(t, http.MethodPost, base+"/api/v1/cameras/import", "text/csv", openSample(t)); status != 503 || code != "redis_full" {
		t.Fatalf("import into a full redis: %d %q, want 503 redis_full", status, code)
	}
	if code, reason := readyReason(t, base); code != 503 || reason != "redis full" {
		t.Fatalf("readyz: %d %q, want 503 \"redis full\"", code, reason)
	}
}

// serve and collect refuse a Redis that may evict the inventory, naming
// the policy and the fix.
func TestServeAndCollectRefuseARedisThatMayEvictKeys(t *testing.T) {
	rs := redistest.Start(t, redistest.Args("--maxmemory-policy", "allkeys-lru"))
	cases := map[string][]string{
		"serve":   {"serve", "--redis", rs.URL(), "--listen", freeAddr(t)},
		"collect": {"collect", "--once", "--redis", rs.URL()},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, errs := runUntil(t, 15*time.Second, nil, args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, errs)
			}
			for _, w := range []string{"allkeys-lru", "CONFIG SET maxmemory-policy noeviction"} {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr does not name %q:\n%s", w, errs)
				}
			}
		})
	}
}
