package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

// importCameras answers POST and PUT /cameras/import (PUT is what curl -T
// sends). The body is the file: CSV (text/csv), JSON
// (application/json), an .xlsx workbook (xlsxType), or of any other or no
// type, detected from its content; or a multipart/form-data form (curl -F
// file=@cameras.csv, a browser upload) whose first file part is the file,
// its format told by the file name's extension or the part's type.
// ?dry_run=true validates without writing, ?skip_invalid=true writes the
// good rows, ?mode=create refuses ids already stored, ?sheet=NAME picks a
// workbook's sheet (default the first). It answers 200 with the result, or
// 422 with the result and every bad row when they stopped the import.
func importCameras(s *store.Store, maxBytes int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		opts, err := importOptions(c.Request.URL.Query())
		if err != nil {
			Fail(c, err)
			return
		}
		opts.XLSX.MaxBytes = maxBytes
		body, format, err := importBody(c)
		if err != nil {
			Fail(c, err)
			return
		}
		res, err := inventory.Import(c.Request.Context(), s, body, format, opts)
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

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// maxFormParts bounds the parts of an upload form skipped before its file.
const maxFormParts = 16

// importBody returns the file of an import request and its format
// (FormatAuto when neither a type nor a file name tells it).
func importBody(c *gin.Context) (io.Reader, inventory.Format, error) {
	if c.ContentType() != "multipart/form-data" {
		return c.Request.Body, importFormat(c.ContentType()), nil
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, "", BadParam("body", "not a readable multipart form: %v", err)
	}
	for range maxFormParts {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if isBodyTooLarge(err) {
				return nil, "", err
			}
			return nil, "", BadParam("body", "not a readable multipart form: %v", err)
		}
		if part.FileName() == "" {
			continue // a plain form field
		}
		format := inventory.FormatOfName(part.FileName())
		if format == inventory.FormatAuto {
			mt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			format = importFormat(strings.ToLower(mt))
		}
		return part, format, nil
	}
	return nil, "", BadParam("file", "the form has no file part (curl -F file=@cameras.csv)")
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
	opts.Sheet = q.Get("sheet")
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
	case xlsxType:
		return "xlsx"
	}
	return ""
}

// exportCameras answers GET /cameras/export?format=csv|json|xlsx (default
// csv) and ?lang=en|zh (headers and owner and lifecycle values in Chinese,
// as the import reads them back; default en) with the cameras matching the
// list filters, as a download. The export
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
		case "xlsx":
			ctype = xlsxType
		default:
			Fail(c, BadParam("format", "%q is not one of csv, json, xlsx", truncate(format, 32)))
			return
		}
		lang, err := inventory.ParseLang(q.Get("lang"))
		if err != nil {
			Fail(c, BadParam("lang", "%q is not one of en, zh", truncate(q.Get("lang"), 32)))
			return
		}
		name := fmt.Sprintf("cameras-%s.%s", now().UTC().Format("20060102"), format)
		w := &downloadWriter{c: c, ctype: ctype, filename: name}
		if err := inventory.Export(c.Request.Context(), s, w, inventory.Format(format), f, lang); err != nil {
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
