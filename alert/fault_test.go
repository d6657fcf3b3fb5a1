package alert_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/store"
)

// advanceUntil moves clk on by step every few milliseconds until cond
// holds, failing after 20s of real time.
func advanceUntil(t *testing.T, clk *clock, step time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (fake time %v)", what, clk.Now())
		}
		clk.Advance(step)
		time.Sleep(2 * time.Millisecond)
	}
}

// hangUp drops the connection without an answer, as a receiver that is
// down or restarting does.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	w.WriteHeader(http.StatusServiceUnavailable)
}

// cameraOf returns the id of the first camera of a json delivery.
func cameraOf(t *testing.T, r received) string {
	t.Helper()
	cams, _ := body(t, r)["cameras"].([]any)
	if len(cams) == 0 {
		return ""
	}
	id, _ := cams[0].(map[string]any)["id"].(string)
	return id
}

func TestReceiverDownForTenMinutesLosesNothingAndKeepsOrder(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	start := time.Now().UTC()
	clk := newClock(start)
	back := start.Add(10 * time.Minute)
	rc.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		if clk.Now().Before(back) {
			if n%2 == 0 {
				hangUp(w)
			} else {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			return true
		}
		return false
	})
	var ids []string
	for _, up := range []string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8"} {
		ids = append(ids, h.cameras("东站", 1, up, "芦淞区/建设街道", "")...)
	}
	o := h.options(jsonHook("ops", rc.URL))
	o.Now, o.GroupWindow, o.RetryBase, o.RetryMax, o.MaxAge = clk.Now, 30*time.Second, 5*time.Second, 2*time.Minute, 24*time.Hour
	h.run(h.dispatcher(o))

	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, start, ids...)
	advanceUntil(t, clk, 5*time.Second, "8 downs queued", func() bool {
		n, _ := h.store.OutboxLen(context.Background(), "ops")
		return n == 8
	})
	h.setState(sharpeyes.StateUp, "", clk.Now(), ids[:4]...)
	advanceUntil(t, clk, 10*time.Second, "every alert delivered", func() bool { return len(rc.byKey()) == 12 && h.idle("ops") })

	if got := rc.byType(); got[alert.CameraDown] < 8 || got[alert.CameraUp] < 4 {
		t.Fatalf("delivered %v, want every down and up", got)
	}
	if a := rc.attemptCount(); a <= 12 {
		t.Fatalf("%d attempts: the receiver was never down?", a)
	}
	pos := map[string]int{}
	for i, r := range rc.received() {
		key := cameraOf(t, r) + "/" + r.Event
		if _, seen := pos[key]; !seen {
			pos[key] = i
		}
	}
	for _, id := range ids[:4] {
		if pos[id+"/"+alert.CameraDown] > pos[id+"/"+alert.CameraUp] {
			t.Errorf("camera %s: up delivered before down", id)
		}
	}
	if dls, _ := h.store.DeadLetters(context.Background(), "ops", 10); len(dls) != 0 {
		t.Fatalf("dead letters %+v, want none", dls)
	}
}

func TestReceiverAnswering500OrHangingGetsEverythingOnceRecovered(t *testing.T) {
	cases := []struct {
		name string
		fail func(n int, w http.ResponseWriter, r *http.Request) bool
	}{
		{"500 for the first 8 attempts", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n <= 8 {
				w.WriteHeader(http.StatusInternalServerError)
				return true
			}
			return false
		}},
		{"hangs on the first 3 attempts", func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n <= 3 {
				<-r.Context().Done()
				return true
			}
			return false
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			rc := newReceiver(t)
			rc.setFail(c.fail)
			var ids []string
			for _, up := range []string{"A", "B", "C", "D", "E", "F"} {
				ids = append(ids, h.cameras("西站", 1, up, "芦淞区", "")...)
			}
			o := h.options(jsonHook("ops", rc.URL))
			o.AttemptTimeout = 200 * time.Millisecond
			h.run(h.dispatcher(o))
			h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), ids...)
			waitFor(t, "six alerts delivered", func() bool { return len(rc.byKey()) == 6 && h.idle("ops") })
			for key, n := range rc.byKey() {
				if n != 1 {
					t.Errorf("key %s delivered %d times; a taken delivery is not sent again", key, n)
				}
			}
		})
	}
}

