package alert_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// gaugesByWebhook gathers reg and returns metric name's values by their
// webhook label.
func gaugesByWebhook(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "webhook" {
					out[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return out
}

// The outbox depth and dead letters of every webhook are gauges labelled
// by the webhook's name, for a webhook of the config file and for one
// added through the API (whose id is a random hex string) alike.
func TestOutboxDepthAndDeadLettersAreGaugesByWebhookName(t *testing.T) {
	h := newHarness(t)
	failing := newReceiver(t) // answers 503: deliveries wait in the outbox
	failing.setFail(func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	refusing := newReceiver(t) // answers 400: deliveries become dead letters
	refusing.setFail(func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		w.WriteHeader(http.StatusBadRequest)
		return true
	})
	const apiID = "9f3c2a7be41d0c55"
	ctx := context.Background()
	api := sharpeyes.Webhook{ID: apiID, Name: "night-shift", URL: refusing.URL, Format: alert.FormatJSON,
		Source: "api", CreatedAt: time.Now().UTC()}
	if err := h.store.CreateWebhook(ctx, api); err != nil {
		t.Fatal(err)
	}
	d := h.dispatcher(h.options(jsonHook("ops", failing.URL)))
	reg := prometheus.NewRegistry()
	reg.MustRegister(d.Collectors()...)
	h.run(d)

	ids := h.cameras("芙蓉路", 3, "", "荷塘区/月塘街道", "湖南联通运维")
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now().UTC(), ids...)

	var depth, dead map[string]float64
	// night-shift subscribes to every event (a group alert may follow the
	// three camera alerts): wait until its queue is empty.
	waitFor(t, "3 deliveries waiting for ops, night-shift's queue dead-lettered and counted by name", func() bool {
		depth = gaugesByWebhook(t, reg, "sharpeyes_alert_outbox_depth")
		dead = gaugesByWebhook(t, reg, "sharpeyes_alert_dead_letters")
		rejected := counter(t, reg, "sharpeyes_alert_deliveries_total", map[string]string{"webhook": "night-shift", "result": "rejected"})
		return depth["ops"] == 3 && dead["night-shift"] >= 3 && depth["night-shift"] == 0 && rejected == dead["night-shift"]
	})
	if dead["ops"] != 0 {
		t.Errorf("dead letters %v: want ops' dead letters empty", dead)
	}
	for _, byName := range []map[string]float64{depth, dead} {
		if _, ok := byName[apiID]; ok || len(byName) != 2 {
			t.Errorf("gauge by webhook %v: want exactly the names ops and night-shift, not the id %s", byName, apiID)
		}
	}
	// The delivery counter names the API webhook by its name too (the wait
	// above found one rejected delivery per dead letter under that name).
	if n := counter(t, reg, "sharpeyes_alert_deliveries_total", map[string]string{"webhook": apiID, "result": "rejected"}); n != 0 {
		t.Errorf("rejected deliveries labelled by the id %s: %v, want none", apiID, n)
	}
}

// A webhook without a name, or with a name another webhook already has,
// is labelled by its id: a label value twice would fail the whole scrape.
func TestOutboxGaugesOfUnnamedOrSameNamedWebhooksKeepTheScrapeWorking(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, w := range []sharpeyes.Webhook{
		{ID: "0a1b2c3d4e5f6071", Name: "ops"}, // the config file's ops came later
		{ID: "8192a3b4c5d6e7f8"},              // no name
	} {
		w.URL, w.Format, w.Source = "https://hooks.example.com/x", alert.FormatJSON, "api"
		if err := h.store.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	d := h.dispatcher(h.options(jsonHook("ops", "https://hooks.example.com/y")))
	reg := prometheus.NewRegistry()
	reg.MustRegister(d.Collectors()...)
	got := gaugesByWebhook(t, reg, "sharpeyes_alert_outbox_depth")
	for _, want := range []string{"ops", "0a1b2c3d4e5f6071", "8192a3b4c5d6e7f8"} {
		if _, ok := got[want]; !ok || len(got) != 3 {
			t.Fatalf("outbox depth by webhook %v: want ops, 0a1b2c3d4e5f6071 and 8192a3b4c5d6e7f8", got)
		}
	}
}
