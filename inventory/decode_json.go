package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// jsonCamera is one element of a JSON import: the write form of a camera.
// A "status" (as the API's camera list carries it) is read and ignored, so
// that a list response can be imported back; any other unknown field is an
// error, which catches misspelt field names.
type jsonCamera struct {
	sharpeyes.CameraInput
	Status json.RawMessage `json:"status,omitempty"`
}

// decodeJSON reads an array of cameras, or an object whose "items" is that
// array, into b element by element. RowError lines are element positions.
func decodeJSON(ctx context.Context, br *bufio.Reader, b *batch) error {
	if head, _ := br.Peek(len(bomUTF8)); bytes.Equal(head, bomUTF8) {
		_, _ = br.Discard(len(bomUTF8))
	}
	dec := json.NewDecoder(br)
	wrapped, err := openArray(dec)
	if err != nil {
		return err
	}
	n := 0
	for dec.More() {
		n++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonError(err, n)
		}
		c, errs := jsonElement(raw, n)
		if err := b.add(ctx, n, c.ToCamera(), errs); err != nil {
			return err
		}
	}
	return closeArray(dec, wrapped, n)
}

// openArray consumes the input up to the first element and reports whether
// the array is wrapped in an object.
func openArray(dec *json.Decoder) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, jsonError(err, 0)
	}
	if tok == json.Delim('[') {
		return false, nil
	}
	if tok != json.Delim('{') {
		return false, errFile(0, "", `JSON must be an array of cameras or {"items": [...]}`)
	}
	for dec.More() {
		if key, err := dec.Token(); err != nil {
			return false, jsonError(err, 0)
		} else if key == "items" {
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return false, errFile(0, "", `"items" must be an array of cameras`)
			}
			return true, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false, jsonError(err, 0)
		}
	}
	return false, errFile(0, "", `the JSON object has no "items" array of cameras`)
}

// closeArray consumes the end of the array (and of its wrapping object,
// whose other keys are skipped) and checks that nothing follows.
func closeArray(dec *json.Decoder, wrapped bool, n int) error {
	if _, err := dec.Token(); err != nil { // the ']' More saw
		return jsonError(err, n)
	}
	for wrapped && dec.More() {
		key, err := dec.Token()
		if err != nil {
			return jsonError(err, n)
		}
		if key == "items" {
			return errFile(0, "", `"items" appears twice`)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return jsonError(err, n)
		}
	}
	if wrapped {
		if _, err := dec.Token(); err != nil { // the '}'
			return jsonError(err, n)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return errFile(0, "", "unexpected data after the cameras")
	}
	return nil
}

// jsonElement decodes one element, returning the errors of fields of the
// wrong JSON type or unknown.
func jsonElement(raw json.RawMessage, n int) (sharpeyes.CameraInput, []RowError) {
	var jc jsonCamera
	if raw[0] != '{' {
		return jc.CameraInput, []RowError{{Line: n, Message: "is " + jsonKind(raw[0]) + ", want an object"}}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&jc)
	normalizeEnums(&jc.Camera)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return jc.CameraInput, nil
	case errors.As(err, &te):
		return jc.CameraInput, []RowError{{Line: n, Column: jsonField(te.Field),
			Message: fmt.Sprintf("want %s, got %s", goKind(te.Type), te.Value)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return jc.CameraInput, []RowError{{Line: n, Message: strings.TrimPrefix(err.Error(), "json: ")}}
	}
	return jc.CameraInput, []RowError{{Line: n, Message: err.Error()}}
}

// jsonField turns a Go field path ("CameraInput.Camera.port", or
// "CameraInput.Camera.tags.x") into the column name ("port", "tags").
func jsonField(path string) string {
	for _, p := range strings.Split(path, ".") {
		if p != "" && (p[0] < 'A' || p[0] > 'Z') {
			return p
		}
	}
	return ""
}

func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.Kind().String()
}

func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// jsonError blames the file for malformed JSON (at element n, 0 before the
// first) and passes read errors on.
func jsonError(err error, n int) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return errFile(n, "", "malformed JSON at byte %d: %v", se.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		return errFile(n, "", "the JSON ends early")
	}
	return fmt.Errorf("read json: %w", err)
}
