package main

import (
	"context"
	"net/url"
	"time"

	"github.com/sharpeyes/sharpeyes/report"
)

// reportParams are the report flags, each passed on as the API's query
// parameter of the same name (dashes become underscores).
var reportParams = []struct{ flag, param, usage string }{
	{"group-by", "group_by", "region, owner, maintainer or uplink"},
	{"level", "level", "region depth 1..3 with --group-by region"},
	{"window", "window", "24h, 7d or 30d (availability, outages)"},
	{"from", "from", "window start: RFC 3339, YYYY-MM-DD (midnight in the configured timezone) or relative like -7d"},
	{"to", "to", "window end (default now)"},
	{"open", "open", "outages: only the open ones (true/false)"},
	{"limit", "limit", "outages: page size"},
	{"region", "region", "region prefix filter"},
	{"owner", "owner", "police, government or social"},
	{"lifecycle", "lifecycle", "planned, building, active or retired"},
	{"maintainer", "maintainer", "maintenance contractor"},
	{"uplink", "uplink", "uplink (switch, NVR, fibre segment)"},
	{"state", "state", "up, degraded, down or unknown"},
}

// runReport prints one report read straight from Redis.
func runReport(ctx context.Context, e env, args []string) error {
	fs := newFlags("report", e.stderr)
	var cf configFlags
	cf.register(fs)
	format := fs.String("format", "table", "table, csv, json or xlsx")
	lang := fs.String("lang", "en", "CSV and xlsx headers: en or zh")
	values := map[string]*string{}
	for _, p := range reportParams {
		values[p.param] = fs.String(p.flag, "", p.usage)
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("usage: sharpeyes report summary|coverage|outages|availability|buildout [flags]")
	}
	if !knownReport(pos[0]) {
		return usageErrorf("unknown report %q: usage: sharpeyes report summary|coverage|outages|availability|buildout [flags]", pos[0])
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	loc := cfg.Location()
	q, err := reportQuery(values, loc)
	if err != nil {
		return err
	}
	s, closeStore, err := openStore(ctx, e, cfg, newLogger(e.stderr, cfg), useRunning)
	if err != nil {
		return err
	}
	defer closeStore()
	r := report.New(report.Options{Store: s, Interval: scheduleInterval(cfg.Collector.Schedule), Location: loc, RepairDeadline: cfg.Reports.RepairDeadline.Std()})
	rep, err := buildReport(ctx, r, pos[0], q)
	if err != nil {
		return err
	}
	if *format == "table" {
		return report.WriteTable(e.stdout, rep, loc)
	}
	return report.Write(e.stdout, rep, *format, *lang, loc)
}

// reportQuery reads the flags as the API reads its query; dates without a
// time of day are midnight in loc, the configured timezone.
func reportQuery(values map[string]*string, loc *time.Location) (report.Query, error) {
	v := url.Values{}
	for k, p := range values {
		if *p != "" {
			v.Set(k, *p)
		}
	}
	q, err := report.ParseQuery(v, time.Now(), loc)
	if err != nil {
		return q, usageError{err}
	}
	return q, nil
}

func buildReport(ctx context.Context, r *report.Reporter, name string, q report.Query) (any, error) {
	switch name {
	case "summary":
		return r.Summary(ctx, q)
	case "coverage":
		return r.Coverage(ctx, q)
	case "outages":
		return r.Outages(ctx, q)
	case "availability":
		return r.Availability(ctx, q)
	case "buildout":
		return r.Buildout(ctx, q)
	}
	return nil, usageErrorf("unknown report %q: want summary, coverage, outages, availability or buildout", name)
}

func knownReport(name string) bool {
	switch name {
	case "summary", "coverage", "outages", "availability", "buildout":
		return true
	}
	return false
}
