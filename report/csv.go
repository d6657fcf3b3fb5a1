package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Output formats and header languages of the encoders.
const (
	FormatJSON  = "json"
	FormatCSV   = "csv"
	FormatTable = "table"
	LangEN      = "en"
	LangZH      = "zh"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// Write encodes rep (a *Summary, *Coverage, *Outages, *Availability or
// *Buildout) as format: json, csv, xlsx or table; lang picks the CSV and
// xlsx header language (en, or zh for Chinese); loc is the zone CSV, xlsx
// and table times are written in (nil: UTC). It returns an error for an
// unknown format or report type, and the first write error.
func Write(w io.Writer, rep any, format, lang string, loc *time.Location) error {
	switch format {
	case FormatJSON, "":
		return WriteJSON(w, rep)
	case FormatCSV:
		return WriteCSV(w, rep, lang, loc)
	case FormatXLSX:
		return WriteXLSX(w, rep, lang, loc)
	case FormatTable:
		return WriteTable(w, rep, loc)
	}
	return fmt.Errorf("unknown format %q (want json, csv, xlsx or table)", format)
}

// WriteJSON writes rep as indented JSON, as the API sends it. It returns
// the first encoding or write error.
func WriteJSON(w io.Writer, rep any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// WriteCSV writes rep as CSV for spreadsheets: a UTF-8 BOM, a header row
// (English, or Chinese with lang "zh"), then the same rows as the JSON's
// groups and total (or items; or cameras for an availability report asked
// for them). Rates are fractions, durations seconds, times RFC 3339 in
// loc with their offset (nil loc: UTC), nulls empty; text a spreadsheet
// would run as a formula gets a leading "'". It returns an error for an
// unknown report type and the first write error.
func WriteCSV(w io.Writer, rep any, lang string, loc *time.Location) error {
	secs, err := sections(rep, true)
	if err != nil {
		return err
	}
	s := secs[0]
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(bom); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	rec := make([]string, len(s.cols))
	for i, c := range s.cols {
		rec[i] = c.en
		if lang == LangZH {
			rec[i] = c.zh
		}
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range s.rows {
		for i, v := range row {
			rec[i] = csvCell(v, loc)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvCell formats one value exactly: floats in their shortest form, so
// that the CSV carries the same numbers as the JSON, and times the same
// instants, written in loc.
func csvCell(v any, loc *time.Location) string {
	switch x := v.(type) {
	case string:
		return guard(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case time.Time:
		return x.In(zoneOr(loc)).Format(time.RFC3339Nano)
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.In(zoneOr(loc)).Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// guard protects a text cell from being run as a formula when the CSV is
// opened in a spreadsheet, as the inventory export does.
func guard(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r'", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
