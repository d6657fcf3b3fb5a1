package alert_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// hitCounter is a loopback listener that counts the requests it gets: the
// address a hostile receiver or DNS answer would steer deliveries to.
type hitCounter struct {
	*httptest.Server
	hits atomic.Int32
}

func newHitCounter(t *testing.T) *hitCounter {
	t.Helper()
	c := &hitCounter{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.hits.Add(1) }))
	t.Cleanup(c.Close)
	return c
}

func notifyVia(t *testing.T, client *http.Client, url string) (bool, error) {
	t.Helper()
	n, err := alert.NewNotifier(&alert.Webhook{ID: "w", URL: url, Format: alert.FormatJSON}, client, renderEnv(""), 5*time.Second, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return n.Notify(context.Background(), fixtures()[alert.CameraDown])
}

func TestDeliveriesDialNoLoopbackAddressByDefault(t *testing.T) {
	target := newHitCounter(t)
	retry, err := notifyVia(t, alert.NewClient(nil, nil), target.URL)
	if !errors.Is(err, sharpeyes.ErrTargetRefused) || retry {
		t.Fatalf("got retry %v, err %v; want a refusal that is not retried", retry, err)
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("the loopback listener got %d requests, want 0", n)
	}
	if _, err := notifyVia(t, alert.NewClient(loopback, nil), target.URL); err != nil || target.hits.Load() != 1 {
		t.Fatalf("with 127.0.0.0/8 allowed: err %v, %d hits; want delivered once", err, target.hits.Load())
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	target := newHitCounter(t) // stands for Redis on 127.0.0.1:6379
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/?access_token=TOKredirect", code)
		}))
		retry, err := notifyVia(t, alert.NewClient(loopback, nil), redirecting.URL)
		redirecting.Close()
		if err == nil || retry || !strings.Contains(err.Error(), "redirect") || strings.Contains(err.Error(), "TOKredirect") {
			t.Fatalf("%d: got retry %v, err %v; want a failure naming the redirect (token hidden), not retried", code, retry, err)
		}
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("the redirect target got %d requests, want 0", n)
	}
}

func TestDispatcherDeadLettersARedirectedDelivery(t *testing.T) {
	h := newHarness(t)
	target := newHitCounter(t)
	redirecting := newReceiver(t)
	redirecting.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
		return true
	})
	ids := h.cameras("跳转", 1, "SW-1", "荷塘区", "")
	d := h.dispatcher(h.options(jsonHook("redirecting", redirecting.URL)))
	c := newAPI(t, h, d)
	h.run(d)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now().UTC(), ids...)
	var items []any
	waitFor(t, "a dead letter", func() bool {
		_, raw := c.do("GET", "/api/v1/webhooks/redirecting/deadletters", "admintok", "")
		items, _ = decodeJSON(t, raw)["items"].([]any)
		return len(items) == 1
	})
	dl := items[0].(map[string]any)
	if msg, _ := dl["last_error"].(string); !strings.Contains(msg, "307") || !strings.Contains(msg, "not followed") {
		t.Errorf("dead letter %v, want last_error naming the 307 redirect", dl)
	}
	if n, a := target.hits.Load(), redirecting.attemptCount(); n != 0 || a != 1 {
		t.Errorf("redirect target got %d requests, receiver %d attempts; want 0 and 1 (no retry)", n, a)
	}
}

// TestANameThatRebindsToLoopbackIsRefusedAtDelivery is DNS rebinding: the name passes
// the check when the webhook is created (it is no address of the rules),
// and resolves to loopback when a delivery dials it.
func TestANameThatRebindsToLoopbackIsRefusedAtDelivery(t *testing.T) {
	target := newHitCounter(t)
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())
	url := "http://relay.rebind.example:" + port + "/hook"
	w := alert.Webhook{Name: "rebind", URL: url}
	if err := w.Normalize(time.Hour, nil); err != nil {
		t.Fatalf("creation refused the name: %v", err)
	}
	var lookups atomic.Int32
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		if host != "relay.rebind.example" {
			return nil, errors.New("unexpected lookup of " + host)
		}
		lookups.Add(1)
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	retry, err := notifyVia(t, alert.NewClient(nil, lookup), url)
	if !errors.Is(err, sharpeyes.ErrTargetRefused) || retry || lookups.Load() == 0 {
		t.Fatalf("got retry %v, err %v after %d lookups; want the resolved loopback address refused", retry, err, lookups.Load())
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("the loopback listener got %d requests, want 0", n)
	}
	// The same hook with loopback allowed proves the lookup is the one used.
	if _, err := notifyVia(t, alert.NewClient(loopback, lookup), url); err != nil || target.hits.Load() != 1 {
		t.Fatalf("with loopback allowed: err %v, %d hits; want delivered", err, target.hits.Load())
	}
}

func TestStoredWebhookToAMetadataNameIsRefusedAtDelivery(t *testing.T) {
	// A webhook stored before the rules existed is checked again when it
	// is delivered: the name is refused before anything is resolved.
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		t.Errorf("resolved %s; want it refused by name", host)
		return nil, errors.New("no")
	}
	retry, err := notifyVia(t, alert.NewClient(loopback, lookup), "http://metadata.google.internal/computeMetadata/v1/")
	if !errors.Is(err, sharpeyes.ErrTargetRefused) || retry {
		t.Fatalf("got retry %v, err %v; want refused, not retried", retry, err)
	}
}
