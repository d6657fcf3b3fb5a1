package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// quietPaths are polled by orchestrators and scrapers every few seconds;
// their request lines are logged at Debug so they do not drown the rest.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// logRequests logs one line per request: method, path (never the query
// string or any header, so no token can leak), route, status, latency,
// response size, remote address and the token's name.
func logRequests(log *slog.Logger, now func() time.Time) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := now()
		c.Next()
		level := slog.LevelInfo
		if quietPaths[c.Request.URL.Path] {
			level = slog.LevelDebug
		}
		ctx := c.Request.Context()
		if !log.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", c.FullPath()),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("latency", now().Sub(start)),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
			slog.String("remote", c.Request.RemoteAddr),
		}
		if p, ok := PrincipalOf(c); ok {
			attrs = append(attrs, slog.String("principal", p.Name))
		}
		log.LogAttrs(ctx, level, "http request", attrs...)
	}
}

// recovery turns a panicking handler into a logged 500 "internal error".
// http.ErrAbortHandler is passed on: it is how a handler that already
// started a response (an export) tells net/http to cut the connection.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				log.WarnContext(c.Request.Context(), "response aborted",
					"method", c.Request.Method, "path", c.Request.URL.Path, "err", c.Errors.Last())
				panic(v)
			}
			log.ErrorContext(c.Request.Context(), "handler panicked",
				"method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			c.AbortWithStatusJSON(http.StatusInternalServerError,
				errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
		}()
		c.Next()
	}
}

// limitBody caps request bodies at limit bytes: a declared Content-Length
// over it is refused at once with 413, and a longer body than declared (or
// a chunked one) fails its Read with *http.MaxBytesError, which handlers
// pass to Fail and which answers 413 too.
func limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			// The unread body is not worth draining: close the connection.
			c.Header("Connection", "close")
			Fail(c, fmt.Errorf("content-length %d: %w", c.Request.ContentLength,
				&http.MaxBytesError{Limit: limit}))
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
	}
}

// isBodyTooLarge reports whether err comes from a body over the limit.
func isBodyTooLarge(err error) bool {
	var e *http.MaxBytesError
	return errors.As(err, &e)
}
