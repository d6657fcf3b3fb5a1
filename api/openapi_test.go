package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
)

// openAPIDoc is the part of the document the tests check.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// undocumented returns the routes under /api/v1 that the served document
// lacks, as "METHOD /path".
func undocumented(t *testing.T, a *testAPI) []string {
	t.Helper()
	var doc openAPIDoc
	a.do(t, http.MethodGet, "/api/v1/openapi.json", "", nil).mustStatus(t, http.StatusOK).decode(t, &doc)
	param := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	var missing []string
	for _, r := range a.Engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			missing = append(missing, r.Method+" "+p)
		}
	}
	sort.Strings(missing)
	return missing
}

// mountReports adds a route the way the reports package will, documented
// only when doc is set.
func mountReports(doc bool) func(*api.Deps) {
	return func(d *api.Deps) {
		d.Mount = append(d.Mount, func(r *gin.RouterGroup, auth api.Authz) {
			r.GET("/reports/:kind", auth.Require(api.RoleViewer), func(c *gin.Context) { c.Status(http.StatusOK) })
		})
		if doc {
			d.Docs = map[string]api.PathItem{"/api/v1/reports/{kind}": {"get": &api.Operation{
				Summary: "a report", Parameters: api.FilterParams(),
				Responses: map[string]api.Response{"200": {Description: "ok"}}}}}
		}
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	a := newAPI(t, mountReports(true))
	if missing := undocumented(t, a); len(missing) > 0 {
		t.Fatalf("routes missing from openapi.json: %v", missing)
	}
	// The check itself notices a route without a description.
	b := a.with(t, mountReports(false))
	if missing := undocumented(t, b); len(missing) != 1 || missing[0] != "GET /api/v1/reports/{kind}" {
		t.Fatalf("undocumented route not noticed: %v", missing)
	}
}

func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	a := newAPI(t, nil)
	r := a.do(t, http.MethodGet, "/api/v1/openapi.json", "", nil).mustStatus(t, http.StatusOK)
	var doc openAPIDoc
	r.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	for _, ref := range regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllSubmatch(r.Body, -1) {
		if _, ok := doc.Components.Schemas[string(ref[1])]; !ok {
			t.Errorf("dangling $ref to %s", ref[1])
		}
	}
	public := map[string]bool{"/healthz": true, "/readyz": true, "/api/v1/openapi.json": true}
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Responses  map[string]json.RawMessage
				Parameters []struct{ Name, In string }
				Security   *[]any
			}
			if err := json.Unmarshal(raw, &op); err != nil || len(op.Responses) == 0 {
				t.Errorf("%s %s: no responses (%v)", method, path, err)
			}
			if isPublic := op.Security != nil && len(*op.Security) == 0; isPublic != public[path] {
				t.Errorf("%s %s: public %v, want %v", method, path, isPublic, public[path])
			}
			for _, p := range op.Parameters {
				if p.In == "path" && !strings.Contains(path, "{"+p.Name+"}") {
					t.Errorf("%s %s: path parameter %s not in the path", method, path, p.Name)
				}
			}
		}
	}
}
