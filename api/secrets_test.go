package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
)

func TestCameraPasswordNeverInAnyResponse(t *testing.T) {
	const password, username = "hunter2-secret", "admin-user-77"
	a := newAPI(t, nil)
	var bodies [][]byte
	keep := func(r reply) { bodies = append(bodies, r.Body) }

	in := sampleCamera("cam-secret")
	in["username"], in["password"] = username, password
	keep(a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken, in).mustStatus(t, http.StatusCreated))
	in2 := sampleCamera("cam-secret-2")
	in2["password"] = password
	keep(a.doJSON(t, http.MethodPost, "/api/v1/cameras/import", adminToken, []any{in2}).mustStatus(t, http.StatusOK))
	keep(a.doJSON(t, http.MethodPatch, "/api/v1/cameras/cam-secret", adminToken,
		map[string]any{"password": password, "name": "patched"}).mustStatus(t, http.StatusOK))
	in["name"] = "put"
	keep(a.doJSON(t, http.MethodPut, "/api/v1/cameras/cam-secret", adminToken, in).mustStatus(t, http.StatusOK))

	for _, path := range []string{
		"/api/v1/cameras/cam-secret",
		"/api/v1/cameras/cam-secret-2",
		"/api/v1/cameras",
		"/api/v1/cameras?q=cam-secret",
		"/api/v1/cameras/export?format=csv",
		"/api/v1/cameras/export?format=json",
		"/api/v1/openapi.json",
	} {
		keep(a.do(t, http.MethodGet, path, viewerToken, nil).mustStatus(t, http.StatusOK))
	}
	for i, b := range bodies {
		if bytes.Contains(b, []byte(password)) || bytes.Contains(b, []byte(username)) {
			t.Errorf("response %d carries the credentials: %.300s", i, b)
		}
		if bytes.Contains(b, []byte(`"password"`)) && !bytes.Contains(b, []byte(`"openapi"`)) {
			t.Errorf("response %d has a password member: %.300s", i, b)
		}
	}
	if bytes.Contains([]byte(a.logs.String()), []byte(password)) {
		t.Error("the password appears in the log")
	}

	// The secret was stored, so the checks above looked at real data.
	creds, err := a.Store.Credentials(context.Background(), []string{"cam-secret", "cam-secret-2"})
	if err != nil {
		t.Fatal(err)
	}
	if creds["cam-secret"].Password != password || creds["cam-secret"].Username != username ||
		creds["cam-secret-2"].Password != password {
		t.Fatalf("stored credentials: %v", creds)
	}
}
