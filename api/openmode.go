package api

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Errors of the open-mode guard.
var (
	errForeignHost   = errors.New("open access serves only a loopback Host (localhost, 127.0.0.0/8, ::1)")
	errForeignOrigin = errors.New("cross-origin writes are refused: the request's Origin is not this server")
	errMediaType     = errors.New("write bodies must be application/json, text/csv, " + xlsxType + " or multipart/form-data")
)

// writeTypes are the body types a write may declare in open mode: none of
// them can be sent cross-site by a plain HTML form except multipart, which
// the Origin check covers. A form can send only
// application/x-www-form-urlencoded, multipart/form-data and text/plain,
// and any other type makes a browser's fetch a CORS preflight this server
// never answers; so the .xlsx type is as safe to accept as text/csv, and
// lets curl -T book.xlsx -H "Content-Type: <xlsx type>" import a workbook.
var writeTypes = map[string]bool{"application/json": true, "text/csv": true, "multipart/form-data": true,
	xlsxType: true}

// guardOpenAccess applies SPEC's open-mode rules. With no tokens the API
// trusts whoever reaches the loopback address, which a web page in the
// operator's browser also does: a DNS-rebinding name, a cross-site form or
// a text/plain fetch. So every request must name a loopback Host, a write
// must not come from another Origin, and a write body must declare one of
// the types above (the import never guesses the format of anything else).
func guardOpenAccess() gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		if !loopbackHost(r.Host) {
			Fail(c, fmt.Errorf("host %q: %w", truncate(r.Host, 64), errForeignHost))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
			Fail(c, fmt.Errorf("origin %q: %w", truncate(o, 64), errForeignOrigin))
			return
		}
		if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
			return // DELETE and other writes without a body
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !writeTypes[strings.ToLower(mt)] {
			Fail(c, fmt.Errorf("content type %q: %w", truncate(r.Header.Get("Content-Type"), 64), errMediaType))
		}
	}
}

// loopbackHost reports whether a Host header names this machine's
// loopback: localhost or a loopback IP, with or without a port.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// sameOrigin reports whether an Origin header is this server as the
// request addressed it (scheme http or https, the same host and port).
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, host)
}
