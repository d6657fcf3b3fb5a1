package inventory

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// decodeCSV reads a CSV file with a header line into b, row by row.
func decodeCSV(ctx context.Context, br *bufio.Reader, b *batch) error {
	tr, err := newTextReader(br)
	if err != nil {
		return csvError(err)
	}
	cr := csv.NewReader(tr)
	cr.FieldsPerRecord = -1 // a short row is a row error, not the end of the file
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return errFile(1, "", "the file is empty: it needs a header line (id,name,...)")
	}
	if err != nil {
		return csvError(err)
	}
	headerLine, _ := cr.FieldPos(0)
	cols, err := parseHeader(header, headerLine)
	if err != nil {
		return err
	}
	b.setHeader(cols, header, false)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		if blank(rec) {
			continue // Excel writes ",,,," for formatted empty rows
		}
		line, _ := cr.FieldPos(0)
		c, errs := csvCamera(cols, rec, line, true)
		if err := b.add(ctx, line, c, errs); err != nil {
			return err
		}
	}
}

// csvCamera builds a camera from one record; it returns the errors of
// fields that do not parse and of a record of the wrong length. guarded
// says whether text cells may carry Export's formula guard (CSV; a
// workbook's text cells are never formulas, so it needs none).
func csvCamera(cols []colSpec, rec []string, line int, guarded bool) (sharpeyes.Camera, []RowError) {
	unguard := unguard
	if !guarded {
		unguard = func(s string) string { return s }
	}
	var c sharpeyes.Camera
	var errs []RowError
	need := len(cols) // trailing columns without a header may be left out
	for need > 0 && cols[need-1].blank {
		need--
	}
	if len(rec) < need || len(rec) > len(cols) && !blank(rec[len(cols):]) {
		errs = append(errs, RowError{Line: line,
			Message: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(cols))})
	}
	var tagCols [][2]string
	for i, sp := range cols[:min(len(cols), len(rec))] {
		if sp.blank && strings.TrimSpace(rec[i]) != "" {
			errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("column %d has a value but no header", i+1)})
		}
		if sp.blank {
			continue
		}
		if sp.tag != "" {
			tagCols = append(tagCols, [2]string{sp.tag, rec[i]})
			continue
		}
		if msg := setField(&c, sp.field, rec[i], unguard); msg != "" {
			errs = append(errs, RowError{Line: line, Column: sp.field, Message: msg})
		}
	}
	for _, kv := range tagCols {
		if v := strings.TrimSpace(unguard(kv[1])); v != "" {
			setTag(&c, kv[0], v, true)
		}
	}
	return c, errs
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvError turns a failure of the CSV reader into an error naming the line:
// broken quoting and bad encodings blame the file (ErrInvalid), anything
// else is a read error.
func csvError(err error) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && pe.Err == csv.ErrQuote && pe.StartLine != pe.Line:
		return errFile(pe.StartLine, "", "the quoted field starting on this line breaks on line %d: %v",
			pe.Line, pe.Err)
	case errors.As(err, &pe):
		return errFile(pe.Line, "", "broken quoting at character %d: %v", pe.Column, pe.Err)
	case errors.Is(err, ErrInvalid):
		return err
	}
	return fmt.Errorf("read csv: %w", err)
}
