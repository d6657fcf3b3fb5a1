// Package metrics exposes sharpeyes' Prometheus metrics: cameras by state
// and district, sweep and probe timings, probe failures by reason, Redis
// errors and HTTP requests, the build, when each schedule group last
// finished a sweep and whether it was isolated. Everything lives in one registry owned by the
// Metrics value (no global registration), so tests and several servers in
// one process do not collide.
package metrics

import (
	"context"
	"net/http"
	"runtime"
	"runtime/debug"
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
	sweepInterval *prometheus.GaugeVec
	lastSweep     *prometheus.GaugeVec
	lastSuccess   *prometheus.GaugeVec
	isolated      *prometheus.GaugeVec
	probeLatency  *prometheus.HistogramVec
	probeErrors   *prometheus.CounterVec
	redisErrors   prometheus.Counter
	httpDuration  *prometheus.HistogramVec
	redis         *redisCollector
}

// New registers every metric in a fresh registry. counts, when not nil, is
// called at each scrape for the cameras-by-state gauge; when it fails (Redis
// down) the scrape goes on without that gauge, so /metrics keeps answering
// while Redis is away: the failure shows in sharpeyes_redis_up (see
// WatchRedis) and sharpeyes_redis_errors_total.
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
		sweepInterval: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_sweep_interval_seconds",
			Help: "Interval between two sweeps of the group's schedule (estimated from two consecutive activations); alert when the last sweep is older than a few of these.",
		}, []string{"group"}),
		lastSweep: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_last_sweep_timestamp_seconds",
			Help: "Unix time at which this process last finished a sweep of the group.",
		}, []string{"group"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_last_sweep_success",
			Help: "1 when the group's last sweep wrote every result, 0 when it dropped some (Redis unavailable, lease lost, shutdown).",
		}, []string{"group"}),
		isolated: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_collector_isolated",
			Help: "1 when the group's last sweep found the collector isolated (most probes failed at once, state changes withheld), else 0.",
		}, []string{"group"}),
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
	m.reg.MustRegister(m.sweepDuration, m.sweepProbes, m.sweepInterval, m.lastSweep, m.lastSuccess, m.isolated,
		m.probeLatency, m.probeErrors, m.redisErrors, m.httpDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.redis = &redisCollector{
		counts: counts,
		cameras: prometheus.NewDesc(
			"sharpeyes_cameras", "Probed cameras by state, lifecycle (active or building: the console's counts are the active ones) and district (region level 1).",
			[]string{"state", "lifecycle", "region"}, nil),
		up: prometheus.NewDesc("sharpeyes_redis_up",
			"1 when the check at this scrape reached Redis (it answered PING), else 0.", nil, nil),
	}
	m.reg.MustRegister(m.redis)
	return m
}

// WatchRedis makes every scrape check Redis with ping (within 2 s) and
// report the answer as sharpeyes_redis_up; a scrape that finds Redis down
// leaves out the cameras gauge rather than waiting on it. Call it before
// Handler serves.
func (m *Metrics) WatchRedis(ping func(ctx context.Context) error) { m.redis.ping = ping }

// InventoryLoads exports loads (called at each scrape) as
// sharpeyes_inventory_partition_loads_total: the inventory partitions this
// process has read from Redis. One edit costs a replica one partition;
// a steady count means its cached inventory is current. Call it once.
func (m *Metrics) InventoryLoads(loads func() int64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "sharpeyes_inventory_partition_loads_total",
		Help: "Inventory partitions this process read from Redis (an edit costs one; the rest is cached).",
	}, func() float64 { return float64(loads()) }))
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry returns the registry, so other packages (alert delivery) can
// register their own collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Sweep is what the metrics keep of one finished sweep.
type Sweep struct {
	Group      string // schedule group ("default" for the default schedule)
	Start, End time.Time
	ByState    map[string]int // probes of the sweep by resulting state
	Dropped    int            // results not written
	Isolated   bool           // state changes withheld: the collector's own network is suspect
}

// ObserveSweep records one finished sweep: its duration, counts by state,
// end time, whether every result was written and whether the collector
// was isolated.
func (m *Metrics) ObserveSweep(s Sweep) {
	m.sweepDuration.WithLabelValues(s.Group).Observe(s.End.Sub(s.Start).Seconds())
	for st, n := range s.ByState {
		m.sweepProbes.WithLabelValues(s.Group, st).Set(float64(n))
	}
	m.lastSweep.WithLabelValues(s.Group).Set(float64(s.End.UnixNano()) / 1e9)
	m.lastSuccess.WithLabelValues(s.Group).Set(bool01(s.Dropped == 0))
	m.isolated.WithLabelValues(s.Group).Set(bool01(s.Isolated))
}

// SweepInterval records the interval of a group's schedule, so that
// alerting rules can tell a late sweep without knowing the schedule.
func (m *Metrics) SweepInterval(group string, d time.Duration) {
	m.sweepInterval.WithLabelValues(group).Set(d.Seconds())
}

// BuildInfo registers sharpeyes_build_info{version,goversion,revision} 1:
// version as given (set at build time), the Go version and the VCS
// revision the binary was built from ("unknown" when not recorded, as in
// tests or builds outside a checkout). Call it once.
func (m *Metrics) BuildInfo(version string) {
	revision := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && revision != "unknown" {
			revision += "-dirty"
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "sharpeyes_build_info",
		Help:        "Always 1; the labels tell the version, Go version and VCS revision of this sharpeyes.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version(), "revision": revision},
	})
	g.Set(1)
	m.reg.MustRegister(g)
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
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

// redisCheckTimeout bounds the scrape's Redis check; the cameras gauge has
// the rest of countsTimeout.
const (
	redisCheckTimeout = 2 * time.Second
	countsTimeout     = 5 * time.Second
)

// redisCollector reports the metrics that need Redis: whether it answers,
// and the cameras by state. Neither fails the scrape.
type redisCollector struct {
	ping    func(ctx context.Context) error // nil: no sharpeyes_redis_up
	counts  func(ctx context.Context) ([]StateCount, error)
	cameras *prometheus.Desc
	up      *prometheus.Desc
}

func (r *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- r.up
	if r.counts != nil {
		ch <- r.cameras
	}
}

func (r *redisCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), countsTimeout)
	defer cancel()
	if r.ping != nil {
		pctx, pcancel := context.WithTimeout(ctx, redisCheckTimeout)
		err := r.ping(pctx)
		pcancel()
		up := 1.0
		if err != nil {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(r.up, prometheus.GaugeValue, up)
		if err != nil {
			return
		}
	}
	if r.counts == nil {
		return
	}
	counts, err := r.counts(ctx)
	if err != nil {
		return // counted by sharpeyes_redis_errors_total; the rest of the scrape stands
	}
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(r.cameras, prometheus.GaugeValue, float64(c.Count), c.State, c.Lifecycle, c.Region)
	}
}
