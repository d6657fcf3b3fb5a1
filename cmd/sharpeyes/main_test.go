package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

const sampleDir = "../../testdata/inventory/"

// lockedBuffer collects a command's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runCmd runs one command in-process with a clean environment plus env
// (with a runtime directory of the test's own unless env sets one).
func runCmd(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env = withRuntimeDir(t, env)
	var out, errb lockedBuffer
	code = runEnv(context.Background(), testEnv(&out, &errb, env), args)
	return code, out.String(), errb.String()
}

// withRuntimeDir adds SHARPEYES_RUNTIME_DIR, a directory of the test's
// own, unless env sets it, so that no test finds another's serve.
func withRuntimeDir(t *testing.T, env []string) []string {
	t.Helper()
	for _, kv := range env {
		if strings.HasPrefix(kv, "SHARPEYES_RUNTIME_DIR=") {
			return env
		}
	}
	return append(slices.Clone(env), "SHARPEYES_RUNTIME_DIR="+t.TempDir())
}

func testEnv(out, errb io.Writer, env []string) env {
	return envOf(strings.NewReader(""), out, errb, env)
}

func envOf(in io.Reader, out, errb io.Writer, environ []string) env {
	return env{stdin: in, stdout: out, stderr: errb, environ: environ}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// await polls cond every 50 ms until it holds or the deadline passes.
func await(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		<-tick.C
	}
}

func TestUsageAndVersion(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, exitOK, "sharpeyes dev"},
		{nil, exitUsage, "usage: sharpeyes"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, exitUsage, "flag provided but not defined"},
		{[]string{"import"}, exitUsage, "usage: sharpeyes import FILE"},
		{[]string{"probe", "ftp://x"}, exitUsage, "ftp"},
		{[]string{"report", "weather"}, exitUsage, "usage"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d (want %d), output %q lacks %q", code, tc.code, out+errs, tc.want)
			}
		})
	}
}

