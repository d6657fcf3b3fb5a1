package api

import "github.com/sharpeyes/sharpeyes"

// Built-in routes of the OpenAPI document. A test walks the router's routes
// and fails when one under /api/v1 is missing here.

func builtinPaths() map[string]PathItem {
	return map[string]PathItem{
		"/healthz": {"get": Public(&Operation{Summary: "Liveness", Tags: []string{"health"},
			Responses: map[string]Response{"200": {Description: "the process serves HTTP", Content: JSONContent(Ref("Health"))}}})},
		"/readyz": {"get": Public(&Operation{Summary: "Readiness: Redis answers, takes a write and evicts no keys, and the service is ready", Tags: []string{"health"},
			Responses: map[string]Response{
				"200": {Description: "ready", Content: JSONContent(Ref("Health"))},
				"503": {Description: "not ready; reason says why: redis unreachable, redis full, " +
					"redis may evict keys (maxmemory-policy …), or a service check", Content: JSONContent(Ref("Health"))},
			}})},
		"/api/v1/openapi.json": {"get": Public(&Operation{Summary: "This document", Tags: []string{"meta"},
			Responses: map[string]Response{"200": {Description: "OpenAPI 3.0 document", Content: JSONContent(Schema{"type": "object"})}}})},
		"/api/v1/cameras": {
			"get": cameraOp("listCameras", "List cameras with their status", "viewer", append(filterParams(),
				Parameter{Name: "limit", In: "query", Description: "page size",
					Schema: Schema{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}},
				Parameter{Name: "cursor", In: "query", Description: "next_cursor of the previous page",
					Schema: Schema{"type": "string"}}),
				nil, ok("200", "one page of cameras", Ref("CameraList"), "400")),
			"post": cameraOp("createCamera", "Create a camera", "admin", nil, jsonBody(Ref("CameraInput")),
				ok("201", "the created camera", Ref("CameraWithStatus"), "400", "409", "413", "422")),
		},
		"/api/v1/cameras/{id}": {
			"get": cameraOp("getCamera", "One camera with its status", "viewer", idParam(), nil,
				ok("200", "the camera", Ref("CameraWithStatus"), "404")),
			"put": cameraOp("replaceCamera", "Replace a camera (creates it when absent); empty credentials keep the stored ones",
				"admin", idParam(), jsonBody(Ref("CameraInput")),
				ok("200", "the replaced camera (201 when created)", Ref("CameraWithStatus"), "400", "413", "422")),
			"patch": cameraOp("patchCamera", "Change some fields of a camera (JSON merge patch, RFC 7386)", "admin", idParam(),
				&RequestBody{Required: true, Content: map[string]MediaType{
					"application/merge-patch+json": {Schema: Ref("CameraInput")},
					"application/json":             {Schema: Ref("CameraInput")},
				}},
				ok("200", "the changed camera", Ref("CameraWithStatus"), "400", "404", "413", "422")),
			"delete": cameraOp("deleteCamera", "Delete a camera and its live status", "admin", idParam(), nil,
				map[string]Response{"204": {Description: "deleted"}, "404": ErrorResponse("no such camera")}),
		},
		"/api/v1/cameras/{id}/ack": {
			"post": cameraOp("acknowledgeCamera", "Acknowledge a down or degraded camera: someone is on it. Its status shows the acknowledgement until that episode ends",
				"operator", idParam(), &RequestBody{Content: JSONContent(Schema{"type": "object", "properties": map[string]Schema{
					"comment": {"type": "string", "maxLength": sharpeyes.MaxAckComment}}}),
				},
				map[string]Response{"201": {Description: "the acknowledgement", Content: JSONContent(Ref("Acknowledgement"))},
					"400": ErrorResponse(errorDescriptions["400"]), "404": ErrorResponse("no such camera"),
					"409": ErrorResponse("the camera is neither down nor degraded (error.field: state)")}),
			"delete": cameraOp("withdrawAcknowledgement", "Withdraw a camera's acknowledgement", "operator", idParam(), nil,
				map[string]Response{"204": {Description: "withdrawn"}, "404": ErrorResponse("no acknowledgement")}),
		},
		"/api/v1/cameras/{id}/probe": {
			"post": cameraOp("probeCameraNow", "Probe one camera now as the collector would, and read the verdict with its steps and a hint; nothing is recorded",
				"operator", append(idParam(), Parameter{Name: "lang", In: "query", Description: "language of the hint",
					Schema: Schema{"type": "string", "enum": []string{"zh", "en"}, "default": "zh"}}), nil,
				map[string]Response{"200": {Description: "the probe's report (as `sharpeyes probe --json` prints it)", Content: JSONContent(Ref("ProbeReport"))},
					"400": ErrorResponse("bad lang"), "404": ErrorResponse("no such camera"),
					"409": ErrorResponse("a camera without an active probe (error.field: probe)"),
					"429": ErrorResponse("too many probes running now (Retry-After)")}),
		},
		"/api/v1/cameras/import": {"post": importOp("importCameras"), "put": importOp("importCamerasPut")},
		"/api/v1/cameras/export": {"get": cameraOp("exportCameras", "Download the cameras matching the list filters", "viewer",
			append(filterParams(), Parameter{Name: "format", In: "query",
				Schema: Schema{"type": "string", "enum": []string{"csv", "json", "xlsx"}, "default": "csv"}},
				Parameter{Name: "lang", In: "query", Description: "CSV and xlsx headers and owner/lifecycle values: zh writes 设备编码, 公安, 已建, ... as import reads them back",
					Schema: Schema{"type": "string", "enum": []string{"en", "zh"}, "default": "en"}}),
			nil, map[string]Response{
				"200": {Description: "CSV (UTF-8 with BOM), JSON array or .xlsx workbook (frozen header row, date cells), as an attachment", Content: map[string]MediaType{
					"text/csv": {Schema: Schema{"type": "string"}},
					xlsxType:   {Schema: Schema{"type": "string", "format": "binary"}},
					"application/json": {Schema: Schema{"type": "object", "required": []string{"items"},
						"properties": map[string]Schema{"items": {"type": "array", "items": Ref("Camera")}}}},
				}},
				"400": ErrorResponse("bad query parameter"),
			})},
	}
}

