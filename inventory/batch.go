package inventory

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sharpeyes/sharpeyes"
)

// progressEvery is how many rows pass between two progress calls.
const progressEvery = 1000

// chunkLen caps how many cameras a decode collects per allocation. Appending
// to one slice of 250,000 cameras (280 bytes each) would copy it about four
// times over as it grows; chunks (doubling from 64 up to chunkLen) are
// copied once, into a slice of the exact length.
const chunkLen = 4096

// batch is what a decode collects: the good cameras with the line each
// came from, and the errors of the bad rows.
type batch struct {
	cams     []sharpeyes.Camera // set from chunks when the decode ends
	chunks   [][]sharpeyes.Camera
	lines    []int
	errs     []RowError
	seen     map[string]int // id -> line of its first row
	rows     int
	progress func(rows int)

	// Set from the header of a CSV file or workbook, for annotate.
	cols    []colSpec
	headers []string // each column's header as the file spells it
	zh      bool     // the file's id column is headed in Chinese
	xlsx    bool     // lines are sheet rows: errors name their cell
}

// setHeader records the columns of a CSV file or workbook: when the id
// column is headed in Chinese (设备编码) the errors speak Chinese.
func (b *batch) setHeader(cols []colSpec, headers []string, xlsx bool) {
	b.cols, b.headers, b.xlsx = cols, make([]string, len(headers)), xlsx
	for i, h := range headers {
		b.headers[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if i < len(cols) && cols[i].field == "id" {
			b.zh = !strings.EqualFold(b.headers[i], "id")
		}
	}
}

// annotate names e's column as the file heads it and its cell, and puts
// the message in Chinese, for a file with Chinese headers; see RowError.
func (b *batch) annotate(e *RowError) {
	i := -1
	for j, sp := range b.cols {
		if e.Column != "" && sp.field == e.Column {
			i = j
			break
		}
	}
	if b.xlsx && i >= 0 {
		if name, err := excelize.ColumnNumberToName(i + 1); err == nil {
			e.Cell = name + strconv.Itoa(e.Line)
		}
	}
	if !b.zh {
		return
	}
	switch {
	case i >= 0:
		e.Header = b.headers[i]
	case e.Column != "":
		e.Header = columnZH(e.Column)
	}
	e.Message = toChinese(e.Message)
}

// append keeps a good row.
func (b *batch) append(c sharpeyes.Camera, line int) {
	if n := len(b.chunks); n == 0 || len(b.chunks[n-1]) == cap(b.chunks[n-1]) {
		size := 64 // small files stay small
		if n > 0 {
			size = min(2*cap(b.chunks[n-1]), chunkLen)
		}
		b.chunks = append(b.chunks, make([]sharpeyes.Camera, 0, size))
	}
	last := &b.chunks[len(b.chunks)-1]
	*last = append(*last, c)
	b.lines = append(b.lines, line)
}

// flatten returns the good rows as one slice and drops the chunks.
func (b *batch) flatten() []sharpeyes.Camera {
	cams := make([]sharpeyes.Camera, 0, len(b.lines))
	for _, ch := range b.chunks {
		cams = append(cams, ch...)
	}
	b.chunks = nil
	return cams
}

// add validates one decoded row. fieldErrs are the problems found while
// parsing its fields; Normalize's errors for those fields are left out so
// that each bad field is reported once, and Normalize is not asked at all
// when the row as a whole is broken (Column "": too short, not an object),
// since its fields would only add noise.
func (b *batch) add(ctx context.Context, line int, c sharpeyes.Camera, fieldErrs []RowError) error {
	errs := fieldErrs
	if hasColumn(fieldErrs, "") {
		// reported as it is
	} else if err := c.Normalize(); err != nil {
		for _, fe := range validationErrors(err) {
			if !hasColumn(fieldErrs, fe.Field) {
				errs = append(errs, RowError{Line: line, Column: fe.Field, Message: fe.Message})
			}
		}
	}
	if !hasColumn(errs, "id") {
		if first, dup := b.seen[c.ID]; dup {
			errs = append(errs, RowError{Line: line, Column: "id",
				Message: fmt.Sprintf("duplicate id %q: already on line %d", c.ID, first)})
		} else {
			b.seen[c.ID] = line
		}
	}
	for i := range errs {
		b.annotate(&errs[i])
	}
	if len(errs) > 0 {
		b.errs = append(b.errs, errs...)
	} else {
		b.append(c, line)
	}
	b.rows++
	if b.rows%progressEvery == 0 {
		if b.progress != nil {
			b.progress(b.rows)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
	}
	return nil
}

func validationErrors(err error) sharpeyes.ValidationError {
	if ve, ok := err.(sharpeyes.ValidationError); ok {
		return ve
	}
	return sharpeyes.ValidationError{{Message: err.Error()}}
}

func hasColumn(errs []RowError, col string) bool {
	for _, e := range errs {
		if e.Column == col {
			return true
		}
	}
	return false
}

// columnOrder ranks columns as SPEC lists them, for a stable error order.
var columnOrder = func() map[string]int {
	m := map[string]int{"": -1}
	for i, c := range append(append([]column{}, exportColumns...), importOnlyColumns...) {
		m[c.name] = i
	}
	return m
}()

func sortErrors(errs []RowError) {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return columnOrder[errs[i].Column] < columnOrder[errs[j].Column]
	})
}
