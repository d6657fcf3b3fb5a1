package collector_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/internal/testclock"
	"github.com/sharpeyes/sharpeyes/store"
)

// clock is the settable test clock.
type clock = testclock.Clock

var t0 = time.Date(2025, 11, 26, 8, 0, 0, 0, time.UTC)

func newClock(t time.Time) *clock { return testclock.New(t) }

// counter counts probes per host, wrapping another probe.
type counter struct {
	mu    sync.Mutex
	hits  map[string]int
	inner probe.Func
}

func newCounter(inner probe.Func) *counter { return &counter{hits: make(map[string]int), inner: inner} }

func (c *counter) Probe(ctx context.Context, t probe.Target) probe.Result {
	c.mu.Lock()
	c.hits[t.Host]++
	c.mu.Unlock()
	return c.inner(ctx, t)
}

// snapshot returns the counts and resets them.
func (c *counter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.hits
	c.hits = make(map[string]int)
	return out
}

// logWatch is a slog handler that keeps every message and signals the
// first one containing a given text.
type logWatch struct {
	mu    sync.Mutex
	msgs  []string
	wants map[string]chan struct{}
}

func newLogWatch() *logWatch { return &logWatch{wants: make(map[string]chan struct{})} }

// on returns a channel closed when a message containing text is logged.
func (l *logWatch) on(text string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan struct{})
	l.wants[text] = ch
	return ch
}

// count returns how many messages contain text.
func (l *logWatch) count(text string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if strings.Contains(m, text) {
			n++
		}
	}
	return n
}

func (l *logWatch) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, "\n")
}

func (l *logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (l *logWatch) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logWatch) WithGroup(string) slog.Handler            { return l }

func (l *logWatch) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, b.String())
	for text, ch := range l.wants {
		if strings.Contains(r.Message, text) {
			close(ch)
			delete(l.wants, text)
		}
	}
	return nil
}

// rig is one Redis (a server, or a Cluster under SHARPEYES_TEST_REDIS=cluster)
// shared by the collectors of a test.
type rig struct {
	redis *redistest.Target
	// server is the single redis-server of a rig from newServerRig, which
	// tests stop and restart.
	server *redistest.Server
	store  *store.Store
	clock  *clock
	logs   *logWatch
}

func newRig(t testing.TB) *rig {
	t.Helper()
	srv := redistest.StartTarget(t)
	return &rig{redis: srv, store: store.New(srv.Client()), clock: newClock(t0), logs: newLogWatch()}
}

// newServerRig is a rig on one redis-server whatever SHARPEYES_TEST_REDIS
// says, for tests that stop and restart it.
func newServerRig(t testing.TB) *rig {
	t.Helper()
	srv := redistest.Start(t)
	return &rig{redis: srv.Target(), server: srv, store: store.New(srv.Client()), clock: newClock(t0), logs: newLogWatch()}
}

// collector builds a collector with its own Redis client, the rig's clock
// and log, short timeouts, and any changes made by edit.
//
// Leases last 5 s: with 1 s, one expired on a loaded CI machine while its
// holder was starved of CPU between renewals (every 333 ms), and another
// replica took and probed the shard again (a 2-replica, 1-camera sweep
// failed "probed 2 times"). Tests of lease expiry set their own.
func (r *rig) collector(t testing.TB, instance string, edit func(*collector.Options)) *collector.Collector {
	t.Helper()
	o := collector.Options{
		Store: store.New(r.redis.Client()), Logger: slog.New(r.logs).With("test", instance),
		Now: r.clock.Now, Instance: instance, ProbeTimeout: 500 * time.Millisecond,
		LeaseTTL: 5 * time.Second, FlushTimeout: 2 * time.Second, MaxSweep: 2 * time.Minute,
		OnceJoinGrace: -1, // each RunOnce of a test is a sweep of its own
	}
	if edit != nil {
		edit(&o)
	}
	c, err := collector.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// put stores cameras (with their credentials) in the inventory.
func (r *rig) put(t testing.TB, cams []sharpeyes.Camera) {
	t.Helper()
	if _, err := r.store.PutMany(context.Background(), cams); err != nil {
		t.Fatal(err)
	}
}

// statuses reads the status of every camera in cams.
func (r *rig) statuses(t *testing.T, cams []sharpeyes.Camera) map[string]sharpeyes.Status {
	t.Helper()
	ids := make([]string, len(cams))
	for i, c := range cams {
		ids[i] = c.ID
	}
	m, err := r.store.Statuses(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runOnce runs one sweep at the given time and fails the test on an error.
func runOnce(t *testing.T, r *rig, c *collector.Collector, at time.Time) collector.Summary {
	t.Helper()
	r.clock.Set(at)
	sum, err := c.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("sweep at %v: %v\nlog:\n%s", at, err, r.logs.all())
	}
	return sum
}

// fakeCameras returns n active TCP cameras on distinct loopback hosts that
// no probe ever dials (tests give them a scripted probe).
func fakeCameras(n int, region string) []sharpeyes.Camera {
	cams := make([]sharpeyes.Camera, n)
	for i := range cams {
		cams[i] = sharpeyes.Camera{ID: fmt.Sprintf("%s-%04d", strings.ReplaceAll(region, "/", "-"), i),
			Name: "cam", Host: fmt.Sprintf("127.1.%d.%d", i/250, i%250+1), Port: 9, Probe: sharpeyes.ProbeTCP,
			Region: region, Lifecycle: sharpeyes.Active}
	}
	return cams
}

// scripted answers each host with the result its function gives.
func scripted(f func(host string) probe.Result) probe.Func {
	return func(_ context.Context, t probe.Target) probe.Result { return f(t.Host) }
}
