package alert_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/store"
)

// body decodes a json-format delivery.
func body(t *testing.T, r received) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return m
}

func TestIsolationSendsOneAlertAndNoCameraAlertsUntilProbesSucceed(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	var ids []string
	for _, up := range []string{"SW-A", "SW-B", "SW-C", "SW-D", "SW-E"} {
		ids = append(ids, h.cameras(up, 20, up, "荷塘区/月塘街道", "湖南联通运维")...)
	}
	h.run(h.dispatcher(h.options(jsonHook("ops", rc.URL))))
	ctx := context.Background()
	at := time.Now().UTC()
	for _, inst := range []string{"collector-1", "collector-2"} {
		iso := store.Isolation{Instance: inst, Slot: "default@" + at.Format(time.RFC3339), At: at, Probed: 100, Failed: 90}
		if err := h.store.RecordIsolation(ctx, iso); err != nil {
			t.Fatal(err)
		}
	}
	// A collector that did not withhold its changes: 90% of the fleet down.
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at.Add(time.Second), ids[:90]...)
	waitFor(t, "the isolation alert", func() bool { return rc.count() >= 1 && h.idle("ops") })
	if got := rc.byType(); got[alert.CollectorIsolated] != 1 || len(got) != 1 {
		t.Fatalf("deliveries by type %v, want exactly one collector.isolated", got)
	}
	if m := body(t, rc.received()[0]); m["isolation"].(map[string]any)["failed"] != float64(90) {
		t.Fatalf("isolation alert %v, want failed 90", m["isolation"])
	}

	// A camera answers again: the isolation is over, camera alerts resume.
	h.setState(sharpeyes.StateUp, "", at.Add(time.Minute), ids[0])
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonRefused, at.Add(2*time.Minute), ids[95])
	waitFor(t, "a camera.down after the isolation", func() bool { return rc.byType()[alert.CameraDown] == 1 && h.idle("ops") })
	if got := rc.byType(); got[alert.CameraUp] != 0 || rc.count() != 2 {
		t.Fatalf("deliveries by type %v, want the isolation and one camera.down", got)
	}
}

func TestSilenceSuppressesSendingButTheEventIsRecorded(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	quiet := h.cameras("检修", 1, "SW-检修", "荷塘区/宋家桥街道", "")
	loud := h.cameras("正常", 1, "SW-正常", "荷塘区/明照乡", "")
	ctx := context.Background()
	now := time.Now().UTC()
	sl := sharpeyes.Silence{ID: "s1", Uplink: "SW-检修", Start: now.Add(-time.Minute), End: now.Add(time.Hour), Author: "ops"}
	if err := h.store.CreateSilence(ctx, sl); err != nil {
		t.Fatal(err)
	}
	d := h.dispatcher(h.options(jsonHook("ops", rc.URL)))
	reg := prometheus.NewRegistry()
	reg.MustRegister(d.Collectors()...)
	h.run(d)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, now, quiet[0], loud[0])
	waitFor(t, "the unsilenced camera's alert", func() bool { return rc.count() >= 1 && h.idle("ops") })
	got := rc.received()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1 (the silenced camera sends nothing)", len(got))
	}
	if cams := body(t, got[0])["cameras"].([]any); cams[0].(map[string]any)["id"] != loud[0] {
		t.Fatalf("alert about %v, want %s", cams, loud[0])
	}
	evs, err := h.store.Events(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, ev := range evs {
		recorded = recorded || (ev.CameraID == quiet[0] && ev.To == sharpeyes.StateDown)
	}
	open, err := h.store.OpenOutages(ctx)
	if err != nil || !recorded || len(open) != 2 {
		t.Fatalf("silenced camera: event recorded %v, open outages %d (%v); want recorded and 2 open", recorded, len(open), err)
	}
	if n := counter(t, reg, "sharpeyes_alert_decisions_total", map[string]string{"type": alert.CameraDown, "outcome": "silenced"}); n != 1 {
		t.Fatalf("decisions_total{outcome=silenced} = %v, want 1", n)
	}
}

