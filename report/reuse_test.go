package report

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// With Options.Reuse, the same summary or coverage query within the reuse
// period is answered by the result computed first; after it, the first
// query recomputes while the others still get the previous result; a
// query finding no result waits for the computation under way.
func TestReusedReportsAreRecomputedAfterTheReusePeriod(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.rep = New(Options{Store: e.store, Now: e.clock.Now, Interval: time.Minute, Reuse: time.Second})
	e.putAt(t, hours(-48), mustCamera(t, "a", "r", sharpeyes.Active), mustCamera(t, "b", "r", sharpeyes.Active))
	e.setStates(t, map[string]sharpeyes.State{"a": sharpeyes.StateUp, "b": sharpeyes.StateUp}, t0.Add(-10*time.Second))

	// Sixteen queries at once on a cold cache: one computation.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if sum, err := e.rep.Summary(ctx, Query{}); err != nil || sum.Up != 2 {
				t.Errorf("summary: %+v, %v; want 2 up", sum, err)
			}
		})
	}
	wg.Wait()
	if n := e.rep.summaries.computed.Load(); n != 1 {
		t.Fatalf("16 concurrent summaries computed %d times, want once", n)
	}
	first, _ := e.rep.Summary(ctx, Query{})
	cov, err := e.rep.Coverage(ctx, Query{})
	if err != nil || cov.Total.Up != 2 {
		t.Fatalf("coverage: %+v, %v", cov, err)
	}

	e.setState(t, "b", sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0)
	// Within the reuse period: the same results, which say when they were computed.
	if sum, _ := e.rep.Summary(ctx, Query{}); sum != first || sum.Down != 0 || !sum.At.Equal(t0) {
		t.Fatalf("summary within the reuse period: %+v, want the first one (at %v)", sum, t0)
	}
	if c, _ := e.rep.Coverage(ctx, Query{}); c != cov {
		t.Fatalf("coverage within the reuse period was recomputed")
	}
	// A different query is its own.
	if sum, _ := e.rep.Summary(ctx, Query{Filter: sharpeyes.Filter{Region: "r"}}); sum.Down != 1 {
		t.Fatalf("summary of another query: %+v, want b down", sum)
	}

	e.clock.Advance(time.Second)
	if sum, _ := e.rep.Summary(ctx, Query{}); sum.Down != 1 || sum.Up != 1 || !sum.At.Equal(t0.Add(time.Second)) {
		t.Fatalf("summary after the reuse period: %+v, want recomputed: 1 up, 1 down", sum)
	}
	if c, _ := e.rep.Coverage(ctx, Query{}); c.Total.Down != 1 {
		t.Fatalf("coverage after the reuse period: %+v, want b down", c.Total)
	}
}

// A reused entry being recomputed is still handed to the others; a
// failed computation is not kept.
func TestReusedHandsOutThePreviousResultWhileOneRecomputes(t *testing.T) {
	ctx := context.Background()
	now := t0
	c := newReused[int](time.Second, func() time.Time { return now })
	if v, _ := c.get(ctx, Query{}, func(context.Context) (int, error) { return 1, nil }); v != 1 {
		t.Fatalf("first: %d", v)
	}
	now = now.Add(2 * time.Second)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		v, _ := c.get(ctx, Query{}, func(context.Context) (int, error) { close(started); <-release; return 2, nil })
		done <- v
	}()
	<-started
	if v, _ := c.get(ctx, Query{}, func(context.Context) (int, error) { t.Error("a second recomputation"); return 3, nil }); v != 1 {
		t.Fatalf("while recomputing: %d, want the previous 1", v)
	}
	close(release)
	if v := <-done; v != 2 {
		t.Fatalf("the recomputing query got %d, want 2", v)
	}
	if v, _ := c.get(ctx, Query{}, func(context.Context) (int, error) { return 4, nil }); v != 2 {
		t.Fatalf("after the recomputation: %d, want 2", v)
	}
	// Errors are not kept.
	errc := newReused[int](time.Second, func() time.Time { return now })
	if _, err := errc.get(ctx, Query{}, func(context.Context) (int, error) { return 0, context.DeadlineExceeded }); err == nil {
		t.Fatal("no error")
	}
	if v, err := errc.get(ctx, Query{}, func(context.Context) (int, error) { return 5, nil }); v != 5 || err != nil {
		t.Fatalf("after an error: %d, %v; want a fresh 5", v, err)
	}
}

// Over HTTP every request parses its own window (To = now), which the
// summary and coverage do not use: requests within the reuse period
// still share one computation.
func TestReusedAcrossRequestsWhoseWindowsDiffer(t *testing.T) {
	e := newEnv(t)
	e.rep = New(Options{Store: e.store, Now: e.clock.Now, Interval: time.Minute, Reuse: time.Second})
	e.putAt(t, hours(-48), mustCamera(t, "a", "r", sharpeyes.Active))
	srv := serveAPI(t, e)
	for range 3 {
		for _, path := range []string{"/api/v1/status/summary", "/api/v1/reports/coverage?group_by=region&level=2"} {
			if code, _, body := get(t, srv, path, viewerToken); code != 200 {
				t.Fatalf("GET %s: %d %s", path, code, body)
			}
		}
		e.clock.Advance(300 * time.Millisecond)
	}
	if s, c := e.rep.summaries.computed.Load(), e.rep.coverages.computed.Load(); s != 1 || c != 1 {
		t.Fatalf("3 requests each within a second computed the summary %d and the coverage %d times, want once each", s, c)
	}
}

// A computation that panics does not leave the queries waiting on it
// (or coming later) blocked.
func TestReusedComputationThatPanicsReleasesItsWaiters(t *testing.T) {
	ctx := context.Background()
	c := newReused[int](time.Second, func() time.Time { return t0 })
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _ = c.get(ctx, Query{}, func(context.Context) (int, error) { close(started); <-release; panic("boom") })
	}()
	<-started
	waited := make(chan error, 1)
	go func() {
		_, err := c.get(ctx, Query{}, func(context.Context) (int, error) { return 2, nil })
		waited <- err
	}()
	close(release)
	// The waiter either waited on the computation (and gets its error) or
	// came after it (and computes its own): it must not block.
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("a query waiting on a computation that panicked is still blocked after 10 s")
	}
	if v, err := c.get(ctx, Query{}, func(context.Context) (int, error) { return 2, nil }); v != 2 || err != nil {
		t.Fatalf("after the panic: %d, %v; want 2 (computed after it)", v, err)
	}
}