func TestInvalidConfigStopsStartupNamingTheKey(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/bad.yml"
	if err := os.WriteFile(path, []byte("collector:\n  failure_threshold: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, nil, "serve", "--config", path)
	if code != exitUsage || !strings.Contains(errs, "collector.failure_threshold") {
		t.Fatalf("exit %d, stderr %q: want 2 naming collector.failure_threshold", code, errs)
	}
	code, _, errs = runCmd(t, []string{"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=fast"}, "serve")
	if code != exitUsage || !strings.Contains(errs, "SHARPEYES_COLLECTOR_PROBE_TIMEOUT") {
		t.Fatalf("exit %d, stderr %q: want 2 naming the variable", code, errs)
	}
}

func TestImportReportsBadRowsAndWritesNothing(t *testing.T) {
	rs := redistest.Start(t)
	code, out, errs := runCmd(t, nil, "import", sampleDir+"bad-rows.csv", "--redis", rs.URL())
	if code != exitUsage {
		t.Fatalf("exit %d, want 2; stderr %s", code, errs)
	}
	for line := 3; line <= 11; line++ {
		if !strings.Contains(errs, fmt.Sprintf("bad-rows.csv:%d:", line)) {
			t.Errorf("stderr does not report line %d:\n%s", line, errs)
		}
	}
	n := int64(0)
	for _, k := range store.AllPartitionKeys("cam") {
		n += rs.Client().HLen(context.Background(), k).Val()
	}
	if n != 0 {
		t.Fatalf("%d cameras written, want none; stdout %s", n, out)
	}
	code, out, _ = runCmd(t, nil, "import", sampleDir+"bad-rows.csv", "--redis", rs.URL(), "--skip-invalid")
	if code != exitOK || !strings.Contains(out, "1 created") {
		t.Fatalf("--skip-invalid: exit %d, stdout %q: want 1 created", code, out)
	}
}

func TestImportThenExportRoundTrips(t *testing.T) {
	rs := redistest.Start(t)
	code, out, errs := runCmd(t, nil, "import", sampleDir+"hetang-cameras-zh-gbk.csv", "--redis", rs.URL())
	if code != exitOK || !strings.Contains(out, "5100 created") {
		t.Fatalf("import: exit %d, %q %q", code, out, errs)
	}
	code, out, errs = runCmd(t, nil, "export", "--redis", rs.URL(), "--format", "csv")
	if code != exitOK || !strings.HasPrefix(out, "\uFEFFid,name,host") || strings.Count(out, "\n") != 5101 {
		t.Fatalf("export: exit %d, %d lines, stderr %q", code, strings.Count(out, "\n"), errs)
	}
}

func TestImportNeedsARedis(t *testing.T) {
	code, _, errs := runCmd(t, nil, "import", sampleDir+"hetang-cameras.csv")
	if code != exitUsage || !strings.Contains(errs, "no Redis configured") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

// runServe starts `sharpeyes serve` in-process and returns its base URL
// once /readyz answers, and a stop func that returns its exit code.
func startServe(t *testing.T, env []string, args ...string) (base string, logs *lockedBuffer, stop func() int) {
	t.Helper()
	addr := freeAddr(t)
	env = withRuntimeDir(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	logs = &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- runEnv(ctx, testEnv(io.Discard, logs, env), append([]string{"serve", "--listen", addr}, args...))
	}()
	base = "http://" + addr
	await(t, 20*time.Second, "/readyz to answer 200", func() bool {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, logs.String())
		default:
		}
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop within 20s of SIGTERM")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatalf("decode %s: %v", url, err)
		}
	}
	return res.StatusCode
}

// With no Redis configured, serve runs on the embedded server: ready,
// imports and lists work, and it says data lives in memory only.
func TestServeWithEmbeddedRedis(t *testing.T) {
	base, logs, stop := startServe(t, nil, "--no-collector")
	if !strings.Contains(logs.String(), "embedded in-memory server") {
		t.Errorf("no warning that data lives in memory only:\n%s", logs.String())
	}
	f, err := os.Open(sampleDir + "hetang-cameras-zh-utf8bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := http.Post(base+"/api/v1/cameras/import", "text/csv", f)
	if err != nil {
		t.Fatal(err)
	}
	var imp struct{ Created int }
	if err := json.NewDecoder(res.Body).Decode(&imp); err != nil || res.StatusCode != 200 || imp.Created != 5100 {
		t.Fatalf("import: %d, %+v, %v", res.StatusCode, imp, err)
	}
	res.Body.Close()
	var list struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	if code := getJSON(t, base+"/api/v1/cameras?owner=police&limit=1000", &list); code != 200 {
		t.Fatalf("list: %d", code)
	}
	if len(list.Items) != 600 || list.NextCursor != "" {
		t.Fatalf("police cameras: got %d (cursor %q), want the district's 600", len(list.Items), list.NextCursor)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d after SIGTERM", code)
	}
}

// The demo fleet is registered, swept by the collector, and shows up in
// the summary and reports.
func TestServeDemoIsSweptAndReported(t *testing.T) {
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/2 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s",
		"SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=1"}
	base, logs, stop := startServe(t, env, "--demo", "300")
	var sum struct {
		Counts struct{ Up, Down, Degraded int } `json:"counts"`
		Up     int                              `json:"up"`
		Down   int                              `json:"down"`
	}
	await(t, 60*time.Second, "a sweep to find cameras up and down", func() bool {
		getJSON(t, base+"/api/v1/status/summary", &sum)
		up, down := max(sum.Up, sum.Counts.Up), max(sum.Down, sum.Counts.Down)
		return up > 200 && down > 0
	})
	var cov struct {
		Groups []struct {
			Key   string
			Total int
		}
	}
	if code := getJSON(t, base+"/api/v1/reports/coverage?group_by=region&level=2", &cov); code != 200 || len(cov.Groups) == 0 {
		t.Fatalf("coverage: %d with %d groups", code, len(cov.Groups))
	}
	await(t, 30*time.Second, "the sweep histogram in /metrics", func() bool {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return strings.Contains(string(body), "sharpeyes_sweep_duration_seconds_count")
	})
	if strings.Contains(logs.String(), "Demo#2024") {
		t.Errorf("the demo fleet's password appears in the log")
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
}
