package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// Trimming the lifecycle history by retention keeps, per camera, the last
// change before the cut (what the camera was when the kept history starts)
// and everything after it, and drops deleted cameras' old changes (their
// deletion, after the cut, stays).
func TestTrimHistoryKeepsEachCamerasLatestLifecycleChangeBeforeTheCut(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	put := func(at time.Time, lc sharpeyes.Lifecycle, ids ...string) {
		t.Helper()
		s.SetClock(func() time.Time { return at })
		var cams []sharpeyes.Camera
		for _, id := range ids {
			c := cam(id, "荷塘区")
			c.Lifecycle = lc
			cams = append(cams, c)
		}
		if _, err := s.PutMany(ctx, cams); err != nil {
			t.Fatal(err)
		}
	}
	put(day(0), sharpeyes.Building, "a", "b", "gone")
	put(day(10), sharpeyes.Active, "a", "b", "gone")
	put(day(20), sharpeyes.Retired, "a")
	put(day(40), sharpeyes.Active, "a")
	if err := s.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := s.TrimHistory(ctx, day(30)); err != nil {
		t.Fatal(err)
	}
	got, err := s.LifecycleChanges(ctx, day(100))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, c := range got {
		have = append(have, fmt.Sprintf("%s:%s>%s@%d", c.CameraID, c.From, c.To, c.At.Sub(t0)/(24*time.Hour)))
	}
	want := []string{"b:building>active@10", "a:active>retired@20", "a:retired>active@40", "gone:active>@40"}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Fatalf("lifecycle changes after trimming before day 30:\n got %v\nwant %v", have, want)
	}
}

// history.events_max bounds the events stream: about that many entries at
// each append, exactly that many (the newest) after TrimHistory.
func TestEventsStayWithinEventsMax(t *testing.T) {
	ctx := context.Background()
	srv := redistest.StartTarget(t)
	s := store.New(srv.Client())
	s.SetEventsMax(20)
	var writes []store.StatusWrite
	for i := range 250 {
		writes = append(writes, change(fmt.Sprintf("c%03d", i), sharpeyes.Unknown(), sharpeyes.StateUp, "", t0))
	}
	mustApply(t, s, writes...)
	if n := srv.Client().XLen(ctx, "se:{st}:events").Val(); n > 20+100 {
		t.Fatalf("%d events after 250 appends, want about 20 (whole stream nodes of 100 over at most)", n)
	}
	if err := s.TrimHistory(ctx, t0.AddDate(-1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 20 || evs[0].CameraID != "c230" || evs[19].CameraID != "c249" {
		t.Fatalf("%d events after trimming, want the newest 20 (c230..c249): %+v", len(evs), evs)
	}
}

// The alert state of a deleted camera (a down waiting for its resolution,
// which can never come) is dropped; other cameras' and groups' stay.
func TestTrimAlertStateDropsCamerasNoLongerInTheInventory(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{cam("a", "x")}); err != nil {
		t.Fatal(err)
	}
	for _, wh := range []string{"ops", "crew"} {
		if err := s.SetAlertState(ctx, wh, map[string]string{"cam:a": "[]", "cam:gone": "[]", "grp:g1": "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.TrimAlertState(ctx)
	if err != nil || n != 2 {
		t.Fatalf("dropped %d (err %v), want the deleted camera's state of both webhooks", n, err)
	}
	for _, wh := range []string{"ops", "crew"} {
		st, err := s.AlertState(ctx, wh, []string{"cam:a", "cam:gone", "grp:g1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := st["cam:gone"]; ok || len(st) != 2 {
			t.Fatalf("alert state of %s after trimming: %v, want cam:a and grp:g1", wh, st)
		}
	}
}

// Dead letters older than the cut are dropped, newer ones kept.
func TestTrimDeadLettersDropsThoseThatDiedBeforeTheCut(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var ds []store.Delivery
	for i := range 3 {
		ds = append(ds, store.Delivery{Key: fmt.Sprintf("k%d", i), Webhook: "ops", Type: "camera.down",
			Payload: json.RawMessage(`{}`), CreatedAt: t0})
	}
	if _, err := s.Enqueue(ctx, ds, t0, time.Hour); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.TryLease(ctx, store.WebhookLockKey("ops"), "me", time.Minute); err != nil || !ok {
		t.Fatalf("take the delivery lock: %v %v", ok, err)
	}
	for i, died := range []time.Time{t0.AddDate(0, 0, -40), t0.AddDate(0, 0, -35), t0} {
		head, err := s.OutboxHead(ctx, "ops")
		if err != nil {
			t.Fatal(err)
		}
		dead := head
		dead.DeadAt, dead.DeadReason = &died, fmt.Sprint("test ", i)
		if err := s.DeadLetterHead(ctx, "ops", "me", head, dead); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.TrimDeadLetters(ctx, t0.AddDate(0, 0, -30))
	if err != nil || n != 2 {
		t.Fatalf("dropped %d dead letters (err %v), want 2", n, err)
	}
	left, err := s.DeadLetters(ctx, "ops", 0)
	if err != nil || len(left) != 1 || left[0].Key != "k2" {
		t.Fatalf("dead letters left: %+v (err %v), want k2", left, err)
	}
}
