package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
)

// mountTestRoutes adds routes that panic and fail with an internal error.
func mountTestRoutes(d *api.Deps) {
	d.Mount = append(d.Mount, func(r *gin.RouterGroup, auth api.Authz) {
		r.GET("/test/panic", auth.Require(api.RoleViewer), func(*gin.Context) { panic("boom at 10.9.8.7") })
		r.GET("/test/internal", auth.Require(api.RoleViewer), func(c *gin.Context) {
			api.Fail(c, errors.New("redis at 10.9.8.7:6379: connection refused"))
		})
	})
}

func TestFailuresAnswerInternalErrorAndLogTheCause(t *testing.T) {
	a := newAPI(t, mountTestRoutes)
	for _, path := range []string{"/api/v1/test/panic", "/api/v1/test/internal"} {
		t.Run(path, func(t *testing.T) {
			r := a.do(t, http.MethodGet, path, viewerToken, nil)
			e := r.mustError(t, http.StatusInternalServerError, "internal", "")
			if e.Error.Message != "internal error" || bytes.Contains(r.Body, []byte("10.9.8.7")) {
				t.Fatalf("500 body shows the cause: %s", r.Body)
			}
		})
	}
	logs := a.logs.String()
	if !strings.Contains(logs, "handler panicked") || !strings.Contains(logs, "connection refused") {
		t.Fatalf("the causes are not logged:\n%s", logs)
	}
}

func TestUnknownRouteAndMethodAnswerJSON(t *testing.T) {
	a := newAPI(t, nil)
	a.do(t, http.MethodGet, "/api/v1/nope", viewerToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
	a.do(t, http.MethodGet, "/", viewerToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
	a.do(t, http.MethodPost, "/api/v1/cameras/cam-1", adminToken, nil).
		mustError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
}

func TestStaticSegmentsBesideTheIDParameter(t *testing.T) {
	a := newAPI(t, nil)
	a.do(t, http.MethodGet, "/api/v1/cameras/export", viewerToken, nil).mustStatus(t, http.StatusOK)
	a.do(t, http.MethodPost, "/api/v1/cameras/import", adminToken, strings.NewReader("[]"),
		"Content-Type: application/json").mustStatus(t, http.StatusOK)
	// GET /cameras/import is a camera named "import", which does not exist.
	a.do(t, http.MethodGet, "/api/v1/cameras/import", viewerToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
}

func TestRequestLogOneLinePerRequest(t *testing.T) {
	logs := &syncBuffer{}
	a := newAPI(t, func(d *api.Deps) {
		d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	a.do(t, http.MethodGet, "/healthz", "", nil).mustStatus(t, http.StatusOK)
	a.do(t, http.MethodGet, "/api/v1/cameras?q=secretish", viewerToken, nil).mustStatus(t, http.StatusOK)
	a.do(t, http.MethodGet, "/api/v1/cameras/none", viewerToken, nil).mustStatus(t, http.StatusNotFound)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines at Info, want 2 (healthz at Debug):\n%s", len(lines), logs.String())
	}
	for i, want := range []string{"path=/api/v1/cameras route=/api/v1/cameras status=200",
		"path=/api/v1/cameras/none route=/api/v1/cameras/:id status=404"} {
		if !strings.Contains(lines[i], "method=GET "+want) || !strings.Contains(lines[i], "latency=") ||
			!strings.Contains(lines[i], "remote=127.0.0.1:") {
			t.Errorf("line %d: %s\nwant %q, latency and remote", i, lines[i], want)
		}
	}
	if strings.Contains(logs.String(), "secretish") || strings.Contains(logs.String(), viewerToken) {
		t.Errorf("the query string or token is logged:\n%s", logs.String())
	}
}

func TestReadyz(t *testing.T) {
	base := newAPI(t, nil)
	tests := []struct {
		name   string
		ready  func(context.Context) error
		status int
		reason string
	}{
		{"ready", func(context.Context) error { return nil }, 200, ""},
		{"not ready with reason", func(context.Context) error { return api.NotReady("first sweep running") }, 503, "first sweep running"},
		{"not ready, cause hidden", func(context.Context) error { return errors.New("lease at 10.1.1.1") }, 503, "not ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base.with(t, func(d *api.Deps) { d.Ready = tt.ready })
			var h struct{ Status, Reason string }
			a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, tt.status).decode(t, &h)
			if h.Reason != tt.reason {
				t.Fatalf("reason %q, want %q", h.Reason, tt.reason)
			}
		})
	}
	t.Run("redis down", func(t *testing.T) {
		a := newAPIOwnRedis(t, nil)
		a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusOK)
		a.Redis.Stop()
		var h struct{ Status, Reason string }
		a.do(t, http.MethodGet, "/readyz", "", nil).mustStatus(t, http.StatusServiceUnavailable).decode(t, &h)
		if h.Status != "unavailable" || h.Reason != "redis unreachable" {
			t.Fatalf("readyz with redis down: %+v", h)
		}
		a.do(t, http.MethodGet, "/healthz", "", nil).mustStatus(t, http.StatusOK)
		if !strings.Contains(a.logs.String(), "check=redis") {
			t.Errorf("the failed check is not logged:\n%s", a.logs.String())
		}
	})
}

// unsized hides a reader's length, so the client sends it chunked.
type unsized struct{ io.Reader }

func TestBodyOverLimitAnswers413(t *testing.T) {
	const limit = 1 << 20
	a := newAPI(t, func(d *api.Deps) { d.MaxBodyBytes = limit })
	big := make([]byte, 2*limit)
	for i := range big {
		big[i] = 'a'
	}
	csvBody := append([]byte("id,name,host\n"), big...)
	jsonBody := append(append([]byte(`{"id":"c1","name":"`), big...), `"}`...)
	tests := []struct {
		name, path, ctype string
		body              io.Reader
	}{
		{"import, content-length", "/api/v1/cameras/import", "text/csv", bytes.NewReader(csvBody)},
		{"import csv, chunked", "/api/v1/cameras/import", "text/csv", unsized{bytes.NewReader(csvBody)}},
		{"import json, chunked", "/api/v1/cameras/import", "application/json", unsized{bytes.NewReader(jsonBody)}},
		{"create, content-length", "/api/v1/cameras", "application/json", bytes.NewReader(jsonBody)},
		{"create, chunked", "/api/v1/cameras", "application/json", unsized{bytes.NewReader(jsonBody)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.do(t, http.MethodPost, tt.path, adminToken, tt.body, "Content-Type: "+tt.ctype).
				mustError(t, http.StatusRequestEntityTooLarge, "body_too_large", "")
		})
	}
	a.doJSON(t, http.MethodPost, "/api/v1/cameras", adminToken, sampleCamera("cam-small")).mustStatus(t, http.StatusCreated)
}
