package alert

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count what the dispatcher decided and delivered. Labels are
// bounded: event types, outcomes and webhook ids (as many as webhooks).
type metrics struct {
	alerts     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	latency    *prometheus.HistogramVec
}

// Delivery results, the "result" label of sharpeyes_alert_deliveries_total.
const (
	resultDelivered = "delivered" // 2xx (and the vendor said ok)
	resultRetry     = "retry"     // failed, will be tried again
	resultRejected  = "rejected"  // failed for good: dead letter
	resultExpired   = "expired"   // older than MaxAge: dead letter
	resultOrphaned  = "orphaned"  // its webhook is gone: dead letter
)

func newMetrics() *metrics {
	return &metrics{
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_alert_decisions_total",
			Help: "Alerts decided per webhook, by type and outcome (queued, silenced, isolated, stale).",
		}, []string{"type", "outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_alert_deliveries_total",
			Help: "Delivery attempts by webhook and result (delivered, retry, rejected, expired, orphaned).",
		}, []string{"webhook", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sharpeyes_alert_delivery_seconds",
			Help:    "Time from an alert being queued to its delivery.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200},
		}, []string{"webhook"}),
	}
}

func (m *metrics) decided(typ, outcome string, n int) {
	m.alerts.WithLabelValues(typ, outcome).Add(float64(n))
}

func (m *metrics) delivered(webhook, result string) {
	m.deliveries.WithLabelValues(webhook, result).Inc()
}

func (m *metrics) observe(webhook string, queued time.Duration) {
	m.latency.WithLabelValues(webhook).Observe(queued.Seconds())
}

// Collectors returns the dispatcher's Prometheus metrics, for the caller
// to register: sharpeyes_alert_decisions_total{type,outcome},
// sharpeyes_alert_deliveries_total{webhook,result} and
// sharpeyes_alert_delivery_seconds{webhook}.
func (d *Dispatcher) Collectors() []prometheus.Collector {
	return []prometheus.Collector{d.metrics.alerts, d.metrics.deliveries, d.metrics.latency}
}
