// Package metrics exposes sharpeyes' Prometheus metrics: cameras by state
// and district, sweep and probe timings, probe failures by reason, Redis
// errors and HTTP requests. Everything lives in one registry owned by the
// Metrics value (no global registration), so tests and several servers in
// one process do not collide.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// StateCount is one cell of the cameras-by-state gauge.
type StateCount struct {
	State     string
	Lifecycle string // active or building: the probed lifecycles
	Region    string // region level 1 (district)
	Count     int
}

// Metrics holds the registry and every metric sharpeyes records.
type Metrics struct {
	reg           *prometheus.Registry
	sweepDuration *prometheus.HistogramVec
	sweepProbes   *prometheus.GaugeVec
	probeLatency  *prometheus.HistogramVec
	probeErrors   *prometheus.CounterVec
	redisErrors   prometheus.Counter
	httpDuration  *prometheus.HistogramVec
}

// New registers every metric in a fresh registry. counts, when not nil, is
// called at each scrape for the cameras-by-state gauge; an error from it is
// reported to the scraper rather than hidden.
func New(counts func(ctx context.Context) ([]StateCount, error)) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sweepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sharpeyes_sweep_duration_seconds",
			Help:    "Wall time of one collector sweep.",
			Buckets: []float64{1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300},
		}, []string{"group"}),
		sweepProbes: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_sweep_probes",
			Help: "Probes of the last sweep by resulting state.",
		}, []string{"group", "state"}),
		probeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sharpeyes_probe_duration_seconds",
			Help:    "Latency of successful probes (the camera was found up), by probe kind; failed probes are counted in sharpeyes_probe_errors_total and not timed here.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"kind"}),
		probeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_probe_errors_total",
			Help: "Probes that did not find the camera up, by probe kind and reason.",
		}, []string{"kind", "reason"}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sharpeyes_redis_errors_total",
			Help: "Redis commands that failed; replies the store expects and handles ('not found', NOSCRIPT, NOGROUP, BUSYGROUP) are not counted.",
		}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sharpeyes_http_request_duration_seconds",
			Help:    "Duration of HTTP API requests by route pattern, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "code"}),
	}
	m.reg.MustRegister(m.sweepDuration, m.sweepProbes, m.probeLatency, m.probeErrors,
		m.redisErrors, m.httpDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if counts != nil {
		m.reg.MustRegister(&stateCollector{counts: counts, desc: prometheus.NewDesc(
			"sharpeyes_cameras", "Probed cameras by state, lifecycle (active or building: the console's counts are the active ones) and district (region level 1).",
			[]string{"state", "lifecycle", "region"}, nil)})
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry returns the registry, so other packages (alert delivery) can
// register their own collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveSweep records one finished sweep and its counts by state.
func (m *Metrics) ObserveSweep(group string, d time.Duration, byState map[string]int) {
	m.sweepDuration.WithLabelValues(group).Observe(d.Seconds())
	for st, n := range byState {
		m.sweepProbes.WithLabelValues(group, st).Set(float64(n))
	}
}

// ObserveProbe records one probe: its latency when it succeeded (reason
// ""), else its reason. The latency of a failure (often the timeout itself)
// would only blur the histogram, so it is left out.
func (m *Metrics) ObserveProbe(kind, reason string, latency time.Duration) {
	if reason == "" {
		m.probeLatency.WithLabelValues(kind).Observe(latency.Seconds())
		return
	}
	m.probeErrors.WithLabelValues(kind, reason).Inc()
}

// RedisError counts one failed Redis command.
func (m *Metrics) RedisError() { m.redisErrors.Inc() }

// Gin returns middleware that times every request by its route pattern
// (not the raw path, which would explode label cardinality).
func (m *Metrics) Gin() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.httpDuration.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

type stateCollector struct {
	counts func(ctx context.Context) ([]StateCount, error)
	desc   *prometheus.Desc
}

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := s.counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(s.desc, err)
		return
	}
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, float64(c.Count), c.State, c.Lifecycle, c.Region)
	}
}
