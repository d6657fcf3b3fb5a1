package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/api"
)

// curlImport runs the real curl binary against the import endpoint with
// args (its upload options) and returns the status and the decoded body.
func curlImport(t *testing.T, a *testAPI, token string, args ...string) (int, importResult, string) {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl binary on this machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "body")
	argv := []string{"-sS", "-o", out, "-w", "%{http_code}"}
	if token != "" {
		argv = append(argv, "-H", "Authorization: Bearer "+token)
	}
	argv = append(append(argv, args...), a.URL+"/api/v1/cameras/import")
	code, err := exec.CommandContext(ctx, curl, argv...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(code)))
	if err != nil {
		t.Fatalf("curl status %q: %v", code, err)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res importResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("curl %v: answer %.300s: %v", args, body, err)
	}
	return status, res, string(body)
}

// The two ways people upload a file with curl both import: a form upload
// (-F file=@cameras.csv, multipart/form-data) and an upload (-T
// cameras.csv, a PUT of the raw file with no declared type).
func TestImportTakesCurlFormAndUploadRequests(t *testing.T) {
	tests := []struct {
		name  string
		open  bool
		args  []string
		files int
	}{
		{"form csv", false, []string{"-F", "file=@" + hetangCSV}, 5100},
		{"form csv with type", false, []string{"-F", "file=@" + hetangCSV + ";type=text/csv"}, 5100},
		{"upload csv", false, []string{"-T", hetangCSV}, 5100},
		{"form xlsx", false, []string{"-F", "file=@" + libreOfficeXLSX}, 300},
		{"upload xlsx", false, []string{"-T", libreOfficeXLSX}, 300},
		{"open mode form csv", true, []string{"-F", "file=@" + hetangCSV}, 5100},
		{"open mode upload csv as text/csv", true, []string{"-T", hetangCSV, "-H", "Content-Type: text/csv"}, 5100},
		{"open mode upload xlsx declared", true, []string{"-T", libreOfficeXLSX, "-H", "Content-Type: " + xlsxType}, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, nil)
			token := adminToken
			if tt.open {
				a = a.with(t, func(d *api.Deps) { d.Tokens = nil; d.OpenAccess = true })
				token = ""
			}
			status, res, body := curlImport(t, a, token, tt.args...)
			if status != 200 || res.Created != tt.files || len(res.Errors) != 0 {
				t.Fatalf("status %d, body %.400s; want 200 and %d created", status, body, tt.files)
			}
			if n := a.count(t); n != min(tt.files, 1000) {
				t.Fatalf("list shows %d cameras after the import", n)
			}
		})
	}
}

// Open mode keeps refusing a body whose type is not declared: curl -T
// without -H Content-Type sends none, and a page elsewhere could too.
func TestOpenModeRefusesAnUndeclaredUpload(t *testing.T) {
	a := newAPI(t, func(d *api.Deps) { d.Tokens = nil; d.OpenAccess = true })
	status, res, body := curlImport(t, a, "", "-T", hetangCSV)
	if status != 415 || res.Error == nil || res.Error.Code != "unsupported_media_type" {
		t.Fatalf("status %d, body %.300s; want 415 unsupported_media_type", status, body)
	}
}

// libreOfficeXLSX is the first 300 cameras of the sample as LibreOffice
// Calc saves them (see testdata/inventory/README.md).
const (
	libreOfficeXLSX = "../testdata/inventory/hetang-cameras-300-libreoffice.xlsx"
	xlsxType        = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// An export in Chinese, as CSV and as a workbook, imports back through
// the API into the same cameras.
func TestExportChineseRoundTripsThroughTheAPI(t *testing.T) {
	a := newAPI(t, nil)
	a.mustImportFile(t, hetangCSV, "").mustStatus(t, http.StatusOK)
	want := a.do(t, http.MethodGet, "/api/v1/cameras/export", viewerToken, nil).mustStatus(t, http.StatusOK).Body
	for _, tt := range []struct{ format, ctype string }{{"csv", "text/csv; charset=utf-8"}, {"xlsx", xlsxType}} {
		t.Run(tt.format, func(t *testing.T) {
			r := a.do(t, http.MethodGet, "/api/v1/cameras/export?lang=zh&format="+tt.format, viewerToken, nil).mustStatus(t, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); ct != tt.ctype {
				t.Fatalf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasSuffix(cd, "."+tt.format+`"`) {
				t.Fatalf("Content-Disposition %q", cd)
			}
			if tt.format == "csv" && !strings.HasPrefix(string(r.Body), "\ufeff设备编码,点位名称,IP地址,") {
				t.Fatalf("the Chinese CSV starts %q", r.Body[:min(len(r.Body), 40)])
			}
			b := newAPI(t, nil)
			var res importResult
			b.do(t, http.MethodPost, "/api/v1/cameras/import", adminToken, bytes.NewReader(r.Body),
				"Content-Type: "+tt.ctype).mustStatus(t, http.StatusOK).decode(t, &res)
			if res.Created != 5100 {
				t.Fatalf("re-import: %+v", res)
			}
			if got := b.do(t, http.MethodGet, "/api/v1/cameras/export", viewerToken, nil).Body; !bytes.Equal(got, want) {
				t.Fatal("the re-imported inventory differs")
			}
		})
	}
	a.do(t, http.MethodGet, "/api/v1/cameras/export?lang=fr", viewerToken, nil).mustError(t, http.StatusBadRequest, "bad_request", "lang")
}

// A Chinese file's errors come back in Chinese, naming its own column;
// an import that writes nothing says so.
func TestImportAnswersInTheFilesLanguageAndSaysWhenNothingIsWritten(t *testing.T) {
	a := newAPI(t, nil)
	var res struct {
		importResult
		NothingImported string `json:"nothing_imported"`
		Errors          []struct {
			Line    int    `json:"line"`
			Column  string `json:"column"`
			Header  string `json:"header"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	a.mustImportFile(t, "../testdata/inventory/bad-rows-zh.csv", "").mustStatus(t, http.StatusUnprocessableEntity).decode(t, &res)
	owner := res.Errors[4]
	if owner.Line != 7 || owner.Column != "owner" || owner.Header != "建设类型" || owner.Message != `"army" 不是 公安、自建、社会 之一` {
		t.Fatalf("owner error %+v", owner)
	}
	if !strings.Contains(res.NothingImported, "9 of 10 rows are bad") {
		t.Fatalf("nothing_imported %q", res.NothingImported)
	}
	a.do(t, http.MethodPost, "/api/v1/cameras/import", adminToken, strings.NewReader("设备编码,点位名称\n"),
		"Content-Type: text/csv").mustStatus(t, http.StatusOK).decode(t, &res)
	if res.NothingImported != "the file has no camera rows" {
		t.Fatalf("empty import: nothing_imported %q", res.NothingImported)
	}
}
