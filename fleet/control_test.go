package fleet

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestControlAPI(t *testing.T) {
	f := mustStart(t, testConfig())
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	ok, refused := pick(t, f, sharpeyes.ProbeRTSP, OK), pick(t, f, sharpeyes.ProbeRTSP, Refused)
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"set silent", "POST", "/cameras/" + ok.ID + "?behavior=silent", 200},
		{"unknown camera", "POST", "/cameras/nope?behavior=silent", 404},
		{"bad behaviour", "POST", "/cameras/" + ok.ID + "?behavior=melted", 400},
		{"fixed", "POST", "/cameras/" + refused.ID + "?behavior=ok", 409},
		{"list", "GET", "/cameras", 200},
		{"list filter", "GET", "/cameras?behavior=melted", 400},
		{"hits", "GET", "/hits", 200},
		{"reset hits", "DELETE", "/hits", 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	if f.Behavior(ok.ID) != Silent {
		t.Errorf("behaviour after POST: %s", f.Behavior(ok.ID))
	}
	var silent []CameraState
	getJSON(t, srv, "/cameras?behavior=silent", &silent)
	found := false
	for _, c := range silent {
		found = found || c.ID == ok.ID
		if c.Behavior != Silent || c.ExpectedState != sharpeyes.StateDown {
			t.Errorf("listed %+v", c)
		}
	}
	if !found {
		t.Errorf("%s missing from the silent cameras", ok.ID)
	}
}

func getJSON(t *testing.T, srv *httptest.Server, path string, v any) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
