// Package api is sharpeyes' HTTP API: a Gin router over the store, with
// bearer-token auth by role, one JSON error shape, request logging, body
// limits and an OpenAPI document of every route it serves.
//
// NewRouter builds the whole router from a Deps value; other packages add
// their resources (reports, webhooks, silences) through Deps.Mount and
// describe them for the OpenAPI document through Deps.Docs.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// DefaultMaxBodyBytes is the body limit when Deps.MaxBodyBytes is zero:
// enough for a 250,000-camera CSV.
const DefaultMaxBodyBytes = 64 << 20

// Deps is everything the router needs. Store is required; the rest is
// optional.
type Deps struct {
	Store  *store.Store
	Logger *slog.Logger // nil discards logs
	Tokens []Token
	// MaxBodyBytes caps request bodies (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// OpenAccess makes a request without a valid token an anonymous admin.
	// Only for no configured tokens on a loopback listener: the caller
	// decides and says so.
	OpenAccess bool
	// MetricsPublic serves /metrics without a token; otherwise it needs a
	// viewer token.
	MetricsPublic bool
	// DashboardPublic has no effect: the console's own files always load
	// (they hold no data, and the page must load to ask for a token), and
	// its data calls need a viewer token like every API read (SPEC "Auth").
	//
	// Deprecated: kept so that configs setting auth.dashboard_public load.
	DashboardPublic bool
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// ProbeTimeout bounds an operator's probe-now (POST
	// /cameras/{id}/probe) like the collector's probes (0:
	// probe.DefaultTimeout); MaxClockDrift is the collector's drift
	// threshold for onvif cameras (0: none checked).
	ProbeTimeout  time.Duration
	MaxClockDrift time.Duration
	// Ready runs extra readiness checks for /readyz after the Redis ping.
	// An error made by NotReady shows its reason; any other shows
	// "not ready" and is logged.
	Ready func(ctx context.Context) error
	// Mount registers extra resources on the /api/v1 group; auth guards
	// them with Require.
	Mount []func(r *gin.RouterGroup, auth Authz)
	// Docs describes Mount's routes for the OpenAPI document, keyed by
	// OpenAPI path ("/api/v1/reports/coverage", "/api/v1/webhooks/{id}").
	Docs map[string]PathItem
	// Dashboard, when set, answers GET / and every other GET outside
	// /api/ that no route matches (its assets), without a token.
	Dashboard http.Handler
	// Metrics, when set, answers GET /metrics.
	Metrics http.Handler
	// Instrument, when set, runs first around every request (the HTTP
	// request duration metric).
	Instrument gin.HandlerFunc
}

func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ProbeTimeout <= 0 {
		d.ProbeTimeout = probe.DefaultTimeout
	}
	return d
}

// NewRouter returns the API router. Gin runs in release mode unless
// GIN_MODE says otherwise. The OpenAPI document is built here; a Docs entry
// that collides with a built-in path replaces it.
func NewRouter(d Deps) *gin.Engine {
	d = d.withDefaults()
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	_ = r.SetTrustedProxies(nil) // log the peer, never a spoofable header
	auth := newAuthz(d.Tokens, d.OpenAccess, d.Now)
	if d.OpenAccess {
		d.Logger.Warn("API open access: requests without a token act as admin")
	}
	if d.Instrument != nil {
		r.Use(d.Instrument)
	}
	r.Use(logRequests(d.Logger, d.Now), recovery(d.Logger), writeErrors(d.Logger), limitBody(d.MaxBodyBytes))
	if d.OpenAccess {
		r.Use(guardOpenAccess())
	}

	r.GET("/healthz", healthz)
	r.HEAD("/healthz", healthz)
	r.GET("/readyz", readyz(d.Store, d.Ready, d.Logger))
	if d.Metrics != nil {
		r.GET("/metrics", guard(auth, !d.MetricsPublic), gin.WrapH(d.Metrics))
	}
	if d.Dashboard != nil {
		r.GET("/", gin.WrapH(d.Dashboard))
		// The console's page of one camera, which alert links open.
		r.GET("/cameras/:id", gin.WrapH(d.Dashboard))
	}

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", serveOpenAPI(openAPIDocument(d.Docs)))
	registerCameras(v1, d, auth)
	registerAcks(v1, d, auth)
	registerProbeNow(v1, d, auth)
	for _, mount := range d.Mount {
		mount(v1, auth)
	}

	r.NoRoute(noRoute(d))
	r.NoMethod(func(c *gin.Context) { Fail(c, errNoMethod) })
	return r
}

// guard returns the viewer check when required, or a no-op.
func guard(auth Authz, required bool) gin.HandlerFunc {
	if !required {
		return func(*gin.Context) {}
	}
	return auth.Require(RoleViewer)
}

// noRoute hands unmatched GETs outside /api/ to the dashboard (its assets,
// public like its page) and answers everything else with a JSON 404.
func noRoute(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		m, p := c.Request.Method, c.Request.URL.Path
		isAPI := p == "/api" || strings.HasPrefix(p, "/api/")
		if d.Dashboard == nil || isAPI || (m != http.MethodGet && m != http.MethodHead) {
			Fail(c, errNoRoute)
			return
		}
		c.Status(http.StatusOK) // gin preset 404 for NoRoute; the dashboard decides
		d.Dashboard.ServeHTTP(c.Writer, c.Request)
	}
}
