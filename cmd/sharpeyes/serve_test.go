package main

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// runUntil runs one command in-process and returns its exit code and
// stderr, failing the test when it has not returned within limit (it is
// then cancelled, as SIGINT would).
func runUntil(t *testing.T, limit time.Duration, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- runEnv(ctx, testEnv(io.Discard, logs, env), args) }()
	select {
	case code := <-done:
		return code, logs.String()
	case <-time.After(limit):
		cancel()
		<-done
		t.Fatalf("%s still running %s after start; it had logged:\n%s", args[0], limit, logs.String())
		return -1, ""
	}
}

// A start-up error exits at once, non-zero and naming its cause, even
// with the collector enabled: nothing is left running to wait for.
func TestServeStartupErrorsExitAtOnceNamingTheCause(t *testing.T) {
	rs := redistest.Start(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	badHook := t.TempDir() + "/hook.yml"
	yml := "alerts:\n  webhooks:\n    - name: ops-pager\n      url: https://hooks.example.com/x#frag\n"
	if err := os.WriteFile(badHook, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/1 * * * * *"}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"busy listen address", []string{"serve", "--redis", rs.URL(), "--listen", busy.Addr().String()},
			[]string{"listen", busy.Addr().String()}},
		// One validation for config and API: the webhook is refused with
		// the config, naming its key (before, config passed it and the
		// alert package refused it after the collector had started).
		{"webhook with a bad url", []string{"serve", "--redis", rs.URL(), "--listen", freeAddr(t),
			"--config", badHook}, []string{"alerts.webhooks[0].url", "fragment"}},
		{"redis refusing", []string{"serve", "--redis", "redis://127.0.0.1:1", "--listen", freeAddr(t)},
			[]string{"redis", "127.0.0.1:1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, errs := runUntil(t, 15*time.Second, env, tc.args...)
			if code == exitOK {
				t.Fatalf("exit 0, want non-zero; stderr:\n%s", errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr does not name %q:\n%s", w, errs)
				}
			}
		})
	}
}

// leftovers returns the stacks of goroutines still running code of the
// background parts of serve.
func leftovers() []string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, mark := range []string{"sharpeyes/sharpeyes/alert.", "sharpeyes/sharpeyes/collector.",
			"sharpeyes/sharpeyes/report.", "cmd/sharpeyes.trimHistory", "cmd/sharpeyes.runTrimmer",
			"cmd/sharpeyes.(*extras)", "cmd/sharpeyes.serve.func"} {
			if strings.Contains(g, mark) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// When serve returns, the alert dispatcher, delivery, trimming, report
// warm-up and collector have all ended: none of them outlives the store.
func TestServeShutdownJoinsEveryGoroutineBeforeTheStoreCloses(t *testing.T) {
	rs := redistest.Start(t)
	hooks := t.TempDir() + "/hooks.yml"
	yml := "alerts:\n  webhooks:\n    - name: ops\n      url: https://hooks.example.com/x\n"
	if err := os.WriteFile(hooks, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/1 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=500ms"}
	base, logs, stop := startServe(t, env, "--redis", rs.URL(), "--demo", "20", "--config", hooks)
	await(t, 30*time.Second, "a sweep to be recorded", func() bool {
		var sum struct {
			LastSweep *struct{} `json:"last_sweep"`
		}
		getJSON(t, base+"/api/v1/status/summary", &sum)
		return sum.LastSweep != nil
	})
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d:\n%s", code, logs.String())
	}
	// A goroutine that has just called its WaitGroup's Done may still be
	// on its way out when serve returns; one that outlived serve is still
	// there after a second.
	var left []string
	for deadline := time.Now().Add(time.Second); ; {
		if left = leftovers(); len(left) == 0 || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	if len(left) > 0 {
		t.Fatalf("%d goroutines of serve outlived it:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	// A piece that ends before the store closes gives its lease back; one
	// cut off by the closed client leaves it to expire.
	for _, lease := range []string{"se:{al}:lock:consumer", "se:{co}:lock:trim"} {
		if n := rs.Client().Exists(context.Background(), lease).Val(); n != 0 {
			t.Errorf("lease %s still held after serve returned: its holder outlived the store", lease)
		}
	}
	if strings.Contains(logs.String(), "client is closed") {
		t.Fatalf("something used the store after it closed:\n%s", logs.String())
	}
}
