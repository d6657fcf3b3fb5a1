package report

import "github.com/sharpeyes/sharpeyes/api"

// Docs describes the routes of Routes for the API's OpenAPI document
// (api.Deps.Docs), keyed by path.
func Docs() map[string]api.PathItem {
	str := func(name, desc string) api.Parameter {
		return api.Parameter{Name: name, In: "query", Description: desc, Schema: api.Schema{"type": "string"}}
	}
	common := append(api.FilterParams(),
		api.Parameter{Name: "format", In: "query", Schema: api.Schema{"type": "string", "enum": []string{"json", "csv", "xlsx", "table"}, "default": "json"}},
		api.Parameter{Name: "lang", In: "query", Description: "CSV and xlsx header language",
			Schema: api.Schema{"type": "string", "enum": []string{"en", "zh"}, "default": "en"}})
	grouping := []api.Parameter{
		{Name: "group_by", In: "query", Schema: api.Schema{"type": "string", "enum": []string{"region", "owner", "maintainer", "uplink"}, "default": "region"}},
		{Name: "level", In: "query", Description: "region depth (district, township, grid)",
			Schema: api.Schema{"type": "integer", "minimum": 1, "maximum": 3, "default": 1}},
	}
	window := []api.Parameter{
		str("window", "24h, 7d, 30d or any span up to 400d (default 24h)"),
		str("from", "RFC 3339, YYYY-MM-DD (midnight in the configured timezone), a local time without offset, now, or back from now like -7d"),
		str("to", "as from (default now)"),
	}
	op := func(id, summary, desc string, params ...[]api.Parameter) api.PathItem {
		all := append([]api.Parameter(nil), common...)
		for _, p := range params {
			all = append(all, p...)
		}
		return api.PathItem{"get": &api.Operation{OperationID: id, Summary: summary, Description: desc,
			Tags: []string{"reports"}, MinRole: "viewer", Parameters: all,
			Responses: map[string]api.Response{
				"200": {Description: "the report (JSON, CSV with a UTF-8 BOM, an .xlsx workbook, or a text table)", Content: map[string]api.MediaType{
					"application/json": {Schema: api.Schema{"type": "object"}},
					"text/csv":         {Schema: api.Schema{"type": "string"}},
					XLSXType:           {Schema: api.Schema{"type": "string", "format": "binary"}},
				}},
				"400": api.ErrorResponse("bad query parameter (error.field names it)"),
				"401": api.ErrorResponse("no valid bearer token"),
				"403": api.ErrorResponse("the token's role is too low"),
			}}}
	}
	return map[string]api.PathItem{
		"/api/v1/status/summary": op("statusSummary", "Counts by state, online rate, stale cameras, last sweep",
			"Online rate = up ÷ probed active cameras; stale = not probed for two sweep intervals."),
		"/api/v1/reports/coverage": op("reportCoverage", "Cameras per group by lifecycle and state, with the online rate",
			"State counts are of active cameras; online_rate = up ÷ (up+degraded+down).", grouping),
		"/api/v1/reports/outages": op("reportOutages", "Open outages (longest first) or those overlapping a window (newest first)",
			"Paged with limit/cursor; next_cursor is empty on the last page.", window, []api.Parameter{
				{Name: "open", In: "query", Schema: api.Schema{"type": "boolean", "default": false}},
				{Name: "limit", In: "query", Schema: api.Schema{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}},
				str("cursor", "next_cursor of the previous page"),
			}),
		"/api/v1/reports/availability": op("reportAvailability", "Time-weighted availability, outage count and MTTR per group",
			"availability = time up ÷ time monitored (active and not silenced); worst lists the cameras lowest first.",
			grouping, window, []api.Parameter{
				{Name: "worst", In: "query", Schema: api.Schema{"type": "integer", "minimum": 0, "maximum": MaxWorst, "default": DefaultWorst}},
				{Name: "cameras", In: "query", Description: "list every camera (CSV: one row per camera)",
					Schema: api.Schema{"type": "boolean", "default": false}},
			}),
		"/api/v1/reports/sla": op("reportSLA", "Month (SLA) report per maintainer: availability, outages, MTTR, outages over the repair deadline",
			"One calendar month in the configured timezone; availability = time up ÷ time monitored (null when nothing was monitored); "+
				"over_deadline = outages of the month that lasted longer than reports.repair_deadline (repair_deadline_s). "+
				"online_rate and the state counts are of the cameras now.",
			[]api.Parameter{
				{Name: "group_by", In: "query", Schema: api.Schema{"type": "string", "enum": []string{"region", "owner", "maintainer", "uplink"}, "default": "maintainer"}},
				grouping[1],
				str("month", "YYYY-MM in the configured timezone (default the last whole month)"),
			}),
		"/api/v1/reports/buildout": op("reportBuildout", "Build-out per group: lifecycle counts, overdue, ready for acceptance, commissioned per month",
			"", grouping),
		"/api/v1/map": mapDoc(),
	}
}
