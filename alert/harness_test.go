package alert_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// harness is one real redis-server, the store over it, and a log buffer
// that tests search for leaked secrets.
type harness struct {
	t     *testing.T
	srv   *redistest.Server
	store *store.Store
	logs  *syncBuffer
	next  int // camera ids are cam-0001, cam-0002, ...
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	srv := redistest.Start(t)
	return &harness{t: t, srv: srv, store: store.New(srv.Client()), logs: &syncBuffer{}}
}

// options returns fast timings for tests; callers override what they need.
func (h *harness) options(hooks ...alert.Webhook) alert.Options {
	return alert.Options{
		Store: h.store, Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PublicURL: "https://se.example.com", Webhooks: hooks,
		GroupWindow: 150 * time.Millisecond, GroupMin: 5, MaxAge: time.Hour,
		PollInterval: 10 * time.Millisecond, LeaseTTL: 2 * time.Second, AttemptTimeout: time.Second,
		RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		AllowNetworks: loopback, // the receivers of these tests listen on 127.0.0.1
	}
}

// loopback is what tests put in allow_networks so that webhooks may reach
// their receivers on 127.0.0.1; the default refuses loopback.
var loopback = mustNetworks("127.0.0.0/8", "::1/128")

func mustNetworks(cidrs ...string) sharpeyes.Networks {
	nets, err := sharpeyes.ParseNetworks(cidrs)
	if err != nil {
		panic(err)
	}
	return nets
}

func (h *harness) dispatcher(o alert.Options) *alert.Dispatcher {
	h.t.Helper()
	d, err := alert.New(o)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// run starts d and returns a stop function that waits for Run to return;
// the test fails if Run returns before it is stopped.
func (h *harness) run(d *alert.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			select {
			case err := <-done:
				h.t.Errorf("Run returned before it was stopped: %v", err)
				return
			default:
			}
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				h.t.Error("Run did not return within 10s of being stopped")
			}
		})
	}
	h.t.Cleanup(stop)
	return stop
}

// cameras stores n active cameras named after prefix, on uplink (if any),
// in region, kept by maintainer.
func (h *harness) cameras(prefix string, n int, uplink, region, maintainer string) []string {
	h.t.Helper()
	ids := make([]string, n)
	cams := make([]sharpeyes.Camera, n)
	for i := range cams {
		h.next++
		ids[i] = fmt.Sprintf("cam-%04d", h.next)
		cams[i] = sharpeyes.Camera{ID: ids[i], Name: fmt.Sprintf("%s路口%d号", prefix, i+1), Host: "127.0.0.1",
			Probe: sharpeyes.ProbeRTSP, Region: region, Uplink: uplink, Maintainer: maintainer, Owner: sharpeyes.OwnerPolice}
		if err := cams[i].Normalize(); err != nil {
			h.t.Fatal(err)
		}
	}
	if _, err := h.store.PutMany(context.Background(), cams); err != nil {
		h.t.Fatal(err)
	}
	return ids
}

// setState records state changes as the collector does, through
// ApplyStatuses, which appends their events to the stream.
func (h *harness) setState(to sharpeyes.State, reason string, at time.Time, ids ...string) {
	h.t.Helper()
	ctx := context.Background()
	prev, err := h.store.Statuses(ctx, ids)
	if err != nil {
		h.t.Fatal(err)
	}
	writes := make([]store.StatusWrite, len(ids))
	for i, id := range ids {
		p := prev[id]
		from := p.State
		if from == "" {
			from = sharpeyes.StateUnknown
		}
		writes[i] = store.StatusWrite{ID: id, Prev: p,
			Next:  sharpeyes.Status{State: to, Reason: reason, Since: at, LastProbe: at},
			Event: &sharpeyes.Event{CameraID: id, From: from, To: to, Reason: reason, At: at}}
	}
	if _, conflicts, err := h.store.ApplyStatuses(ctx, writes); err != nil || len(conflicts) > 0 {
		h.t.Fatalf("apply statuses: %v (conflicts %v)", err, conflicts)
	}
}

// idle reports whether every event was read and acknowledged and every
// queue of the given webhooks is empty.
func (h *harness) idle(webhooks ...string) bool {
	ctx := context.Background()
	rdb := h.srv.Client()
	groups, err := rdb.XInfoGroups(ctx, "se:{st}:events").Result()
	if err != nil || len(groups) != 1 || groups[0].Pending != 0 {
		return false
	}
	last, err := rdb.XRevRangeN(ctx, "se:{st}:events", "+", "-", 1).Result()
	if err != nil || (len(last) == 1 && groups[0].LastDeliveredID != last[0].ID) {
		return false
	}
	for _, w := range webhooks {
		if n, err := h.store.OutboxLen(ctx, w); err != nil || n > 0 {
			return false
		}
	}
	return true
}

// waitFor polls cond until it holds, failing the test after 15s: the
// dispatcher works in the background and offers nothing to wait on.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertNoSecret fails when the logs contain secret.
func (h *harness) assertNoSecret(secret string) {
	h.t.Helper()
	if strings.Contains(h.logs.String(), secret) {
		h.t.Fatalf("logs contain the secret %q", secret)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func jsonHook(id, url string) alert.Webhook {
	return alert.Webhook{ID: id, Name: id, URL: url, Format: alert.FormatJSON}
}
