package alert_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/internal/testclock"
)

// clock is the settable test clock.
type clock = testclock.Clock

func newClock(t time.Time) *clock { return testclock.New(t) }

// receiver is a webhook endpoint on loopback that records what it took
// (answered 2xx) and how many attempts it saw. fail, when set, may answer
// an attempt with a failure instead and report that it did.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	attempts int
	fail     func(n int, w http.ResponseWriter, r *http.Request) bool
}

type received struct {
	Key, Event string
	Header     http.Header
	Query      string
	Body       []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.attempts++
	n, fail := rc.attempts, rc.fail
	rc.mu.Unlock()
	if fail != nil && fail(n, w, r) {
		return
	}
	rc.mu.Lock()
	rc.got = append(rc.got, received{Key: r.Header.Get(alert.HeaderIdempotencyKey), Event: r.Header.Get(alert.HeaderEvent),
		Header: r.Header.Clone(), Query: r.URL.RawQuery, Body: body})
	rc.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func (rc *receiver) setFail(f func(n int, w http.ResponseWriter, r *http.Request) bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.fail = f
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// byType counts what was taken per event type.
func (rc *receiver) byType() map[string]int {
	out := make(map[string]int)
	for _, g := range rc.received() {
		out[g.Event]++
	}
	return out
}

// byKey counts what was taken per idempotency key.
func (rc *receiver) byKey() map[string]int {
	out := make(map[string]int)
	for _, g := range rc.received() {
		out[g.Key]++
	}
	return out
}

func (rc *receiver) count() int { return len(rc.received()) }

func (rc *receiver) attemptCount() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.attempts
}
