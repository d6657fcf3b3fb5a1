package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// Token secrets of the test router, one per role.
const (
	viewerToken   = "viewer-secret-5f1c"
	operatorToken = "operator-secret-9a2e"
	adminToken    = "admin-secret-77d3"
)

// Sample inventories shared by every package's tests.
const (
	hetangCSV  = "../testdata/inventory/hetang-cameras.csv"
	badRowsCSV = "../testdata/inventory/bad-rows.csv"
)

// testAPI is a router over a real redis-server, served on loopback.
type testAPI struct {
	URL    string
	Engine *gin.Engine
	Store  *store.Store
	Redis  *redistest.Server
	logs   *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newAPI serves a router over the package's redis-server, emptied first;
// edit, when given, adjusts the Deps. Logs are captured at Debug level.
func newAPI(t testing.TB, edit func(*api.Deps)) *testAPI {
	t.Helper()
	rs, shared := sharedRedis(t)
	if err := shared.Client().FlushAll(context.Background()).Err(); err != nil {
		t.Fatalf("empty redis: %v", err)
	}
	return serveAPI(t, rs, store.New(shared.Client()), edit)
}

// newAPIOwnRedis serves a router over a redis-server of its own, for a
// test that stops it.
func newAPIOwnRedis(t testing.TB, edit func(*api.Deps)) *testAPI {
	t.Helper()
	rs := redistest.Start(t)
	return serveAPI(t, rs, store.New(rs.Client()), edit)
}

// with returns another router over the same data, for table tests whose
// rows need different Deps.
func (a *testAPI) with(t testing.TB, edit func(*api.Deps)) *testAPI {
	t.Helper()
	return serveAPI(t, a.Redis, store.New(a.Store.Client()), edit)
}

func serveAPI(t testing.TB, rs *redistest.Server, st *store.Store, edit func(*api.Deps)) *testAPI {
	t.Helper()
	logs := &syncBuffer{}
	d := api.Deps{
		Store:  st,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Tokens: []api.Token{
			{Name: "ops-viewer", Role: api.RoleViewer, Hash: api.HashToken(viewerToken)},
			{Name: "ops-operator", Role: api.RoleOperator, Hash: api.HashToken(operatorToken)},
			{Name: "ops-admin", Role: api.RoleAdmin, Hash: api.HashToken(adminToken)},
		},
	}
	if edit != nil {
		edit(&d)
	}
	engine := api.NewRouter(d)
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)
	return &testAPI{URL: srv.URL, Engine: engine, Store: d.Store, Redis: rs, logs: logs}
}

// reply is a whole response, read and closed.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with an optional bearer token and body; header holds
// extra "Name: value" lines.
func (a *testAPI) do(t testing.TB, method, path, token string, body io.Reader, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// doJSON sends v as a JSON body.
func (a *testAPI) doJSON(t testing.TB, method, path, token string, v any) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return a.do(t, method, path, token, bytes.NewReader(b), "Content-Type: application/json")
}

// mustStatus fails the test unless the reply has the wanted status.
func (r reply) mustStatus(t testing.TB, want int) reply {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %.600s", r.Status, want, r.Body)
	}
	return r
}

// decode unmarshals the body into v.
func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %.300s: %v", r.Body, err)
	}
}

// apiError is the error shape every failure answers with.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// mustError checks status, error code and (when field is not empty) the
// named field of an error reply.
func (r reply) mustError(t testing.TB, status int, code, field string) apiError {
	t.Helper()
	r.mustStatus(t, status)
	var e apiError
	r.decode(t, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error %+v, want code %q with a message", e.Error, code)
	}
	if field != "" && e.Error.Field != field {
		t.Fatalf("error field %q (%s), want %q", e.Error.Field, e.Error.Message, field)
	}
	return e
}

// mustImportFile posts a sample CSV to the import endpoint as admin.
func (a *testAPI) mustImportFile(t testing.TB, path, query string) reply {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open sample: %v", err)
	}
	defer f.Close()
	return a.do(t, http.MethodPost, "/api/v1/cameras/import"+query, adminToken, f, "Content-Type: text/csv")
}
