package report

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
)

// route is one report endpoint: its path under /api/v1, the file name of
// its CSV, and how it runs.
type route struct {
	path, name string
	run        func(r *Reporter, ctx context.Context, q Query) (any, error)
	// defaults are parameters a request leaves out that differ from
	// ParseQuery's defaults.
	defaults url.Values
}

var routes = []route{
	{"/status/summary", "summary", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.Summary(ctx, q) }, nil},
	{"/reports/coverage", "coverage", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.Coverage(ctx, q) }, nil},
	{"/reports/outages", "outages", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.Outages(ctx, q) }, nil},
	{"/reports/availability", "availability", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.Availability(ctx, q) }, nil},
	{"/reports/buildout", "buildout", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.Buildout(ctx, q) }, nil},
	{"/reports/sla", "sla", func(r *Reporter, ctx context.Context, q Query) (any, error) { return r.SLA(ctx, q) },
		url.Values{"group_by": {string(ByMaintainer)}}},
}

// Names lists the reports Run knows, in the order of SPEC.
var Names = []string{"summary", "coverage", "outages", "availability", "buildout", "sla"}

// Run computes the report called name (one of Names) for the command
// line, which prints it with Write. It returns an error for an unknown
// name and whatever the report returns.
func (r *Reporter) Run(ctx context.Context, name string, q Query) (any, error) {
	for _, rt := range routes {
		if rt.name == name {
			return rt.run(r, ctx, q)
		}
	}
	return nil, fmt.Errorf("unknown report %q (want one of %s)", name, strings.Join(Names, ", "))
}

// Routes registers the status summary and the four reports on g (the
// /api/v1 group), each for viewers and up. Mount it with
// api.Deps{Mount: []func(*gin.RouterGroup, api.Authz){reporter.Routes}}.
func (r *Reporter) Routes(g *gin.RouterGroup, auth api.Authz) {
	view := auth.Require(api.RoleViewer)
	for _, rt := range routes {
		g.GET(rt.path, view, r.serve(rt))
	}
	g.GET("/map", view, r.serveMap)
}

// serve answers one report as JSON, or as CSV (?format=csv) or an .xlsx
// workbook (?format=xlsx), headers in English or with ?lang=zh in Chinese,
// or a text table (?format=table).
// A bad parameter answers 400 naming it.
func (r *Reporter) serve(rt route) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := c.Request.URL.Query()
		for k, d := range rt.defaults {
			if v.Get(k) == "" {
				v[k] = d
			}
		}
		format, lang, err := parseFormat(v)
		if err != nil {
			api.Fail(c, err)
			return
		}
		q, err := ParseQuery(v, r.now(), r.loc)
		if err != nil {
			api.Fail(c, err)
			return
		}
		rep, err := rt.run(r, c.Request.Context(), q)
		if err != nil {
			api.Fail(c, err)
			return
		}
		switch format {
		case FormatCSV:
			c.Header("Content-Disposition", `attachment; filename="`+rt.name+"-"+r.now().In(r.loc).Format("20060102T150405-0700")+`.csv"`)
			c.Header("Content-Type", "text/csv; charset=utf-8")
			c.Status(http.StatusOK)
			err = WriteCSV(c.Writer, rep, lang, r.loc)
		case FormatXLSX:
			c.Header("Content-Disposition", `attachment; filename="`+rt.name+"-"+r.now().In(r.loc).Format("20060102T150405-0700")+`.xlsx"`)
			c.Header("Content-Type", XLSXType)
			c.Status(http.StatusOK)
			err = WriteXLSX(c.Writer, rep, lang, r.loc)
		case FormatTable:
			c.Header("Content-Type", "text/plain; charset=utf-8")
			c.Status(http.StatusOK)
			err = WriteTable(c.Writer, rep, r.loc)
		default:
			c.JSON(http.StatusOK, rep)
		}
		if err != nil {
			_ = c.Error(err) // the response has started: logged by the API
		}
	}
}

func parseFormat(v url.Values) (format, lang string, err error) {
	switch format = v.Get("format"); format {
	case "", FormatJSON, FormatCSV, FormatXLSX, FormatTable:
	default:
		return "", "", api.BadParam("format", "%q is not one of json, csv, xlsx, table", clip(format))
	}
	switch lang = v.Get("lang"); lang {
	case "", LangEN, LangZH:
	default:
		return "", "", api.BadParam("lang", "%q is not one of en, zh", clip(lang))
	}
	return format, lang, nil
}
