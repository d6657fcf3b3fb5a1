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
	"strings"
	"time"
)

//go:embed static
var static embed.FS

const rootBase = `<base href="./">`

// Handler serves the console files at the root of its mount point, and
// the console page for /cameras/{id}.
func Handler() http.Handler {
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		if IsCameraPage(r.URL.Path) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(cameraPage))
			return
		}
		files.ServeHTTP(w, r)
	})
}

// IsCameraPage reports whether path is the console's page of one camera:
// /cameras/{id}, the id one path segment.
func IsCameraPage(path string) bool {
	id, ok := strings.CutPrefix(path, "/cameras/")
	return ok && id != "" && !strings.Contains(id, "/")
}
