package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
)

const viewerToken = "viewer-secret"

// serveAPI runs the API router with the report routes mounted, on a real
// loopback listener.
func serveAPI(tb testing.TB, e *env) *httptest.Server {
	tb.Helper()
	h := api.NewRouter(api.Deps{Store: e.store, Now: e.clock.Now,
		Tokens: []api.Token{{Name: "viewer", Role: api.RoleViewer, Hash: api.HashToken(viewerToken)}},
		Mount:  []func(*gin.RouterGroup, api.Authz){e.rep.Routes}, Docs: Docs()})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// get fetches path with the viewer token (or none when token is empty)
// and returns the status and body.
func get(tb testing.TB, srv *httptest.Server, path, token string) (int, http.Header, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func TestCoverageCSVHasBOMAndTheJSONRows(t *testing.T) {
	e := newEnv(t)
	loadHetang(t, e)
	srv := serveAPI(t, e)
	code, _, body := get(t, srv, "/api/v1/reports/coverage?group_by=region&level=2", viewerToken)
	if code != http.StatusOK {
		t.Fatalf("json: %d %s", code, body)
	}
	var rep struct {
		Groups []map[string]any `json:"groups"`
		Total  map[string]any   `json:"total"`
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	code, hdr, body := get(t, srv, "/api/v1/reports/coverage?group_by=region&level=2&format=csv", viewerToken)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", code, hdr.Get("Content-Type"))
	}
	if !bytes.HasPrefix(body, bom) {
		t.Fatalf("csv does not start with a UTF-8 BOM: % x", body[:min(8, len(body))])
	}
	rows, err := csv.NewReader(bytes.NewReader(body[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := append(rep.Groups, rep.Total)
	if len(rows) != len(want)+1 {
		t.Fatalf("%d csv rows, want a header and %d", len(rows), len(want))
	}
	if rows[0][0] != "region" || rows[0][len(rows[0])-1] != "online_rate" {
		t.Fatalf("header %v", rows[0])
	}
	for i, g := range want {
		checkCSVRow(t, rows[0], rows[i+1], g)
	}
	_, _, zh := get(t, srv, "/api/v1/reports/coverage?level=2&format=csv&lang=zh", viewerToken)
	if !bytes.HasPrefix(zh, append(bom, "所属区域,总数"...)) {
		t.Fatalf("lang=zh header: %q", zh[:min(40, len(zh))])
	}
}

// checkCSVRow compares a CSV row with a JSON group, column by column.
func checkCSVRow(t *testing.T, header, row []string, g map[string]any) {
	t.Helper()
	lc, _ := g["lifecycle"].(map[string]any)
	for i, col := range header {
		v, ok := g[col]
		if col == "region" {
			v, ok = g["key"], true
		}
		if !ok {
			v, ok = lc[col]
		}
		if !ok {
			t.Fatalf("column %s not in the JSON", col)
		}
		switch x := v.(type) {
		case string:
			if row[i] != x {
				t.Errorf("%s: csv %q, json %q", col, row[i], x)
			}
		case float64:
			f, err := strconv.ParseFloat(row[i], 64)
			if err != nil || f != x {
				t.Errorf("%s of %v: csv %q, json %v", col, g["key"], row[i], x)
			}
		case nil:
			if row[i] != "" {
				t.Errorf("%s: csv %q, json null", col, row[i])
			}
		}
	}
}

func TestReportRoutesNeedAViewerToken(t *testing.T) {
	e := newEnv(t)
	srv := serveAPI(t, e)
	for _, rt := range routes {
		if code, _, body := get(t, srv, "/api/v1"+rt.path, ""); code != http.StatusUnauthorized {
			t.Errorf("%s without token: %d %s", rt.path, code, body)
		}
		if code, _, body := get(t, srv, "/api/v1"+rt.path, viewerToken); code != http.StatusOK {
			t.Errorf("%s with token: %d %s", rt.path, code, body)
		}
	}
}

func TestReportRoutesRejectBadParamsNamingThem(t *testing.T) {
	e := newEnv(t)
	srv := serveAPI(t, e)
	cases := []struct{ path, field string }{
		{"/reports/coverage?group_by=colour", "group_by"},
		{"/reports/coverage?level=4", "level"},
		{"/reports/coverage?owner=army", "owner"},
		{"/reports/coverage?format=xls", "format"},
		{"/reports/coverage?format=csv&lang=fr", "lang"},
		{"/reports/availability?window=forever", "window"},
		{"/reports/availability?from=yesterday", "from"},
		{"/reports/availability?from=-1d&to=-2d", "from"},
		{"/reports/availability?worst=-1", "worst"},
		{"/reports/outages?limit=0", "limit"},
		{"/reports/outages?open=maybe", "open"},
		{"/reports/outages?cursor=%25%25", "cursor"},
		{"/reports/buildout?level=x", "level"},
		{"/status/summary?state=sleepy", "state"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			code, _, body := get(t, srv, "/api/v1"+tc.path, viewerToken)
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%d %s: %v", code, body, err)
			}
			if code != http.StatusBadRequest || e.Error.Field != tc.field || !strings.Contains(e.Error.Message, tc.field) {
				t.Fatalf("got %d %s, want 400 naming %s", code, body, tc.field)
			}
		})
	}
}

func TestRunKnowsEveryReportByName(t *testing.T) {
	e := newEnv(t)
	for _, name := range Names {
		rep, err := e.rep.Run(context.Background(), name, Query{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, rep, FormatTable, "", time.UTC); err != nil || buf.Len() == 0 {
			t.Fatalf("%s as a table: %v", name, err)
		}
	}
	if _, err := e.rep.Run(context.Background(), "weather", Query{}); err == nil {
		t.Fatal("Run accepted an unknown report")
	}
}