func TestResolutionIsSentEvenWhenASilenceStartedInBetween(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	ids := h.cameras("松柏", 1, "SW-松柏", "荷塘区/月塘街道", "")
	h.run(h.dispatcher(h.options(jsonHook("ops", rc.URL))))
	at := time.Now().UTC()
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at, ids...)
	waitFor(t, "the camera.down", func() bool { return rc.count() == 1 && h.idle("ops") })
	sl := sharpeyes.Silence{ID: "late", CameraID: ids[0], Start: at, End: at.Add(time.Hour)}
	if err := h.store.CreateSilence(context.Background(), sl); err != nil {
		t.Fatal(err)
	}
	h.setState(sharpeyes.StateUp, "", at.Add(90*time.Second), ids...)
	waitFor(t, "the camera.up", func() bool { return rc.count() == 2 && h.idle("ops") })
	up := body(t, rc.received()[1])
	if up["type"] != alert.CameraUp || up["duration_s"] != float64(90) {
		t.Fatalf("resolution %v, want camera.up with duration_s 90", up)
	}
}

func TestMinDurationHoldsBackABlipButNotAnOutage(t *testing.T) {
	h := newHarness(t)
	patient, eager := newReceiver(t), newReceiver(t)
	blip := h.cameras("闪断", 1, "SW-1", "荷塘区/月塘街道", "")
	long := h.cameras("长断", 1, "SW-2", "荷塘区/月塘街道", "")
	p := jsonHook("patient", patient.URL)
	p.MinDuration = 400 * time.Millisecond
	o := h.options(p, jsonHook("eager", eager.URL))
	o.GroupWindow = 10 * time.Millisecond
	h.run(h.dispatcher(o))
	at := time.Now().UTC()
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at, blip[0], long[0])
	waitFor(t, "the eager webhook's two downs", func() bool { return eager.count() == 2 })
	h.setState(sharpeyes.StateUp, "", time.Now().UTC(), blip[0])
	waitFor(t, "the patient webhook's down", func() bool { return patient.count() >= 1 && h.idle("patient", "eager") })
	got := patient.received()
	if len(got) != 1 {
		t.Fatalf("patient webhook got %d alerts, want 1", len(got))
	}
	if cams := body(t, got[0])["cameras"].([]any); cams[0].(map[string]any)["id"] != long[0] {
		t.Fatalf("patient webhook alerted on %v, want only %s", cams, long[0])
	}
	if eager.byType()[alert.CameraUp] != 1 {
		t.Fatalf("eager webhook got %v, want the blip's camera.up", eager.byType())
	}
}

func TestFiltersRouteByRegionOwnerAndMaintainer(t *testing.T) {
	h := newHarness(t)
	rcA, rcB := newReceiver(t), newReceiver(t)
	a := h.cameras("甲", 1, "SW-甲", "荷塘区/月塘街道", "甲公司")
	b := h.cameras("乙", 1, "SW-乙", "天元区/嵩山街道", "乙公司")
	wa, wb := jsonHook("a", rcA.URL), jsonHook("b", rcB.URL)
	wa.Filter = sharpeyes.Filter{Region: "荷塘区"}
	wb.Filter = sharpeyes.Filter{Maintainer: "乙公司", Owner: sharpeyes.OwnerPolice}
	h.run(h.dispatcher(h.options(wa, wb)))
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now(), a[0], b[0])
	waitFor(t, "both alerts", func() bool { return rcA.count() == 1 && rcB.count() == 1 && h.idle("a", "b") })
	for _, c := range []struct {
		rc   *receiver
		want string
	}{{rcA, a[0]}, {rcB, b[0]}} {
		cams := body(t, c.rc.received()[0])["cameras"].([]any)
		if id := cams[0].(map[string]any)["id"]; id != c.want {
			t.Errorf("webhook got camera %v, want %s", id, c.want)
		}
	}
}
