// Package web serves the console: one HTML page with its scripts and style
// embedded in the binary, so it works on an isolated network (no CDN). The
// page reads the JSON API with the bearer token the user enters, kept in the
// tab's sessionStorage; the files themselves need no token (the router
// serves them to anyone, so that the page can load and ask for one).
//
// The same page is the overview at / and the page of one camera at
// /cameras/{id}: there it is served with <base href="../">, so that its
// relative links (assets, api/v1/...) resolve as they do at the root,
// whatever path a reverse proxy mounts the console under.
package web

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

const rootBase = `<base href="./">`

// Options configure the console.
type Options struct {
	// TileURL is the map's XYZ tile template (config console.tile_url),
	// validated by config; "" for none. Its origin is the only one the
	// page may load images from.
	TileURL string
}

// Handler serves the console without map tiles: New(Options{}).
func Handler() http.Handler { return New(Options{}) }

// New serves the console files at the root of its mount point, and the
// console page for /cameras/{id} and /map.
func New(o Options) http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	index, err := fs.ReadFile(sub, "index.html")
	if err != nil || !bytes.Contains(index, []byte(rootBase)) {
		panic("web: static/index.html must carry " + rootBase)
	}
	cameraPage := bytes.Replace(index, []byte(rootBase), []byte(`<base href="../">`), 1)
	files := http.FileServer(http.FS(sub))
	csp := "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:" +
		tileOrigin(o.TileURL) + "; base-uri 'self'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		if IsCameraPage(r.URL.Path) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(cameraPage))
			return
		}
		if r.URL.Path == "/map" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
			return
		}
		files.ServeHTTP(w, r)
	})
}

// tileOrigin returns " scheme://host[:port]" of a tile template, or "".
func tileOrigin(tmpl string) string {
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
	if tmpl == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return " " + u.Scheme + "://" + u.Host
}

// IsCameraPage reports whether path is the console's page of one camera:
// /cameras/{id}, the id one path segment.
func IsCameraPage(path string) bool {
	id, ok := strings.CutPrefix(path, "/cameras/")
	return ok && id != "" && !strings.Contains(id, "/")
}
