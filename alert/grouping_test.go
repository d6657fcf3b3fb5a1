package alert_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

func TestFortyCamerasOfOneUplinkSendOneGroupDownThenOneGroupUp(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	ids := h.cameras("月塘", 40, "SW-月塘-001", "荷塘区/月塘街道/网格1", "湖南联通运维")
	h.run(h.dispatcher(h.options(jsonHook("ops", rc.URL))))

	at := time.Now().UTC()
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at, ids...)
	waitFor(t, "the group.down and an idle dispatcher", func() bool { return rc.count() >= 1 && h.idle("ops") })
	if got := rc.byType(); got[alert.GroupDown] != 1 || len(got) != 1 {
		t.Fatalf("deliveries by type %v, want exactly one group.down", got)
	}
	m := body(t, rc.received()[0])
	group, _ := m["group"].(map[string]any)
	if cams, _ := m["cameras"].([]any); len(cams) != 40 || group["name"] != "SW-月塘-001" || group["by"] != "uplink" {
		t.Fatalf("group.down names %v cameras and group %v; want 40 on uplink SW-月塘-001", len(cams), group)
	}

	h.setState(sharpeyes.StateUp, "", at.Add(10*time.Minute), ids[:39]...)
	waitFor(t, "the first 39 ups handled", func() bool { return h.idle("ops") })
	if n := rc.count(); n != 1 {
		t.Fatalf("after 39 of 40 came back: %d deliveries, want still 1", n)
	}
	h.setState(sharpeyes.StateUp, "", at.Add(12*time.Minute), ids[39])
	waitFor(t, "the group.up", func() bool { return rc.byType()[alert.GroupUp] == 1 && h.idle("ops") })
	up := body(t, rc.received()[1])
	if up["duration_s"] != float64(12*60) {
		t.Fatalf("group.up duration_s %v, want 720", up["duration_s"])
	}
}

func TestFewCamerasDownSendOneAlertEach(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	ids := h.cameras("桂花", 3, "SW-桂花-002", "荷塘区/桂花街道", "")
	h.run(h.dispatcher(h.options(jsonHook("ops", rc.URL))))
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonRefused, time.Now(), ids...)
	waitFor(t, "three camera.down", func() bool { return rc.count() >= 3 && h.idle("ops") })
	if got := rc.byType(); got[alert.CameraDown] != 3 || len(got) != 1 {
		t.Fatalf("deliveries by type %v, want three camera.down", got)
	}
}

func TestCamerasWithoutUplinkGroupByTownship(t *testing.T) {
	h := newHarness(t)
	rc := newReceiver(t)
	var ids []string
	for grid := 1; grid <= 6; grid++ {
		ids = append(ids, h.cameras("网格", 1, "", fmt.Sprintf("荷塘区/月塘街道/网格%d", grid), "")...)
	}
	other := h.cameras("别处", 1, "", "荷塘区/宋家桥街道/网格1", "")
	d := h.dispatcher(h.options(jsonHook("ops", rc.URL)))
	reg := prometheus.NewRegistry()
	reg.MustRegister(d.Collectors()...)
	h.run(d)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonUnreachable, time.Now(), append(ids, other...)...)
	waitFor(t, "a group.down and a camera.down", func() bool { return rc.count() >= 2 && h.idle("ops") })
	if got := rc.byType(); got[alert.GroupDown] != 1 || got[alert.CameraDown] != 1 || rc.count() != 2 {
		t.Fatalf("deliveries by type %v, want one group.down (the township) and one camera.down", got)
	}
	for _, r := range rc.received() {
		if g, ok := body(t, r)["group"].(map[string]any); ok && (g["by"] != "region" || g["name"] != "荷塘区/月塘街道") {
			t.Fatalf("group %v, want region 荷塘区/月塘街道", g)
		}
	}
	if n := counter(t, reg, "sharpeyes_alert_deliveries_total", map[string]string{"webhook": "ops", "result": "delivered"}); n != 2 {
		t.Fatalf("deliveries_total{result=delivered} = %v, want 2", n)
	}
}

// counter reads one counter of a registry by its labels.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := true
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
					match = false
				}
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
