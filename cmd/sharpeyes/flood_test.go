package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// floodAttempts is more connections than this machine's open-file limit
// (20,000) allows one process to hold.
const floodAttempts = 21_000

// flood opens attempts keep-alive connections from one client address,
// each sending one GET /healthz and then staying idle, with at most
// `parallel` connecting at once. It returns the connections the server
// kept open (the caller closes them) and how many it closed at once.
func flood(t *testing.T, from, addr string, attempts, parallel int, within time.Duration) (kept []net.Conn, refused int64) {
	t.Helper()
	var mu sync.Mutex
	var nRefused atomic.Int64
	deadline := time.Now().Add(within)
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	req := "GET /healthz HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"
	for range parallel {
		wg.Go(func() {
			for range jobs {
				c, err := d.Dial("tcp", addr)
				if err != nil {
					nRefused.Add(1)
					continue
				}
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				res, err := func() (*http.Response, error) {
					if _, err := c.Write([]byte(req)); err != nil {
						return nil, err
					}
					return http.ReadResponse(bufio.NewReader(c), nil)
				}()
				if err != nil || res.StatusCode != 200 {
					c.Close()
					nRefused.Add(1)
					continue
				}
				res.Body.Close()
				_ = c.SetDeadline(time.Time{})
				mu.Lock()
				kept = append(kept, c)
				mu.Unlock()
			}
		})
	}
	for i := 0; i < attempts && time.Now().Before(deadline); i++ {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return kept, nRefused.Load()
}

// sweepOf returns the last sweep the server recorded, asked from the
// given client address within a second.
func sweepOf(t *testing.T, from, base string) store.SweepSummary {
	t.Helper()
	c := clientAt(from, time.Second)
	res, err := c.Get(base + "/api/v1/status/summary")
	if err != nil {
		t.Fatalf("summary from %s: %v", from, err)
	}
	defer res.Body.Close()
	var sum struct {
		LastSweep *store.SweepSummary `json:"last_sweep"`
	}
	if err := json.NewDecoder(res.Body).Decode(&sum); err != nil || sum.LastSweep == nil {
		return store.SweepSummary{}
	}
	return *sum.LastSweep
}

func clientAt(ip string, timeout time.Duration) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		DisableKeepAlives: true, // each poll must not leave a connection behind
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}}}
}

// A client that opens more connections than the process may hold files
// cannot starve the collector or the other clients: the API keeps at most
// max_connections_per_client of them, /healthz answers another client
// within a second, and the sweeps during the flood probe every camera
// with the same results as before it, never judged isolated.
func TestConnectionFloodStarvesNeitherTheCollectorNorOtherClients(t *testing.T) {
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/2 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s",
		"SHARPEYES_COLLECTOR_SPREAD=0"}
	base, logs, _ := startServe(t, env, "--demo", "300")
	addr := strings.TrimPrefix(base, "http://")
	// The first sweep can start while --demo is still switching its
	// import in, partition by partition, and probe only part of it: the
	// reference is a sweep that started after one had ended.
	var first, before store.SweepSummary
	await(t, 30*time.Second, "a first sweep", func() bool {
		first = sweepOf(t, "127.0.0.2", base)
		return first.Probed > 0
	})
	await(t, 30*time.Second, "a sweep that started after the first ended", func() bool {
		before = sweepOf(t, "127.0.0.2", base)
		return before.Start.After(first.End)
	})
	kept, refused := flood(t, "127.0.0.1", addr, floodAttempts, 256, 90*time.Second)
	defer func() {
		for _, c := range kept {
			c.Close()
		}
	}()
	if len(kept)+int(refused) < floodAttempts {
		t.Fatalf("flood made only %d attempts in time", len(kept)+int(refused))
	}
	if len(kept) > 64 {
		t.Fatalf("the server kept %d idle connections of one client, want at most 64", len(kept))
	}
	start := time.Now()
	c := clientAt("127.0.0.3", time.Second)
	res, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("/healthz during the flood: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || time.Since(start) > time.Second {
		t.Fatalf("/healthz during the flood: %d after %s", res.StatusCode, time.Since(start))
	}
	floodEnd := time.Now()
	var during store.SweepSummary
	await(t, 30*time.Second, "a sweep that started after the flood", func() bool {
		during = sweepOf(t, "127.0.0.2", base)
		return during.Start.After(floodEnd)
	})
	if during.Isolated || during.Probed != before.Probed || during.Failed != before.Failed ||
		during.ByReason["probe_error"] != 0 {
		t.Fatalf("sweep during the flood: %s; before it: %s", show(during), show(before))
	}
	if strings.Contains(logs.String(), "too many open files") {
		t.Fatalf("the server ran out of files:\n%s", lastLines(logs.String(), 20))
	}
}

func show(s store.SweepSummary) string {
	return fmt.Sprintf("probed %d failed %d isolated %v reasons %v", s.Probed, s.Failed, s.Isolated, s.ByReason)
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
