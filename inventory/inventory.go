// Package inventory reads and writes the camera inventory as files: CSV
// (UTF-8 with or without BOM, or GBK/GB18030 as Excel in China writes it,
// with English or Chinese headers) and JSON. Import validates every row,
// reports each bad one by line and column, and writes all rows in one
// transaction or none; Export writes the stored inventory in a stable order
// so that the same inventory always gives the same bytes.
//
// CSV columns are the fields of SPEC's camera record, by English or Chinese
// name (see Columns), plus username/用户名, password/密码 and tags/标签. Tags
// are written as one column of key=value pairs separated by ";" (a "\" escapes
// ";", "=" or "\" inside a key or value); a column headed "tag:<key>" sets one
// tag, and wins over the same key in the tags column.
//
// Line numbers: for CSV, RowError.Line is the 1-based line of the file on
// which the row starts (the header is line 1). For JSON, it is the 1-based
// position of the element in the array, and 0 for a problem outside any
// element (not an array, data after it).
//
// Enum values may be given in Chinese (公安/自建/社会, 规划/在建/已建/撤除, and
// a few common variants such as 已建成 or 拆除), English ones in any case,
// and "ping" for the icmp probe. Rows whose cells are all empty (Excel
// writes ",,,," for formatted empty rows) are skipped.
package inventory

import (
	"errors"
	"fmt"
	"strings"
)

// Format is the file format of an import or export.
type Format string

// The formats. FormatAuto detects JSON when the first non-space byte (after
// an optional BOM) is '[' or '{', and CSV otherwise; it exports CSV.
const (
	FormatAuto Format = ""
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
)

// ParseFormat accepts "csv", "json" or "" (auto), in any case, and returns an
// error wrapping ErrInvalid for anything else.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatAuto, FormatCSV, FormatJSON:
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown format %q (want csv or json)", ErrInvalid, s)
}

// ErrInvalid is wrapped by every error that blames the input: bad rows, an
// unknown or missing header, broken quoting, an unreadable encoding. Errors
// that do not wrap it are I/O or store failures.
var ErrInvalid = errors.New("invalid inventory file")

// RowError is one problem of the input, found at Line (see the package doc)
// in Column, the English field name of SPEC (empty when the problem is not
// one field's, such as a row with too few fields).
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Error formats the problem as "line 3: name: is required".
func (e RowError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		b.WriteString(e.Column + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// fileError is a problem that stops reading the whole file. It wraps
// ErrInvalid and carries a RowError, so that callers can report it like a
// bad row (errors.As(err, &RowError{})).
type fileError struct{ RowError }

func (e *fileError) Error() string { return e.RowError.Error() }

func (e *fileError) Unwrap() []error { return []error{ErrInvalid, e.RowError} }

func errFile(line int, column, format string, args ...any) error {
	return &fileError{RowError{Line: line, Column: column, Message: fmt.Sprintf(format, args...)}}
}