func TestKilledDispatcherLeavesItsEventsAndOutboxToTheNext(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	var failing atomic.Bool
	failing.Store(true)
	rc.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		if failing.Load() {
			w.WriteHeader(http.StatusBadGateway)
		}
		return failing.Load()
	})
	grouped := h.cameras("北站", 6, "SW-北站", "石峰区", "")
	var single []string
	for _, up := range []string{"P", "Q", "R", "S"} {
		single = append(single, h.cameras("南站", 1, up, "天元区", "")...)
	}

	// The first process's own client: closing it kills the process as far
	// as Redis can tell, leaving its lease and locks to expire.
	client := h.srv.Client()
	o1 := h.options(jsonHook("ops", rc.URL))
	o1.Store, o1.Instance, o1.LeaseTTL = store.New(client), "first", 500*time.Millisecond
	o1.AttemptTimeout = 500 * time.Millisecond
	// The first process runs on a clock of its own that only the test
	// moves: once the test stops moving it, no group window closes, so the
	// group below stays read and undecided however slowly the test runs.
	clk := newClock(time.Now())
	o1.Now = clk.Now
	stop1 := h.run(h.dispatcher(o1))
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), single...)
	advanceUntil(t, clk, 20*time.Millisecond, "failed attempts with alerts queued", func() bool {
		n, _ := h.store.OutboxLen(context.Background(), "ops")
		return n == 4 && rc.attemptCount() >= 2
	})
	// Another outage the first process reads but dies before deciding.
	o1pending := func() bool {
		g, err := h.srv.Client().XInfoGroups(context.Background(), "se:{st}:events").Result()
		return err == nil && len(g) == 1 && g[0].Pending == 6
	}
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), grouped...)
	waitFor(t, "the group's events read, not yet decided", o1pending)
	client.Close()
	stop1()

	failing.Store(false)
	o2 := h.options(jsonHook("ops", rc.URL))
	o2.Instance = "second"
	h.run(h.dispatcher(o2))
	waitFor(t, "everything delivered by the second process", func() bool {
		return rc.byType()[alert.CameraDown] == 4 && rc.byType()[alert.GroupDown] == 1 && h.idle("ops")
	})
	if n := rc.count(); n != 5 {
		t.Fatalf("%d deliveries taken, want 5 (4 camera.down, 1 group.down)", n)
	}
}

func TestRedisRestartDoesNotStopOrSpinTheDispatcher(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	ids := h.cameras("车站", 2, "", "荷塘区/月塘街道", "")
	// The dispatcher has a client of its own. Its failed dials during the
	// outage trip go-redis's dial circuit breaker, which then answers with
	// the last dial error, without dialing, until a probe once a second
	// gets through: had the test written through the same client, its
	// first writes after the restart could fail for up to a second.
	o := h.options(jsonHook("ops", rc.URL))
	o.Store = store.New(h.srv.Client())
	h.run(h.dispatcher(o))
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), ids[0])
	waitFor(t, "the first alert", func() bool { return rc.count() == 1 })

	h.srv.Stop()
	down := time.Now()
	failures := func() int { return strings.Count(h.logs.String(), "alert consumer failed") }
	waitFor(t, "the consumer to notice the outage twice", func() bool { return failures() >= 2 })
	// Backing off, not spinning: fewer failures than poll intervals.
	if n, elapsed := failures(), time.Since(down); time.Duration(n)*10*time.Millisecond > elapsed {
		t.Fatalf("%d consumer failures in %v of outage: spinning", n, elapsed)
	}
	// A restarted test Redis is empty (production durability needs AOF):
	// the inventory comes back, then new events must flow again.
	h.srv.Restart()
	h.next = 0
	h.cameras("车站", 2, "", "荷塘区/月塘街道", "")
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonRefused, time.Now(), ids[1])
	waitFor(t, "an alert after the restart", func() bool { return rc.count() == 2 })
	if got := cameraOf(t, rc.received()[1]); got != ids[1] {
		t.Fatalf("alert after restart is about %s, want %s", got, ids[1])
	}
}

func TestTwoDispatchersDeliverEachAlertExactlyOnceBetweenThem(t *testing.T) {
	h := newHarness(t)
	rcs := []*receiver{newReceiver(t), newReceiver(t), newReceiver(t)}
	hooks := []alert.Webhook{jsonHook("a", rcs[0].URL), jsonHook("b", rcs[1].URL), jsonHook("c", rcs[2].URL)}
	var ids []string
	for i := range 10 {
		ids = append(ids, h.cameras("中心", 1, "UP"+string(rune('A'+i)), "天元区", "")...)
	}
	for _, inst := range []string{"one", "two"} {
		o := h.options(hooks...)
		o.Instance = inst
		h.run(h.dispatcher(o))
	}
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), ids...)
	waitFor(t, "the downs", func() bool { return rcs[0].count() >= 10 && rcs[1].count() >= 10 && rcs[2].count() >= 10 })
	h.setState(sharpeyes.StateUp, "", time.Now().Add(time.Minute), ids...)
	waitFor(t, "all alerts", func() bool {
		return rcs[0].count() >= 20 && rcs[1].count() >= 20 && rcs[2].count() >= 20 && h.idle("a", "b", "c")
	})
	for i, rc := range rcs {
		if keys := rc.byKey(); len(keys) != 20 || rc.count() != 20 {
			t.Errorf("webhook %d: %d deliveries of %d keys, want 20 of 20", i, rc.count(), len(keys))
		}
	}
}
