package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/web"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string, string) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

func TestDashboardIsServedFromTheBinary(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/", "text/html", "<title>sharpeyes"},
		{"/app.js", "javascript", "status/summary"},
		{"/app.css", "text/css", "body{"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, ctype, body := get(t, srv, tc.path)
			if code != 200 || !strings.Contains(ctype, tc.ctype) || !strings.Contains(body, tc.contains) {
				t.Fatalf("GET %s: %d %q, body contains %q: %v", tc.path, code, ctype, tc.contains, strings.Contains(body, tc.contains))
			}
		})
	}
}

// The dashboard must work on an isolated network: no asset may come from
// another host.
func TestDashboardLoadsNothingFromOtherHosts(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	for _, p := range []string{"/", "/app.js", "/app.css", "/i18n.js", "/time.js", "/map.js", "/map.css"} {
		_, _, body := get(t, srv, p)
		if m := external.FindString(body); m != "" {
			t.Errorf("%s references another host: %q", p, m)
		}
		if strings.Contains(body, "@import") || strings.Contains(body, "cdn") {
			t.Errorf("%s imports external assets", p)
		}
	}
}

// The CSP allows only files from 'self': the page may carry no inline
// script, style or event handler.
func TestDashboardNeedsNoInlineCode(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	_, _, page := get(t, srv, "/")
	for _, tc := range []struct{ name, pattern string }{
		{"inline script", `<script(\s[^>]*)?>[^<]+</script>`},
		{"style element", `<style`},
		{"style attribute", `\sstyle\s*=`},
		{"event handler", `\son[a-z]+\s*=`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if m := regexp.MustCompile(`(?i)` + tc.pattern).FindString(page); m != "" {
				t.Errorf("index.html has %s: %q", tc.name, m)
			}
		})
	}
}

// Every element the script looks up by id exists in the page.
func TestScriptFindsItsElements(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	_, _, page := get(t, srv, "/")
	_, _, script := get(t, srv, "/app.js")
	refs := regexp.MustCompile(`"#([A-Za-z][\w-]*)`).FindAllStringSubmatch(script, -1)
	if len(refs) == 0 {
		t.Fatal("app.js looks up no element by id")
	}
	for _, m := range refs {
		if !strings.Contains(page, `id="`+m[1]+`"`) {
			t.Errorf("app.js uses #%s, index.html has no such id", m[1])
		}
	}
}

// /cameras/{id} is the console page with <base href="../">, so that its
// relative links resolve as at the root; deeper paths are not pages.
func TestCameraPageIsTheConsoleWithItsBase(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for _, tc := range []struct {
		path     string
		code     int
		contains string
	}{
		{"/", 200, `<base href="./">`},
		{"/cameras/43020200001320000001", 200, `<base href="../">`},
		{"/cameras/cam-7.a", 200, `<base href="../">`},
		{"/cameras/a/b", 404, ""},
		{"/cameras/", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, ctype, body := get(t, srv, tc.path)
			if code != tc.code || !strings.Contains(body, tc.contains) {
				t.Fatalf("GET %s: %d %q, want %d with %q", tc.path, code, ctype, tc.code, tc.contains)
			}
			if code == 200 && !strings.Contains(ctype, "text/html") {
				t.Errorf("GET %s: Content-Type %q", tc.path, ctype)
			}
		})
	}
}

// /map is the console page (its map view), served at the root's base; the
// Content-Security-Policy lets images come from the tile server's origin
// only when one is configured.
func TestMapPageAndTileOrigin(t *testing.T) {
	plain := httptest.NewServer(web.Handler())
	defer plain.Close()
	code, ctype, body := get(t, plain, "/map")
	if code != 200 || !strings.Contains(ctype, "text/html") || !strings.Contains(body, `<base href="./">`) || !strings.Contains(body, "map.js") {
		t.Fatalf("GET /map: %d %q, root base %v, map.js %v", code, ctype, strings.Contains(body, `<base href="./">`), strings.Contains(body, "map.js"))
	}
	res, err := http.Get(plain.URL + "/map")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") {
		t.Errorf("without tiles the CSP is %q, want img-src 'self' data: only", csp)
	}
	tiles := httptest.NewServer(web.New(web.Options{TileURL: "http://pgis.local:8080/tiles/{z}/{x}/{y}.png"}))
	defer tiles.Close()
	res, err = http.Get(tiles.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: http://pgis.local:8080;") {
		t.Errorf("with tiles the CSP is %q, want images from http://pgis.local:8080", csp)
	}
}
