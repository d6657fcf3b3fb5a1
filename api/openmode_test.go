package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/api"
)

// With no tokens (open mode on loopback), a web page elsewhere must not be
// able to drive the API through the operator's browser: cross-site writes,
// DNS-rebinding hosts and undeclared body types are refused (SPEC "Auth").
func TestOpenModeRefusesCrossSiteAndRebindingRequests(t *testing.T) {
	a := newAPI(t, func(d *api.Deps) { d.Tokens = nil; d.OpenAccess = true })
	own := strings.TrimPrefix(a.URL, "http://")
	camera := `{"id":"cam-x","name":"x","host":"127.0.0.1"}`
	silence := `{"region":"荷塘区","start":"2026-11-01T00:00:00Z","end":"2027-01-22T00:00:00Z","comment":"x"}`
	cases := []struct {
		name, method, path, host, origin, ctype, body string
		status                                        int
		code                                          string
	}{
		{"text/plain camera from another site", "POST", "/api/v1/cameras", own, "http://attacker.example", "text/plain", camera, 403, "forbidden"},
		{"json camera from another site", "POST", "/api/v1/cameras", own, "http://attacker.example", "application/json", camera, 403, "forbidden"},
		{"silence from another site", "POST", "/api/v1/silences", own, "http://attacker.example", "application/json", silence, 403, "forbidden"},
		{"import as text/plain", "POST", "/api/v1/cameras/import", own, "", "text/plain", "id,name,host\ncam-y,y,127.0.0.1\n", 415, "unsupported_media_type"},
		{"import with no type", "POST", "/api/v1/cameras/import", own, "", "", "id,name,host\ncam-y,y,127.0.0.1\n", 415, "unsupported_media_type"},
		{"rebound host reading cameras", "GET", "/api/v1/cameras", "attacker.example:" + strings.Split(own, ":")[1], "", "", "", 403, "forbidden"},
		{"rebound host writing", "POST", "/api/v1/cameras", "attacker.example", "", "application/json", camera, 403, "forbidden"},
		{"own origin writes", "POST", "/api/v1/cameras", own, "http://" + own, "application/json", camera, 201, ""},
		{"localhost host reads", "GET", "/api/v1/cameras", "localhost:" + strings.Split(own, ":")[1], "", "", "", 200, ""},
		{"curl import as csv", "POST", "/api/v1/cameras/import", own, "", "text/csv; charset=utf-8", "id,name,host\ncam-y,y,127.0.0.1\n", 200, ""},
		{"delete without body", "DELETE", "/api/v1/cameras/cam-x", own, "", "", "", 204, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, a.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tc.host
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var r reply
			r.Status = res.StatusCode
			if r.Body, err = io.ReadAll(res.Body); err != nil {
				t.Fatal(err)
			}
			if tc.code == "" {
				r.mustStatus(t, tc.status)
				if tc.name == "curl import as csv" && !strings.Contains(string(r.Body), `"created":1`) {
					t.Fatalf("import: %s, want the row created (no refused import stored it)", r.Body)
				}
				return
			}
			r.mustError(t, tc.status, tc.code, "")
		})
	}
	// Nothing the refused requests carried was stored: the camera and the
	// import rows above were created only by the allowed requests (201,
	// and "created":1).
}
