package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
)

func TestAuthAnswers401And403(t *testing.T) {
	a := newAPI(t, nil)
	body := mustJSON(t, sampleCamera("cam-auth"))
	tests := []struct {
		name, method, path, header string
		status                     int
		code, challenge            string
	}{
		{"no token", "GET", "/api/v1/cameras", "", 401, "unauthorized", `Bearer realm="sharpeyes"`},
		{"wrong token", "GET", "/api/v1/cameras", "Bearer not-a-token", 401, "unauthorized", `error="invalid_token"`},
		{"token hash as token", "GET", "/api/v1/cameras", "Bearer " + string(hashHex(viewerToken)), 401, "unauthorized", "Bearer"},
		{"basic scheme", "GET", "/api/v1/cameras", "Basic " + adminToken, 401, "unauthorized", "Bearer"},
		{"empty bearer", "GET", "/api/v1/cameras", "Bearer ", 401, "unauthorized", "Bearer"},
		{"viewer reads", "GET", "/api/v1/cameras", "Bearer " + viewerToken, 200, "", ""},
		{"scheme is case-insensitive", "GET", "/api/v1/cameras", "bearer " + viewerToken, 200, "", ""},
		{"viewer creates", "POST", "/api/v1/cameras", "Bearer " + viewerToken, 403, "forbidden", ""},
		{"operator creates", "POST", "/api/v1/cameras", "Bearer " + operatorToken, 403, "forbidden", ""},
		{"viewer imports", "POST", "/api/v1/cameras/import", "Bearer " + viewerToken, 403, "forbidden", ""},
		{"viewer deletes", "DELETE", "/api/v1/cameras/cam-auth", "Bearer " + viewerToken, 403, "forbidden", ""},
		{"admin creates", "POST", "/api/v1/cameras", "Bearer " + adminToken, 201, "", ""},
		{"healthz needs none", "GET", "/healthz", "", 200, "", ""},
		{"readyz needs none", "GET", "/readyz", "", 200, "", ""},
		{"openapi needs none", "GET", "/api/v1/openapi.json", "", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.header != "" {
				hdr = append(hdr, "Authorization: "+tt.header)
			}
			r := a.do(t, tt.method, tt.path, "", strings.NewReader(body), append(hdr, "Content-Type: application/json")...)
			if tt.code != "" {
				r.mustError(t, tt.status, tt.code, "")
			} else {
				r.mustStatus(t, tt.status)
			}
			if got := r.Header.Get("WWW-Authenticate"); !strings.Contains(got, tt.challenge) || (tt.status == 401) != (got != "") {
				t.Errorf("WWW-Authenticate %q, want it to contain %q on 401 only", got, tt.challenge)
			}
		})
	}
	if strings.Contains(a.logs.String(), adminToken) || strings.Contains(a.logs.String(), viewerToken) {
		t.Fatal("a token secret appears in the log")
	}
	if !strings.Contains(a.logs.String(), "principal=ops-admin") {
		t.Errorf("request log does not name the token holder:\n%s", a.logs.String())
	}
}

func hashHex(secret string) []byte {
	h := api.HashToken(secret)
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 64)
	for _, b := range h {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return out
}

func TestOpenAccessActsAsAdmin(t *testing.T) {
	a := newAPI(t, func(d *api.Deps) { d.Tokens = nil; d.OpenAccess = true })
	a.doJSON(t, http.MethodPost, "/api/v1/cameras", "", sampleCamera("cam-open")).mustStatus(t, http.StatusCreated)
	b := a.with(t, func(d *api.Deps) { d.Tokens = nil })
	b.do(t, http.MethodGet, "/api/v1/cameras", "", nil).mustError(t, http.StatusUnauthorized, "unauthorized", "")
}

func TestMetricsFollowsItsPublicFlagAndTheConsoleAlwaysLoads(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("page " + r.URL.Path))
	})
	base := newAPI(t, nil)
	for _, public := range []bool{false, true} {
		a := base.with(t, func(d *api.Deps) {
			d.Metrics, d.Dashboard = page, page
			d.MetricsPublic, d.DashboardPublic = public, public
		})
		for _, path := range []string{"/metrics", "/", "/assets/app.js"} {
			t.Run(path+map[bool]string{true: " public", false: " guarded"}[public], func(t *testing.T) {
				r := a.do(t, http.MethodGet, path, "", nil)
				if !public && path == "/metrics" {
					r.mustError(t, http.StatusUnauthorized, "unauthorized", "")
					r = a.do(t, http.MethodGet, path, viewerToken, nil)
				}
				r.mustStatus(t, http.StatusOK)
				if string(r.Body) != "page "+path {
					t.Errorf("body %q", r.Body)
				}
			})
		}
		a.do(t, http.MethodGet, "/api/v1/nothing", viewerToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
	}
}

func TestMountedRoutesUseAuthz(t *testing.T) {
	a := newAPI(t, func(d *api.Deps) {
		d.Mount = append(d.Mount, func(r *gin.RouterGroup, auth api.Authz) {
			r.POST("/silences", auth.Require(api.RoleOperator), func(c *gin.Context) {
				p, _ := api.PrincipalOf(c)
				c.JSON(http.StatusCreated, gin.H{"by": p.Name})
			})
		})
	})
	a.do(t, http.MethodPost, "/api/v1/silences", viewerToken, nil).mustError(t, http.StatusForbidden, "forbidden", "")
	r := a.do(t, http.MethodPost, "/api/v1/silences", operatorToken, nil).mustStatus(t, http.StatusCreated)
	if string(r.Body) != `{"by":"ops-operator"}` {
		t.Errorf("principal: %s", r.Body)
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want api.Role
		ok   bool
	}{
		{"viewer", api.RoleViewer, true},
		{" Operator ", api.RoleOperator, true},
		{"ADMIN", api.RoleAdmin, true},
		{"root", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := api.ParseRole(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Fatalf("ParseRole(%q) = %v, %v", tt.in, got, err)
			}
			if tt.ok && got.String() != strings.ToLower(strings.TrimSpace(tt.in)) {
				t.Fatalf("String() = %q", got.String())
			}
		})
	}
	if !(api.RoleViewer < api.RoleOperator && api.RoleOperator < api.RoleAdmin) {
		t.Fatal("roles are not ordered viewer < operator < admin")
	}
}
