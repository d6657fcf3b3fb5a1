package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// importResult is the body of an import answer.
type importResult struct {
	Created int  `json:"created"`
	Updated int  `json:"updated"`
	Skipped int  `json:"skipped"`
	DryRun  bool `json:"dry_run"`
	Errors  []struct {
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// count returns how many cameras the list endpoint shows.
func (a *testAPI) count(t *testing.T) int {
	t.Helper()
	var l listJSON
	a.do(t, http.MethodGet, "/api/v1/cameras?limit=1000", viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &l)
	return len(l.Items)
}

func TestImportCSVUpserts(t *testing.T) {
	a := newAPI(t, nil)
	var res importResult
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK).decode(t, &res)
	if res.Created != 5100 || res.Updated != 0 || len(res.Errors) != 0 {
		t.Fatalf("first import: %+v", res)
	}
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK).decode(t, &res)
	if res.Created != 0 || res.Updated != 5100 {
		t.Fatalf("re-import: %+v, want 5100 updated", res)
	}
	a.mustImportFile(t, hetangCSV, "?mode=create").mustStatus(t, http.StatusUnprocessableEntity).decode(t, &res)
	if len(res.Errors) != 5100 || res.Error == nil || res.Error.Code != "invalid_rows" {
		t.Fatalf("create-only re-import: %d errors, error %+v; want 5100 and invalid_rows", len(res.Errors), res.Error)
	}
}

func TestImportJSONAndDetection(t *testing.T) {
	tests := []struct {
		name, contentType string
	}{
		{"json", "application/json"},
		{"detected", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, nil)
			body := mustJSON(t, []any{sampleCamera("cam-a"), sampleCamera("cam-b")})
			var res importResult
			a.do(t, http.MethodPost, "/api/v1/cameras/import", adminToken, strings.NewReader(body),
				"Content-Type: "+tt.contentType).mustStatus(t, http.StatusOK).decode(t, &res)
			if res.Created != 2 || a.count(t) != 2 {
				t.Fatalf("import: %+v, %d listed; want 2 created", res, a.count(t))
			}
		})
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	a := newAPI(t, nil)
	var res importResult
	a.mustImportFile(t, hetangCSV, "?dry_run=true").mustStatus(t, http.StatusOK).decode(t, &res)
	if !res.DryRun || res.Created != 5100 {
		t.Fatalf("dry run: %+v, want dry_run and 5100 to create", res)
	}
	if n := a.count(t); n != 0 {
		t.Fatalf("dry run wrote %d cameras", n)
	}
}

func TestImportBadRowsAnswers422WithEveryRow(t *testing.T) {
	a := newAPI(t, nil)
	var res importResult
	a.mustImportFile(t, badRowsCSV, "").mustStatus(t, http.StatusUnprocessableEntity).decode(t, &res)
	if res.Error == nil || res.Error.Code != "invalid_rows" {
		t.Fatalf("422 body lacks error.code invalid_rows: %+v", res)
	}
	lines := map[int]bool{}
	for _, e := range res.Errors {
		lines[e.Line] = true
	}
	for line := 3; line <= 11; line++ {
		if !lines[line] {
			t.Errorf("line %d not reported; errors: %+v", line, res.Errors)
		}
	}
	if lines[2] {
		t.Errorf("the good line 2 is reported: %+v", res.Errors)
	}
	if n := a.count(t); n != 0 {
		t.Fatalf("a refused import wrote %d cameras", n)
	}

	a.mustImportFile(t, badRowsCSV, "?skip_invalid=true").mustStatus(t, http.StatusOK).decode(t, &res)
	if res.Created != 1 || res.Skipped != 9 || a.count(t) != 1 {
		t.Fatalf("skip_invalid: %+v, want 1 created and 9 skipped", res)
	}
}

func TestImportRejectsBadParams(t *testing.T) {
	a := newAPI(t, nil)
	for _, q := range []string{"dry_run=maybe", "skip_invalid=2", "mode=merge"} {
		t.Run(q, func(t *testing.T) {
			field, _, _ := strings.Cut(q, "=")
			a.do(t, http.MethodPost, "/api/v1/cameras/import?"+q, adminToken, strings.NewReader("[]"),
				"Content-Type: application/json").mustError(t, http.StatusBadRequest, "bad_request", field)
		})
	}
}

func TestExportCSVAndJSON(t *testing.T) {
	a := newAPI(t, nil)
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK)

	r := a.do(t, http.MethodGet, "/api/v1/cameras/export?format=csv", viewerToken, nil).mustStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
		t.Errorf("CSV export does not start with a UTF-8 BOM: %q", r.Body[:min(len(r.Body), 16)])
	}
	if n := bytes.Count(r.Body, []byte("\n")); n != 5101 {
		t.Errorf("CSV export has %d lines, want header + 5100", n)
	}
	if def := a.do(t, http.MethodGet, "/api/v1/cameras/export", viewerToken, nil); !bytes.Equal(def.Body, r.Body) {
		t.Errorf("export without format is not the CSV export")
	}

	r = a.do(t, http.MethodGet, "/api/v1/cameras/export?format=json&owner=police", viewerToken, nil).mustStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var export struct{ Items []cameraJSON }
	if err := json.Unmarshal(r.Body, &export); err != nil {
		t.Fatalf("JSON export: %v", err)
	}
	cams := export.Items
	if len(cams) == 0 || len(cams) == 5100 {
		t.Fatalf("JSON export of police cameras has %d", len(cams))
	}
	for _, c := range cams {
		if c.Owner != "police" {
			t.Fatalf("export filter owner=police let through %+v", c)
		}
	}
}
