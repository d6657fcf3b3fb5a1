package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/web"
)

// SPEC "Auth": the console's own files always load and ask for a token;
// its data needs one. dashboard_public: false used to answer the files
// with 401, so the console could not even show its token prompt.
func TestConsoleFilesAlwaysLoadAndItsDataNeedsAToken(t *testing.T) {
	for _, public := range []bool{false, true} {
		a := newAPI(t, func(d *api.Deps) { d.Dashboard, d.DashboardPublic = web.Handler(), public })
		name := map[bool]string{true: "public", false: "not public"}[public]
		for _, tc := range []struct{ path, contains string }{
			{"/", `id="token"`},
			{"/index.html", `id="token"`}, // redirected to / by http.FileServer
			{"/app.js", "sessionStorage"},
			{"/app.css", "#auth"},
			{"/time.js", "function"},
		} {
			t.Run(name+" "+tc.path, func(t *testing.T) {
				r := a.do(t, http.MethodGet, tc.path, "", nil)
				r.mustStatus(t, http.StatusOK)
				if !strings.Contains(string(r.Body), tc.contains) {
					t.Errorf("GET %s does not contain %q", tc.path, tc.contains)
				}
			})
		}
		for _, path := range []string{"/api/v1/cameras", "/api/v1/cameras/export"} {
			a.do(t, http.MethodGet, path, "", nil).mustError(t, http.StatusUnauthorized, "unauthorized", "")
			a.do(t, http.MethodGet, path, viewerToken, nil).mustStatus(t, http.StatusOK)
		}
	}
}
