package alert

import (
	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
)

// Docs describes the routes of Routes for the OpenAPI document (pass it
// as, or merge it into, api.Deps.Docs).
func Docs() map[string]api.PathItem {
	idParam := []api.Parameter{{Name: "id", In: "path", Required: true, Schema: api.Schema{"type": "string"}}}
	list := func(item api.Schema) api.Schema {
		return api.Schema{"type": "object", "properties": map[string]api.Schema{
			"items": {"type": "array", "items": item}, "next_cursor": {"type": "string"}}}
	}
	return map[string]api.PathItem{
		"/api/v1/webhooks": {
			"get": op("listWebhooks", "Alert webhooks: those of the config file and those added here (secrets never shown)",
				"admin", nil, nil, ok200(list(webhookSchema()))),
			"post": op("createWebhook", "Add an alert webhook", "admin", nil, webhookInputSchema(),
				map[string]api.Response{"201": {Description: "the webhook", Content: api.JSONContent(webhookSchema())},
					"400": api.ErrorResponse("a bad field, named in error.field"),
					"409": api.ErrorResponse("the name is taken by another webhook (message starts with \"name: \")")}),
		},
		"/api/v1/webhooks/{id}": {
			"get": op("getWebhook", "One webhook", "admin", idParam, nil, ok200(webhookSchema())),
			"delete": op("deleteWebhook", "Remove a webhook added through the API, with its queue and dead letters",
				"admin", idParam, nil, map[string]api.Response{"204": {Description: "removed"},
					"400": api.ErrorResponse("defined in the config file"), "404": api.ErrorResponse("no such webhook")}),
		},
		"/api/v1/webhooks/{id}/deadletters": {
			"get": op("listDeadLetters", "Deliveries given up (refused, or older than max_age), newest first", "admin",
				append(idParam, api.Parameter{Name: "limit", In: "query",
					Schema: api.Schema{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}),
				nil, ok200(list(deadLetterSchema()))),
		},
		"/api/v1/silences": {
			"get": op("listSilences", "Silences, ended ones too (until history retention), by start then id, paged", "viewer",
				[]api.Parameter{{Name: "active", In: "query", Description: "only those in force now",
					Schema: api.Schema{"type": "boolean"}},
					{Name: "limit", In: "query", Schema: api.Schema{"type": "integer", "minimum": 1, "maximum": maxSilencePage, "default": defaultSilencePage}},
					{Name: "cursor", In: "query", Description: "next_cursor of the previous page", Schema: str}},
				nil, map[string]api.Response{"200": {Description: "ok", Content: api.JSONContent(list(silenceSchema()))},
					"400": api.ErrorResponse("a bad limit or cursor, named in error.field")}),
			"post": op("createSilence", "Start a maintenance window; its author is the token's name. camera_id is one camera's id (no wildcards); at least one of camera_id, region, uplink, maintainer is required", "operator", nil,
				silenceInputSchema(), map[string]api.Response{"201": {Description: "the silence", Content: api.JSONContent(silenceSchema())},
					"400": api.ErrorResponse("a bad field, named in error.field"),
					"409": api.ErrorResponse("limit_reached: 10,000 silences (MaxActiveSilences) are in force or scheduled")}),
		},
		"/api/v1/silences/{id}": {
			"get": op("getSilence", "One silence", "viewer", idParam, nil, ok200(silenceSchema())),
			"delete": op("deleteSilence", "End a silence now (removed if it had not begun)", "operator", idParam, nil,
				map[string]api.Response{"204": {Description: "ended"}, "404": api.ErrorResponse("no such silence")}),
		},
	}
}

func op(id, summary, role string, params []api.Parameter, body api.Schema, resp map[string]api.Response) *api.Operation {
	o := &api.Operation{OperationID: id, Summary: summary, Tags: []string{"alerts"}, MinRole: role,
		Parameters: params, Responses: resp}
	if body != nil {
		o.RequestBody = &api.RequestBody{Required: true, Content: api.JSONContent(body)}
	}
	o.Responses["401"] = api.ErrorResponse("no valid token")
	o.Responses["403"] = api.ErrorResponse("role too low")
	return o
}

func ok200(s api.Schema) map[string]api.Response {
	return map[string]api.Response{"200": {Description: "ok", Content: api.JSONContent(s)}}
}

func obj(props map[string]api.Schema) api.Schema {
	return api.Schema{"type": "object", "properties": props}
}

var (
	str     = api.Schema{"type": "string"}
	strTime = api.Schema{"type": "string", "format": "date-time"}
	strList = api.Schema{"type": "array", "items": api.Schema{"type": "string", "enum": EventTypes}}
	filter  = obj(map[string]api.Schema{"region": str, "owner": str, "lifecycle": str, "maintainer": str, "uplink": str})
)

func webhookSchema() api.Schema {
	return obj(map[string]api.Schema{"id": str, "name": str, "format": str, "events": strList, "filter": filter,
		"url":          api.Schema{"type": "string", "description": "query values redacted"},
		"has_secret":   {"type": "boolean"},
		"min_duration": str, "source": api.Schema{"type": "string", "enum": []string{"config", "api"}}, "created_at": strTime})
}

func webhookInputSchema() api.Schema {
	s := obj(map[string]api.Schema{"name": str, "url": str, "events": strList, "filter": filter,
		"format":       api.Schema{"type": "string", "enum": sharpeyes.WebhookFormats, "default": FormatJSON},
		"secret":       api.Schema{"type": "string", "writeOnly": true},
		"min_duration": api.Schema{"description": `duration ("5m", "1d") or seconds; less than alerts.max_age`}})
	s["required"] = []string{"url"}
	return s
}

func deadLetterSchema() api.Schema {
	return obj(map[string]api.Schema{"key": str, "type": str, "created_at": strTime, "dead_at": strTime,
		"reason": str, "attempts": {"type": "integer"}, "last_error": str, "alert": {"type": "object"}})
}

func silenceSchema() api.Schema {
	return obj(map[string]api.Schema{"id": str, "camera_id": str, "region": str, "uplink": str, "maintainer": str,
		"start": strTime, "end": strTime, "comment": str, "author": str, "created_at": strTime, "active": {"type": "boolean"}})
}

func silenceInputSchema() api.Schema {
	return obj(map[string]api.Schema{"camera_id": str, "region": str, "uplink": str, "maintainer": str,
		"start":    api.Schema{"type": "string", "format": "date-time", "description": "default now"},
		"end":      strTime,
		"duration": api.Schema{"description": `instead of end: duration ("2h", "1d") or seconds`},
		"comment":  str})
}
