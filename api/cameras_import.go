package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

// importCameras answers POST /cameras/import. The body is CSV (text/csv) or
// a JSON array (application/json); any other type is detected from the
// content. ?dry_run=true validates without writing, ?skip_invalid=true
// writes the good rows, ?mode=create refuses ids already stored. It
// answers 200 with the result, or 422 with the result and every bad row
// when they stopped the import.
func importCameras(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		opts, err := importOptions(c.Request.URL.Query())
		if err != nil {
			Fail(c, err)
			return
		}
		format := importFormat(c.ContentType())
		res, err := inventory.Import(c.Request.Context(), s, c.Request.Body, format, opts)
		if errors.Is(err, inventory.ErrInvalid) && !isBodyTooLarge(err) {
			Fail(c, &resultError{result: res, err: err})
			return
		}
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, res)
	}
}

func importOptions(q url.Values) (inventory.Options, error) {
	var opts inventory.Options
	var err error
	if opts.DryRun, err = boolParam(q, "dry_run"); err != nil {
		return opts, err
	}
	if opts.SkipInvalid, err = boolParam(q, "skip_invalid"); err != nil {
		return opts, err
	}
	switch mode := q.Get("mode"); mode {
	case "", "upsert":
	case "create":
		opts.CreateOnly = true
	default:
		return opts, BadParam("mode", "%q is not one of create, upsert", truncate(mode, 32))
	}
	return opts, nil
}

// importFormat picks the import format from the body's media type; an
// unknown one ("" for none) lets the importer detect it.
func importFormat(mediaType string) inventory.Format {
	switch mediaType {
	case "text/csv", "application/csv", "text/comma-separated-values":
		return "csv"
	case "application/json":
		return "json"
	}
	return ""
}

// exportCameras answers GET /cameras/export?format=csv|json (default csv)
// with the cameras matching the list filters, as a download. The export
// streams: an error after the first byte can no longer become an error
// response, so the connection is cut and the client sees a broken download
// rather than a short file.
func exportCameras(s *store.Store, now func() time.Time) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		f, err := ParseFilter(q)
		if err != nil {
			Fail(c, err)
			return
		}
		format := q.Get("format")
		var ctype string
		switch format {
		case "", "csv":
			format, ctype = "csv", "text/csv; charset=utf-8"
		case "json":
			ctype = "application/json; charset=utf-8"
		default:
			Fail(c, BadParam("format", "%q is not one of csv, json", truncate(format, 32)))
			return
		}
		name := fmt.Sprintf("cameras-%s.%s", now().UTC().Format("20060102"), format)
		w := &downloadWriter{c: c, ctype: ctype, filename: name}
		if err := inventory.Export(c.Request.Context(), s, w, inventory.Format(format), f); err != nil {
			if !w.started {
				Fail(c, err)
				return
			}
			_ = c.Error(err)
			panic(http.ErrAbortHandler)
		}
		w.start()
	}
}

// downloadWriter sets the download headers on the first write, so that an
// error before any byte can still answer as JSON.
type downloadWriter struct {
	c        *gin.Context
	ctype    string
	filename string
	started  bool
}

func (w *downloadWriter) start() {
	if w.started {
		return
	}
	w.started = true
	h := w.c.Writer.Header()
	h.Set("Content-Type", w.ctype)
	h.Set("Content-Disposition", `attachment; filename="`+w.filename+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	w.c.Writer.WriteHeader(http.StatusOK)
	w.c.Writer.WriteHeaderNow()
}

// Write starts the download on the first call and writes p.
func (w *downloadWriter) Write(p []byte) (int, error) {
	w.start()
	return w.c.Writer.Write(p)
}
