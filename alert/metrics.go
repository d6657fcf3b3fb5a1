package alert

import (
	"context"
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
			Help: "Alert decisions (one per alert and webhook), by type and outcome (queued, silenced, isolated, stale).",
		}, []string{"type", "outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_alert_deliveries_total",
			Help: "Delivery attempts by webhook (its name; its id once it is gone) and result (delivered, retry, rejected, expired, orphaned).",
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
// sharpeyes_alert_deliveries_total{webhook,result},
// sharpeyes_alert_delivery_seconds{webhook}, and, read from Redis at each
// scrape, sharpeyes_alert_outbox_depth{webhook} and
// sharpeyes_alert_dead_letters{webhook}, labelled by webhook name.
func (d *Dispatcher) Collectors() []prometheus.Collector {
	return []prometheus.Collector{d.metrics.alerts, d.metrics.deliveries, d.metrics.latency, newOutboxCollector(d)}
}

// outboxScrapeTimeout bounds the Redis reads of one scrape: a scrape while
// Redis is away goes on without the outbox gauges.
const outboxScrapeTimeout = 3 * time.Second

// outboxCollector reports every webhook's queue length and kept dead
// letters. The label is the webhook's name (unique, and what people
// configured), not the random id of a webhook added through the API; the
// webhooks are bounded by the config and the API, and so is the label.
type outboxCollector struct {
	d           *Dispatcher
	depth, dead *prometheus.Desc
}

func newOutboxCollector(d *Dispatcher) *outboxCollector {
	return &outboxCollector{d: d,
		depth: prometheus.NewDesc("sharpeyes_alert_outbox_depth",
			"Alerts waiting in the webhook's outbox for delivery (including the one being retried).",
			[]string{"webhook"}, nil),
		dead: prometheus.NewDesc("sharpeyes_alert_dead_letters",
			"Dead letters kept for the webhook: deliveries given up (refused, expired or orphaned); the newest 1000 are kept.",
			[]string{"webhook"}, nil),
	}
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.dead
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), outboxScrapeTimeout)
	defer cancel()
	whs, err := c.d.webhooks(ctx)
	if err != nil {
		return // Redis away: counted by sharpeyes_redis_errors_total, the scrape goes on
	}
	ids := make([]string, len(whs))
	for i, w := range whs {
		ids[i] = w.ID
	}
	sizes, err := c.d.store.OutboxSizes(ctx, ids)
	if err != nil {
		return
	}
	seen := make(map[string]bool, len(whs))
	for i, w := range whs {
		// A webhook with no name, or whose name another took first (two
		// racing POSTs, a config webhook added later), goes by its id: a
		// label value twice would fail the whole scrape.
		name := w.Name
		if name == "" || seen[name] {
			name = w.ID
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(sizes[i].Queued), name)
		ch <- prometheus.MustNewConstMetric(c.dead, prometheus.GaugeValue, float64(sizes[i].Dead), name)
	}
}
