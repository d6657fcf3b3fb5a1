package api

import (
	"encoding/json"
	"maps"
	"net/http"

	"github.com/gin-gonic/gin"
)

// PathItem is the OpenAPI 3.0 description of one path: its operations keyed
// by lower-case method ("get", "post", ...).
type PathItem map[string]*Operation

// Operation is the OpenAPI description of one route.
type Operation struct {
	Summary     string              `json:"summary"`
	Description string              `json:"description,omitempty"`
	OperationID string              `json:"operationId,omitempty"`
	Tags        []string            `json:"tags,omitempty"`
	Parameters  []Parameter         `json:"parameters,omitempty"`
	RequestBody *RequestBody        `json:"requestBody,omitempty"`
	Responses   map[string]Response `json:"responses"`
	// MinRole is the least role that may call the route ("" when public),
	// shown as the x-min-role extension.
	MinRole string `json:"x-min-role,omitempty"`
	// Public routes need no token: the document's default bearer
	// requirement is lifted with "security": [].
	Public bool `json:"-"`
}

// MarshalJSON writes the operation, adding "security": [] when it is
// public. It fails only when a schema holds a value JSON cannot encode.
func (op Operation) MarshalJSON() ([]byte, error) {
	type plain Operation
	if !op.Public {
		return json.Marshal(plain(op))
	}
	return json.Marshal(struct {
		plain
		Security []struct{} `json:"security"`
	}{plain(op), []struct{}{}})
}

// Parameter is a query or path parameter.
type Parameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Schema      Schema `json:"schema"`
}

// Schema is a JSON Schema object, written as a map for brevity.
type Schema map[string]any

// RequestBody describes a request body by media type.
type RequestBody struct {
	Required bool                 `json:"required,omitempty"`
	Content  map[string]MediaType `json:"content"`
}

// Response describes one response by media type.
type Response struct {
	Description string               `json:"description"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// MediaType holds the schema of one media type.
type MediaType struct {
	Schema Schema `json:"schema"`
}

// Ref returns a schema referring to a component schema of the document
// (Camera, CameraInput, CameraWithStatus, Status, Error, ImportResult, ...).
func Ref(name string) Schema { return Schema{"$ref": "#/components/schemas/" + name} }

// JSONContent returns a JSON media type map with the given schema.
func JSONContent(s Schema) map[string]MediaType {
	return map[string]MediaType{"application/json": {Schema: s}}
}

// ErrorResponse returns the response of an error status in the JSON error
// shape of the API.
func ErrorResponse(description string) Response {
	return Response{Description: description, Content: JSONContent(Ref("Error"))}
}

// Public marks an operation as needing no token and returns it.
func Public(op *Operation) *Operation {
	op.Public = true
	op.MinRole = ""
	return op
}

// openAPIDocument returns the document of the built-in routes plus extra
// (the routes of Deps.Mount).
func openAPIDocument(extra map[string]PathItem) map[string]any {
	paths := builtinPaths()
	maps.Copy(paths, extra)
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "sharpeyes API",
			"version":     "1",
			"description": "Inventory and live health of a city's public video network.",
		},
		"servers":  []map[string]string{{"url": "/"}},
		"security": []map[string][]string{{"bearer": {}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]string{"type": "http", "scheme": "bearer"},
			},
			"schemas": componentSchemas(),
		},
	}
}

// serveOpenAPI answers with the document, encoded once.
func serveOpenAPI(doc map[string]any) gin.HandlerFunc {
	raw, err := json.MarshalIndent(doc, "", "  ")
	return func(c *gin.Context) {
		if err != nil {
			Fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", raw)
	}
}
