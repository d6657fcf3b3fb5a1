package api

import "github.com/sharpeyes/sharpeyes"

// componentSchemas are the shared schemas of the document. They follow the
// JSON of sharpeyes.Camera, statusView, cameraList, inventory.Result and
// errorBody; a test decodes real responses against their required members.
func componentSchemas() map[string]Schema {
	str := Schema{"type": "string"}
	num := Schema{"type": "number"}
	integer := Schema{"type": "integer"}
	date := Schema{"type": "string", "format": "date"}
	stamp := Schema{"type": "string", "format": "date-time", "nullable": true}
	camera := map[string]Schema{
		"id":           {"type": "string", "description": "20-digit GB/T 28181 code, or [A-Za-z0-9._-]{1,64} with a non-digit"},
		"name":         {"type": "string", "maxLength": 128},
		"host":         {"type": "string", "description": "IPv4, IPv6 or DNS name"},
		"port":         {"type": "integer", "minimum": 0, "maximum": 65535},
		"probe":        {"type": "string", "enum": append(names(sharpeyes.ProbeKinds), string(sharpeyes.ProbeGB28181))},
		"path":         str,
		"region":       {"type": "string", "description": "district/township/grid"},
		"owner":        {"type": "string", "enum": names(sharpeyes.Owners)},
		"lifecycle":    {"type": "string", "enum": names(sharpeyes.Lifecycles)},
		"maintainer":   str,
		"uplink":       str,
		"lat":          {"type": "number", "minimum": -90, "maximum": 90},
		"lon":          {"type": "number", "minimum": -180, "maximum": 180},
		"due":          date,
		"installed_at": date,
		"tags":         {"type": "object", "additionalProperties": str},
		"gb_device":    {"type": "string", "description": "GB/T 28181 device whose catalog lists this camera as a channel"},
	}
	withGB := clone(camera)
	withGB["gb"] = Schema{"type": "object", "readOnly": true, "description": "parsed GB/T 28181 code"}
	input := clone(camera)
	input["username"] = Schema{"type": "string", "writeOnly": true}
	input["password"] = Schema{"type": "string", "writeOnly": true, "format": "password"}
	withStatus := clone(withGB)
	withStatus["status"] = Ref("Status")
	return map[string]Schema{
		"Camera":      {"type": "object", "required": []string{"id", "name", "probe", "lifecycle"}, "properties": withGB},
		"CameraInput": {"type": "object", "required": []string{"id", "name"}, "properties": input},
		"CameraWithStatus": {"type": "object", "required": []string{"id", "name", "probe", "lifecycle", "status"},
			"properties": withStatus},
		"Status": {"type": "object", "required": []string{"state", "reason", "since", "last_probe",
			"latency_ms", "consecutive_failures", "clock_offset_s"},
			"properties": map[string]Schema{
				"state":                {"type": "string", "enum": names(sharpeyes.States)},
				"reason":               {"type": "string", "description": "timeout, refused, rtsp_401, ...; empty when up"},
				"since":                stamp,
				"last_probe":           stamp,
				"latency_ms":           num,
				"consecutive_failures": integer,
				"clock_offset_s":       {"type": "number", "nullable": true},
				"acknowledgement":      Ref("Acknowledgement"),
			}},
		"ProbeReport": {"type": "object", "required": []string{"target", "probe", "state", "reason", "latency_ms", "steps"},
			"properties": map[string]Schema{
				"target": {"type": "string", "description": "the probed address as a URL, password hidden"},
				"camera": {"type": "object", "properties": map[string]Schema{"id": str, "name": str}},
				"probe":  str, "state": {"type": "string", "enum": names(sharpeyes.States)}, "reason": str,
				"detail": str, "hint": str, "latency_ms": num, "auth": str,
				"clock_offset_s": num,
				"codecs":         {"type": "array", "items": Schema{"type": "object"}},
				"steps": {"type": "array", "items": Schema{"type": "object", "required": []string{"name", "duration_ms", "ok"},
					"properties": map[string]Schema{"name": str, "duration_ms": num, "ok": {"type": "boolean"}, "detail": str}}},
			}},
		"Acknowledgement": {"type": "object", "required": []string{"camera_id", "state", "since", "by", "at"},
			"description": "an operator's acknowledgement of the current down or degraded episode (present only while it lasts)",
			"properties": map[string]Schema{
				"camera_id": str, "state": {"type": "string", "enum": []string{"down", "degraded"}},
				"since": stamp, "by": {"type": "string", "description": "the token's name"}, "at": stamp, "comment": str,
			}},
		"CameraList": {"type": "object", "required": []string{"items", "next_cursor"}, "properties": map[string]Schema{
			"items":       {"type": "array", "items": Ref("CameraWithStatus")},
			"next_cursor": {"type": "string", "description": "empty on the last page"},
		}},
		"RowError": {"type": "object", "required": []string{"line", "column", "message"}, "properties": map[string]Schema{
			"line": integer, "column": str, "message": str,
			"header": {"type": "string", "description": "the column's header as the file spells it, for a file with Chinese headers (whose messages are in Chinese)"},
			"cell":   {"type": "string", "description": "the cell of a workbook row error, like H12"},
		}},
		"ImportResult": {"type": "object", "required": []string{"created", "updated", "skipped", "errors", "dry_run"},
			"properties": importProps()},
		"ImportFailure": {"type": "object", "required": []string{"created", "updated", "errors", "error"},
			"properties": func() map[string]Schema {
				p := importProps()
				p["error"] = errorDetailSchema()
				return p
			}()},
		"Error": {"type": "object", "required": []string{"error"},
			"properties": map[string]Schema{"error": errorDetailSchema()}},
		"Health": {"type": "object", "required": []string{"status"}, "properties": map[string]Schema{
			"status": {"type": "string", "enum": []string{"ok", "unavailable"}}, "reason": str,
		}},
	}
}

func importProps() map[string]Schema {
	integer := Schema{"type": "integer"}
	return map[string]Schema{
		"created": integer, "updated": integer, "skipped": integer, "credentials_cleared": integer,
		"errors":  {"type": "array", "items": Ref("RowError")},
		"dry_run": {"type": "boolean"},
		"nothing_imported": {"type": "string",
			"description": "present when the import writes (or would write) no camera: why (no rows, every row bad, ...)"},
	}
}

func errorDetailSchema() Schema {
	str := Schema{"type": "string"}
	return Schema{"type": "object", "required": []string{"code", "message"}, "properties": map[string]Schema{
		"code": str, "message": str,
		"field":  {"type": "string", "description": "the bad parameter or field"},
		"fields": {"type": "array", "items": Schema{"type": "object"}},
	}}
}

func clone(m map[string]Schema) map[string]Schema {
	out := make(map[string]Schema, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}
