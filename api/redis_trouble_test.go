package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// A stopped Redis answers 503 redis_unavailable, never a bare 500, with a
// Retry-After of a few seconds (a Sentinel or Cluster failover takes
// that long), and the client is not shown the address it could not reach.
func TestRedisDownAnswers503RedisUnavailable(t *testing.T) {
	a := newAPIOwnRedis(t, nil)
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK)
	a.Redis.Stop()
	calls := []struct {
		name string
		do   func() reply
	}{
		{"list", func() reply { return a.do(t, http.MethodGet, "/api/v1/cameras", viewerToken, nil) }},
		{"one camera", func() reply { return a.do(t, http.MethodGet, "/api/v1/cameras/430202000001", viewerToken, nil) }},
		{"import", func() reply { return a.mustImportFile(t, hetangCSV, "") }},
		{"create", func() reply {
			return a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken,
				map[string]any{"id": "c-new", "name": "new", "host": "127.0.0.1", "probe": "tcp", "port": 554})
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			r := c.do()
			e := r.mustError(t, http.StatusServiceUnavailable, "redis_unavailable", "")
			if got := r.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After %q, want \"5\"", got)
			}
			if strings.Contains(e.Error.Message, a.Redis.Addr) {
				t.Fatalf("message %q shows the Redis address", e.Error.Message)
			}
		})
	}
	if !strings.Contains(a.logs.String(), "connection refused") {
		t.Errorf("the cause is not logged:\n%s", a.logs.String())
	}
}

// A Redis at maxmemory with noeviction refuses writes: imports answer 503
// redis_full and /readyz says "redis full", while reads still work.
func TestFullRedisAnswers503RedisFullAndIsNotReady(t *testing.T) {
	rs := redistest.Start(t, redistest.Args("--maxmemory", "2mb", "--maxmemory-policy", "noeviction"))
	a := serveAPIOn(t, rs)
	a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusOK)
	rs.Fill()
	full := a.mustImportFile(t, hetangCSV, "")
	full.mustError(t, http.StatusServiceUnavailable, "redis_full", "")
	if got := full.Header.Get("Retry-After"); got != "" {
		t.Errorf("a full Redis answers Retry-After %q: it stays full until someone frees memory", got)
	}
	var h struct{ Status, Reason string }
	a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusServiceUnavailable).decode(t, &h)
	if h.Reason != "redis full" {
		t.Fatalf("readyz of a full redis: %+v, want reason \"redis full\"", h)
	}
	a.do(t, http.MethodGet, "/api/v1/cameras", viewerToken, nil).mustStatus(t, http.StatusOK)
}

// A Redis whose policy was switched to evicting keys after start is
// reported not ready, naming the policy.
func TestEvictingRedisIsNotReady(t *testing.T) {
	a := newAPIOwnRedis(t, nil)
	a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusOK)
	if err := a.Redis.Client().ConfigSet(context.Background(), "maxmemory-policy", "allkeys-lru").Err(); err != nil {
		t.Fatal(err)
	}
	var h struct{ Status, Reason string }
	a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusServiceUnavailable).decode(t, &h)
	if h.Reason != "redis may evict keys (maxmemory-policy allkeys-lru)" {
		t.Fatalf("readyz of an evicting redis: %+v", h)
	}
}

// serveAPIOn serves a router over rs with the test tokens.
func serveAPIOn(t *testing.T, rs *redistest.Server) *testAPI {
	t.Helper()
	return serveAPI(t, rs, store.New(rs.Client()), func(*api.Deps) {})
}
