package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

// cameraJSON is a camera as the API returns it.
type cameraJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Host       string            `json:"host"`
	Port       int               `json:"port"`
	Probe      string            `json:"probe"`
	Region     string            `json:"region"`
	Owner      string            `json:"owner"`
	Lifecycle  string            `json:"lifecycle"`
	Maintainer string            `json:"maintainer"`
	Uplink     string            `json:"uplink"`
	Tags       map[string]string `json:"tags"`
	Status     map[string]any    `json:"status"`
}

type listJSON struct {
	Items      []cameraJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

func sampleCamera(id string) map[string]any {
	return map[string]any{
		"id": id, "name": "月塘街道网格12-路口1号", "host": "127.20.1.5", "probe": "rtsp",
		"path": "/Streaming/Channels/101", "region": "荷塘区/月塘街道/网格12", "owner": "police",
		"lifecycle": "active", "maintainer": "湖南联通运维", "uplink": "SW-月塘-001",
		"tags": map[string]string{"pole": "P-17"},
	}
}

func TestCameraCreateGetPutPatchDelete(t *testing.T) {
	a := newAPI(t, nil)
	const path = "/api/v1/cameras/cam-001"

	r := a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken, sampleCamera("cam-001")).mustStatus(t, http.StatusCreated)
	if loc := r.Header.Get("Location"); loc != path {
		t.Errorf("Location %q, want %q", loc, path)
	}
	var got cameraJSON
	a.do(t, http.MethodGet, path, viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &got)
	if got.Name != "月塘街道网格12-路口1号" || got.Port != 554 || got.Region != "荷塘区/月塘街道/网格12" {
		t.Errorf("get: %+v", got)
	}
	assertUnknownStatus(t, got.Status)

	a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken, sampleCamera("cam-001")).
		mustError(t, http.StatusConflict, "conflict", "")

	put := sampleCamera("")
	put["name"] = "replaced"
	delete(put, "tags")
	got = cameraJSON{}
	a.doJSON(t, http.MethodPut, path, adminToken, put).mustStatus(t, http.StatusOK).decode(t, &got)
	if got.Name != "replaced" || got.Tags != nil || got.ID != "cam-001" {
		t.Errorf("put (full replace, id from path): %+v", got)
	}
	put["id"] = "cam-002"
	a.doJSON(t, http.MethodPut, path, adminToken, put).mustError(t, http.StatusBadRequest, "bad_request", "id")

	patch := map[string]any{"name": "patched", "maintainer": nil, "tags": map[string]any{"pole": "P-18"}, "port": 8554}
	a.doJSON(t, http.MethodPatch, path, adminToken, patch).mustStatus(t, http.StatusOK)
	got = cameraJSON{}
	a.do(t, http.MethodGet, path, viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &got)
	if got.Name != "patched" || got.Maintainer != "" || got.Tags["pole"] != "P-18" || got.Port != 8554 ||
		got.Uplink != "SW-月塘-001" || got.Host != "127.20.1.5" {
		t.Errorf("after patch: %+v", got)
	}
	a.doJSON(t, http.MethodPatch, path, adminToken, map[string]any{"owner": "army"}).
		mustError(t, http.StatusUnprocessableEntity, "invalid", "owner")
	a.doJSON(t, http.MethodPatch, "/api/v1/cameras/nope", adminToken, map[string]any{"name": "x"}).
		mustError(t, http.StatusNotFound, "not_found", "")

	a.do(t, http.MethodDelete, path, adminToken, nil).mustStatus(t, http.StatusNoContent)
	a.do(t, http.MethodGet, path, viewerToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
	a.do(t, http.MethodDelete, path, adminToken, nil).mustError(t, http.StatusNotFound, "not_found", "")

	a.doJSON(t, http.MethodPut, "/api/v1/cameras/cam-003", adminToken, sampleCamera("cam-003")).
		mustStatus(t, http.StatusCreated)
}

func assertUnknownStatus(t *testing.T, st map[string]any) {
	t.Helper()
	for _, k := range []string{"state", "reason", "since", "last_probe", "latency_ms", "consecutive_failures", "clock_offset_s"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status lacks %q: %v", k, st)
		}
	}
	if st["state"] != "unknown" || st["since"] != nil || st["last_probe"] != nil {
		t.Errorf("never probed camera: status %v, want unknown with null times", st)
	}
}

func TestCameraWriteErrorsNameTheField(t *testing.T) {
	a := newAPI(t, nil)
	noName := sampleCamera("cam-1")
	delete(noName, "name")
	tests := []struct {
		name   string
		body   string
		status int
		code   string
		field  string
	}{
		{"missing name", mustJSON(t, noName), http.StatusUnprocessableEntity, "invalid", "name"},
		{"bad id", `{"id":"12345","name":"x","host":"127.0.0.1"}`, http.StatusUnprocessableEntity, "invalid", "id"},
		{"port as string", `{"id":"c1","name":"x","host":"127.0.0.1","port":"554"}`, http.StatusBadRequest, "bad_request", "port"},
		{"tag as number", `{"id":"c1","name":"x","host":"127.0.0.1","tags":{"pole":17}}`, http.StatusBadRequest, "bad_request", "tags"},
		{"unknown member", `{"id":"c1","name":"x","host":"127.0.0.1","lifecyle":"active"}`, http.StatusBadRequest, "bad_request", "lifecyle"},
		{"not json", `id=c1`, http.StatusBadRequest, "bad_request", "body"},
		{"array", `[{"id":"c1"}]`, http.StatusBadRequest, "bad_request", "body"},
		{"empty", ``, http.StatusBadRequest, "bad_request", "body"},
		{"trailing data", `{"id":"c1","name":"x","host":"127.0.0.1"} {}`, http.StatusBadRequest, "bad_request", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.do(t, http.MethodPost, "/api/v1/cameras", adminToken, strings.NewReader(tt.body), "Content-Type: application/json").
				mustError(t, tt.status, tt.code, tt.field)
		})
	}
}

func TestCameraStatusFromStore(t *testing.T) {
	a := newAPI(t, nil)
	a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken, sampleCamera("cam-down")).mustStatus(t, http.StatusCreated)
	seedStatus(t, a, "cam-down", sharpeyes.StateDown, sharpeyes.ReasonTimeout)

	var got cameraJSON
	a.do(t, http.MethodGet, "/api/v1/cameras/cam-down", viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &got)
	st := got.Status
	if st["state"] != "down" || st["reason"] != "timeout" || st["since"] != "2025-03-01T08:00:00Z" ||
		st["consecutive_failures"] != float64(2) || st["latency_ms"] != float64(0) {
		t.Errorf("status %v, want down/timeout since 2025-03-01T08:00:00Z after 2 failures", st)
	}
}

// seedStatus records a status for id as the collector would.
func seedStatus(t testing.TB, a *testAPI, id string, state sharpeyes.State, reason string) {
	t.Helper()
	seedStatuses(t, a, map[string]sharpeyes.State{id: state}, reason)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
