// Package inventory reads and writes the camera inventory as files: CSV
// (UTF-8 with or without BOM, or GBK/GB18030 as Excel in China writes it,
// with English or Chinese headers) and JSON. Import validates every row,
// reports each bad one by line and column, and writes all rows in one
// transaction or none; Export writes the stored inventory in a stable order
// so that the same inventory always gives the same bytes.
//
// An .xlsx workbook (Excel 2007 and later, LibreOffice, WPS) is read from
// its first sheet or a named one, with the same columns as CSV: its header
// row is the first row with a value, date cells are read as dates, number
// cells as numbers. Workbooks are bounded: see XLSXLimits.
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
// element (not an array, data after it). For a workbook, it is the sheet's
// row number, and RowError.Cell names the cell.
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

// The formats. FormatAuto detects an .xlsx workbook by its zip signature
// (PK\x03\x04), JSON when the first non-space byte (after an optional BOM)
// is '[' or '{', and CSV otherwise; it exports CSV.
const (
	FormatAuto Format = ""
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
	FormatXLSX Format = "xlsx"
)

// ParseFormat accepts "csv", "json", "xlsx" or "" (auto), in any case, and
// returns an error wrapping ErrInvalid for anything else.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatAuto, FormatCSV, FormatJSON, FormatXLSX:
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown format %q (want csv, json or xlsx)", ErrInvalid, s)
}

// FormatOfName returns the format a file name's extension says (.csv,
// .json, .xlsx, in any case), or FormatAuto.
func FormatOfName(name string) Format {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return FormatAuto
	}
	switch f := Format(strings.ToLower(name[i+1:])); f {
	case FormatCSV, FormatJSON, FormatXLSX:
		return f
	}
	return FormatAuto
}

// Lang is the language of an export's headers and enum values.
type Lang string

// The languages: English (SPEC's field names and values) and Chinese (the
// headers and values of the inventory spreadsheet, which import reads back).
const (
	LangEN Lang = "en"
	LangZH Lang = "zh"
)

// ParseLang accepts "en", "zh" or "" (English), and returns an error wrapping
// ErrInvalid for anything else.
func ParseLang(s string) (Lang, error) {
	switch l := Lang(strings.ToLower(strings.TrimSpace(s))); l {
	case "", LangEN:
		return LangEN, nil
	case LangZH:
		return l, nil
	}
	return "", fmt.Errorf("%w: unknown language %q (want en or zh)", ErrInvalid, s)
}

// ErrInvalid is wrapped by every error that blames the input: bad rows, an
// unknown or missing header, broken quoting, an unreadable encoding. Errors
// that do not wrap it are I/O or store failures.
var ErrInvalid = errors.New("invalid inventory file")

// RowError is one problem of the input, found at Line (see the package doc)
// in Column, the English field name of SPEC (empty when the problem is not
// one field's, such as a row with too few fields).
//
// For a file whose id column is headed in Chinese (设备编码), Header is the
// column's header as the file spells it (建设类型) and Message is in Chinese
// where the problem is a common one (an unknown enum value names the Chinese
// values accepted); otherwise Header is empty and Message English. For an
// .xlsx workbook, Line is the sheet's row number and Cell the cell's
// reference ("H12").
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Header  string `json:"header,omitempty"`
	Cell    string `json:"cell,omitempty"`
	Message string `json:"message"`
}

// Error formats the problem as "line 3: name: is required", or "line 12
// (cell H12): owner: ..." for a workbook, or for a file with Chinese headers
// "第 3 行：点位名称：必填" ("第 12 行（H12 单元格）：..." for a workbook).
func (e RowError) Error() string {
	var b strings.Builder
	col, sep := e.Column, ": "
	if e.Header != "" {
		col, sep = e.Header, "："
	}
	switch {
	case e.Header != "" && e.Line > 0 && e.Cell != "":
		fmt.Fprintf(&b, "第 %d 行（%s 单元格）：", e.Line, e.Cell)
	case e.Header != "" && e.Line > 0:
		fmt.Fprintf(&b, "第 %d 行：", e.Line)
	case e.Line > 0 && e.Cell != "":
		fmt.Fprintf(&b, "line %d (cell %s): ", e.Line, e.Cell)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if col != "" {
		b.WriteString(col + sep)
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
