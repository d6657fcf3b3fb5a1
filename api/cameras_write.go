package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// createCamera answers POST /cameras: 201 with the new camera, 409 when its
// id is taken, 422 when a field is invalid.
func createCamera(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		in, err := decodeCamera(c.Request.Body)
		if err != nil {
			Fail(c, err)
			return
		}
		cam := in.ToCamera()
		if err := cam.Normalize(); err != nil {
			Fail(c, err)
			return
		}
		if err := s.Create(c.Request.Context(), cam); err != nil {
			Fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/cameras/"+url.PathEscape(cam.ID))
		c.JSON(http.StatusCreated, cameraView{Camera: cam, Status: newStatusView(sharpeyes.Unknown())})
	}
}

// replaceCamera answers PUT /cameras/:id: the body replaces the whole
// record (201 when it did not exist). Its id must match the path or be
// empty. Empty credentials keep the stored ones, as imports do.
func replaceCamera(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		in, err := decodeCamera(c.Request.Body)
		if err != nil {
			Fail(c, err)
			return
		}
		saveCamera(c, s, in)
	}
}

// patchCamera answers PATCH /cameras/:id: the body is a JSON merge patch
// (RFC 7386) applied to the stored record, which is then validated whole.
// username and password may be set; absent fields keep their value.
func patchCamera(s *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		patch, err := decodeObject(c.Request.Body)
		if err != nil {
			Fail(c, err)
			return
		}
		old, err := s.Camera(c.Request.Context(), c.Param("id"))
		if err != nil {
			Fail(c, err)
			return
		}
		merged, err := applyPatch(old, patch)
		if err != nil {
			Fail(c, err)
			return
		}
		in, err := decodeCamera(bytes.NewReader(merged))
		if err != nil {
			Fail(c, err)
			return
		}
		saveCamera(c, s, in)
	}
}

// saveCamera checks in's id against the path, validates and stores it, and
// answers with the camera and its status.
func saveCamera(c *gin.Context, s *store.Store, in sharpeyes.CameraInput) {
	id := c.Param("id")
	if in.ID == "" {
		in.ID = id
	}
	if in.ID != id {
		Fail(c, BadParam("id", "%q does not match the id in the path", truncate(in.ID, 64)))
		return
	}
	cam := in.ToCamera()
	if err := cam.Normalize(); err != nil {
		Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	created, err := s.Put(ctx, cam)
	if err != nil {
		Fail(c, err)
		return
	}
	st, err := s.Status(ctx, cam.ID)
	if err != nil {
		Fail(c, err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	c.JSON(code, cameraView{Camera: cam, Status: newStatusView(st)})
}

// cameraBody is what a write accepts: a CameraInput, plus the read-only
// members a GET returns (status; gb is part of Camera), which are ignored so
// that a client can PUT back what it read.
type cameraBody struct {
	sharpeyes.CameraInput
	Status json.RawMessage `json:"status,omitempty"`
}

// decodeCamera reads one camera JSON object, rejecting unknown members and
// trailing data. Errors are *RequestError naming the field, or the body
// limit's *http.MaxBytesError.
func decodeCamera(r io.Reader) (sharpeyes.CameraInput, error) {
	var b cameraBody
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b.CameraInput, bodyError(err)
	}
	if err := expectEOF(dec); err != nil {
		return b.CameraInput, err
	}
	return b.CameraInput, nil
}

// decodeObject reads one JSON object, keeping numbers exact.
func decodeObject(r io.Reader) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, bodyError(err)
	}
	if m == nil {
		return nil, BadParam("body", "must be a JSON object")
	}
	return m, expectEOF(dec)
}

func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		if isBodyTooLarge(err) {
			return err
		}
		return BadParam("body", "has data after the JSON object")
	}
	return nil
}

// applyPatch merges patch onto the stored camera's JSON form.
func applyPatch(old sharpeyes.Camera, patch map[string]any) ([]byte, error) {
	raw, err := json.Marshal(old)
	if err != nil {
		return nil, fmt.Errorf("encode camera %q: %w", old.ID, err)
	}
	doc, err := decodeObject(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decode camera %q: %w", old.ID, err)
	}
	out, err := json.Marshal(mergePatch(doc, patch))
	if err != nil {
		return nil, fmt.Errorf("encode patched camera %q: %w", old.ID, err)
	}
	return out, nil
}

// mergePatch applies an RFC 7386 JSON merge patch: members of patch replace
// those of doc, objects merge recursively, null removes a member.
func mergePatch(doc, patch map[string]any) map[string]any {
	if doc == nil {
		doc = make(map[string]any, len(patch))
	}
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			dv, _ := doc[k].(map[string]any)
			doc[k] = mergePatch(dv, pv)
		default:
			doc[k] = v
		}
	}
	return doc
}

// bodyError turns a JSON decoding error into a *RequestError naming the bad
// field, without echoing the decoder's wording. The body limit's error is
// returned as is, for 413.
func bodyError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case isBodyTooLarge(err):
		return err
	case err == io.EOF:
		return BadParam("body", "is empty, want a JSON object")
	case err == io.ErrUnexpectedEOF:
		return BadParam("body", "ends in the middle of a JSON value")
	case errors.As(err, &syn):
		return BadParam("body", "is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return BadParam("body", "must be a JSON object")
	case errors.As(err, &typ):
		// Field is the Go path through the embedded structs of cameraBody.
		field := strings.TrimPrefix(strings.TrimPrefix(typ.Field, "CameraInput."), "Camera.")
		return BadParam(field, "must be a JSON %s, not %s", jsonWord(typ.Type), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f, qerr := strconv.Unquote(name)
		if qerr != nil {
			f = name
		}
		if f == "" {
			return BadParam("body", `has a member with an empty name`)
		}
		return BadParam(truncate(f, 64), "is not a camera field")
	}
	return BadParam("body", "is not a valid JSON object")
}