// importOp documents the import, which POST and PUT (curl -T) both do.
func importOp(id string) *Operation {
	return cameraOp(id,
		"Import cameras from CSV, a JSON array or an .xlsx workbook (upsert by id; nothing written when a row is bad)", "admin",
		[]Parameter{
			boolQuery("dry_run", "validate and count without writing"),
			boolQuery("skip_invalid", "write the good rows, report the bad ones"),
			{Name: "mode", In: "query", Description: "create: an id already stored is an error",
				Schema: Schema{"type": "string", "enum": []string{"upsert", "create"}, "default": "upsert"}},
			{Name: "sheet", In: "query", Description: "the sheet of a workbook to read (default the first)",
				Schema: Schema{"type": "string"}},
		},
		&RequestBody{Required: true, Content: map[string]MediaType{
			"text/csv": {Schema: Schema{"type": "string", "description": "UTF-8 (BOM optional) or GBK; English or Chinese headers"}},
			"application/json": {Schema: Schema{"description": `an array of cameras, or {"items": [...]} as the export writes`,
				"oneOf": []Schema{
					{"type": "array", "items": Ref("CameraInput")},
					{"type": "object", "properties": map[string]Schema{"items": {"type": "array", "items": Ref("CameraInput")}}},
				}}},
			xlsxType: {Schema: Schema{"type": "string", "format": "binary",
				"description": "first sheet (or ?sheet=), header row as CSV's; bounded by the body limit and unzipped size"}},
			"multipart/form-data": {Schema: Schema{"type": "object", "description": "the first file part is the file (curl -F file=@cameras.csv); its name's extension (.csv, .json, .xlsx) or its type tells the format",
				"properties": map[string]Schema{"file": {"type": "string", "format": "binary"}}}},
			"application/octet-stream": {Schema: Schema{"type": "string", "format": "binary",
				"description": "any other or no type (curl -T): the format is detected (xlsx by its zip signature, JSON by [ or {, else CSV); refused in open mode"}},
		}},
		map[string]Response{
			"200": {Description: "what was (or, in a dry run, would be) written", Content: JSONContent(Ref("ImportResult"))},
			"400": ErrorResponse("bad query parameter, or a form without a file"),
			"413": ErrorResponse("body over the size limit"),
			"422": {Description: "bad rows stopped the import; nothing was written", Content: JSONContent(Ref("ImportFailure"))},
		})
}

// cameraOp builds an operation guarded by role, adding the 401/403 responses
// every guarded route can give.
func cameraOp(id, summary, role string, params []Parameter, body *RequestBody, responses map[string]Response) *Operation {
	responses["401"] = ErrorResponse("no valid bearer token")
	responses["403"] = ErrorResponse("the token's role is too low")
	return &Operation{OperationID: id, Summary: summary, Tags: []string{"cameras"}, MinRole: role,
		Parameters: params, RequestBody: body, Responses: responses}
}

var errorDescriptions = map[string]string{
	"400": "bad query parameter or malformed body (error.field names it)",
	"404": "no such camera",
	"409": "the id is taken",
	"413": "body over the size limit",
	"422": "invalid camera fields (error.field and error.fields name them)",
}

// ok returns the success response plus the named error responses.
func ok(status, description string, s Schema, errs ...string) map[string]Response {
	out := map[string]Response{status: {Description: description, Content: JSONContent(s)}}
	for _, e := range errs {
		out[e] = ErrorResponse(errorDescriptions[e])
	}
	return out
}

func jsonBody(s Schema) *RequestBody { return &RequestBody{Required: true, Content: JSONContent(s)} }

func idParam() []Parameter {
	return []Parameter{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "string"}}}
}

func boolQuery(name, description string) Parameter {
	return Parameter{Name: name, In: "query", Description: description, Schema: Schema{"type": "boolean", "default": false}}
}

// FilterParams returns the camera filter parameters that ParseFilter reads,
// for the documents of other packages' routes that take them.
func FilterParams() []Parameter { return filterParams() }

func filterParams() []Parameter {
	str := func(name, description string) Parameter {
		return Parameter{Name: name, In: "query", Description: description, Schema: Schema{"type": "string"}}
	}
	enum := func(name string, values []string) Parameter {
		return Parameter{Name: name, In: "query", Schema: Schema{"type": "string", "enum": values}}
	}
	return []Parameter{
		str("region", "region prefix on whole segments, e.g. 荷塘区/月塘街道"),
		enum("owner", names(sharpeyes.Owners)),
		enum("lifecycle", names(sharpeyes.Lifecycles)),
		enum("state", names(sharpeyes.States)),
		str("maintainer", "maintenance contractor, exact"),
		str("uplink", "switch/NVR/fibre segment, exact"),
		str("q", "substring of the id or name"),
	}
}

// names returns enum values as strings, for schemas.
func names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}
