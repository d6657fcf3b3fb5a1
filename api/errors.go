package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

// errorBody is the shape of every error response:
// {"error": {"code": "...", "message": "...", "field": "..."}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the bad query parameter or body field, when there is one.
	Field string `json:"field,omitempty"`
	// Fields lists every invalid field of a camera (validation errors).
	Fields []sharpeyes.FieldError `json:"fields,omitempty"`
}

// RequestError is a malformed request: a bad query parameter, header or
// body field. It answers 400 bad_request naming Field.
type RequestError struct {
	Field   string
	Message string
}

// Error returns "field: message".
func (e *RequestError) Error() string { return e.Field + ": " + e.Message }

// BadParam returns a *RequestError for the named query parameter or body
// field, for handlers of this and other packages to pass to Fail.
func BadParam(field, format string, args ...any) error {
	return &RequestError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// FieldConflict is a 409 conflict caused by one field of the request, such
// as a name another record has. It answers 409 conflict naming Field and
// matches store.ErrExists.
type FieldConflict struct {
	Field   string
	Message string
}

// Error returns "field: message".
func (e *FieldConflict) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes a FieldConflict match store.ErrExists.
func (e *FieldConflict) Unwrap() error { return store.ErrExists }

// Errors of the auth middleware and the router's fallbacks.
var (
	errUnauthorized = errors.New("a valid bearer token is required")
	errForbidden    = errors.New("your token's role may not do this")
	errNoRoute      = errors.New("no such resource")
	errNoMethod     = errors.New("method not allowed on this resource")
)

// statusTable maps the sentinel errors callers branch on to an HTTP status
// and an error code. Their messages are written by this module to describe
// the client's mistake, so they are shown; anything not listed here (or
// matched by type in classify) answers 500 "internal error".
var statusTable = []struct {
	target error
	status int
	code   string
}{
	// Redis trouble first: a failed write of a missing camera is Redis's
	// fault, not the client's.
	{store.ErrUnavailable, http.StatusServiceUnavailable, "redis_unavailable"},
	{store.ErrFull, http.StatusServiceUnavailable, "redis_full"},
	{store.ErrNotFound, http.StatusNotFound, "not_found"},
	{store.ErrExists, http.StatusConflict, "conflict"},
	{store.ErrLimit, http.StatusConflict, "limit_reached"},
	{inventory.ErrInvalid, http.StatusUnprocessableEntity, "invalid_rows"},
	{errUnauthorized, http.StatusUnauthorized, "unauthorized"},
	{errForbidden, http.StatusForbidden, "forbidden"},
	{errNoRoute, http.StatusNotFound, "not_found"},
	{errNoMethod, http.StatusMethodNotAllowed, "method_not_allowed"},
	{errForeignHost, http.StatusForbidden, "forbidden"},
	{errForeignOrigin, http.StatusForbidden, "forbidden"},
	{errMediaType, http.StatusUnsupportedMediaType, "unsupported_media_type"},
	{errTooManyBadTokens, http.StatusTooManyRequests, "too_many_requests"},
}

// redisMessages replace the text of Redis errors, which names addresses
// and the client library's internals: the cause goes to the log.
var redisMessages = map[error]string{
	store.ErrUnavailable: "the database (Redis) cannot be reached; try again later",
	store.ErrFull:        "the database (Redis) is out of memory (maxmemory reached) and refuses writes; reads still work",
}

// redisRetryAfterS is the Retry-After (seconds) of a redis_unavailable
// answer: about what a failover measured here took (docs/scale.md).
const redisRetryAfterS = 5

// statusClientClosed is what the log shows when the client went away before
// the answer was ready (nginx's convention); nobody receives it.
const statusClientClosed = 499

// classify maps err to its HTTP status and error detail. internal is true
// when the error must not be shown to the client.
func classify(err error) (status int, d errorDetail, internal bool) {
	var (
		reqErr  *RequestError
		confErr *FieldConflict
		valErr  sharpeyes.ValidationError
		sizeErr *http.MaxBytesError
	)
	switch {
	case errors.As(err, &sizeErr):
		return http.StatusRequestEntityTooLarge, errorDetail{Code: "body_too_large",
			Message: fmt.Sprintf("request body is larger than %d bytes", sizeErr.Limit)}, false
	case errors.As(err, &reqErr):
		return http.StatusBadRequest, errorDetail{Code: "bad_request", Message: reqErr.Error(), Field: reqErr.Field}, false
	case errors.As(err, &confErr):
		return http.StatusConflict, errorDetail{Code: "conflict", Message: confErr.Error(), Field: confErr.Field}, false
	case errors.As(err, &valErr) && len(valErr) > 0:
		return http.StatusUnprocessableEntity, errorDetail{Code: "invalid", Message: valErr.Error(),
			Field: valErr[0].Field, Fields: valErr}, false
	case errors.Is(err, context.Canceled):
		return statusClientClosed, errorDetail{Code: "canceled", Message: "request canceled"}, false
	}
	for _, e := range statusTable {
		if !errors.Is(err, e.target) {
			continue
		}
		if msg, ok := redisMessages[e.target]; ok {
			return e.status, errorDetail{Code: e.code, Message: msg}, false
		}
		return e.status, errorDetail{Code: e.code, Message: err.Error()}, false
	}
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: "internal error"}, true
}

// Fail records err on the request and stops the handler chain; the error
// middleware of NewRouter then answers with the status and JSON body that
// classify gives. Handlers of other packages mounted through Deps.Mount
// call it too, so that every error looks the same.
func Fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

// resultError carries an import result to the error response, so that a
// 422 answer still lists every bad row.
type resultError struct {
	result inventory.Result
	err    error
}

// Error returns the wrapped error's text.
func (e *resultError) Error() string { return e.err.Error() }

// Unwrap returns the import error.
func (e *resultError) Unwrap() error { return e.err }

// writeErrors answers the last error a handler passed to Fail, unless the
// handler already wrote a response. Internal errors are logged here, once,
// and shown to the client only as "internal error".
func writeErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 {
			return
		}
		err := c.Errors.Last().Err
		if c.Writer.Written() {
			log.ErrorContext(c.Request.Context(), "request failed after the response started",
				"method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
			return
		}
		respondError(c, log, err)
	}
}

func respondError(c *gin.Context, log *slog.Logger, err error) {
	status, d, internal := classify(err)
	switch {
	case internal:
		log.ErrorContext(c.Request.Context(), "request failed",
			"method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, store.ErrFull):
		log.WarnContext(c.Request.Context(), "request failed: redis trouble",
			"method", c.Request.Method, "path", c.Request.URL.Path, "code", d.Code, "err", err)
	}
	// A handler that set up a download must not label the error as one.
	h := c.Writer.Header()
	h.Del("Content-Disposition")
	h.Del("Content-Type")
	if status == statusClientClosed {
		c.Status(status)
		return
	}
	if d.Code == "redis_unavailable" {
		// A Sentinel promotion or a Cluster failover takes seconds; a
		// full Redis (redis_full) stays full until memory is freed, so it
		// gets no Retry-After.
		h.Set("Retry-After", strconv.Itoa(redisRetryAfterS))
	}
	var res *resultError
	if errors.As(err, &res) {
		c.JSON(status, importFailure{Result: res.result, Error: d})
		return
	}
	c.JSON(status, errorBody{Error: d})
}

// importFailure is the 422 answer of an import: the result with its row
// errors, plus the usual error member.
type importFailure struct {
	inventory.Result
	Error errorDetail `json:"error"`
}

// jsonWord names a Go type the way a JSON client would.
func jsonWord(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Bool:
		return "boolean"
	}
	return t.Kind().String()
}
