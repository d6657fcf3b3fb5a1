package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// FormatXLSX is the .xlsx workbook output format, and XLSXType its media
// type.
const (
	FormatXLSX = "xlsx"
	XLSXType   = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// WriteXLSX writes rep as an .xlsx workbook of the same rows as WriteCSV,
// on one sheet with a frozen, bold header row (English, or Chinese with
// lang "zh"). Counts and seconds are number cells, rates number cells
// formatted as percentages (the value stays the fraction), times date
// cells in loc's wall-clock time (a spreadsheet has no time zones; nil loc:
// UTC), flags booleans, nulls blank cells. Text is never a formula. It
// returns an error for an unknown report type and the first write error.
func WriteXLSX(w io.Writer, rep any, lang string, loc *time.Location) error {
	secs, err := sections(rep, true)
	if err != nil {
		return err
	}
	s := secs[0]
	f := excelize.NewFile()
	defer f.Close()
	sheet := "report"
	if lang == LangZH {
		sheet = "报表"
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(s.cols), 14); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	row := make([]any, len(s.cols))
	for i, c := range s.cols {
		h := c.en
		if lang == LangZH {
			h = c.zh
		}
		row[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	for n, r := range s.rows {
		for i, v := range r {
			row[i] = xlsxCell(v, s.cols[i].kind, st, zoneOr(loc))
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

type xlsxStyles struct{ header, time, rate int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return st, fmt.Errorf("write xlsx: %w", err)
	}
	timeFmt := "yyyy-mm-dd hh:mm:ss"
	if st.time, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return st, fmt.Errorf("write xlsx: %w", err)
	}
	if st.rate, err = f.NewStyle(&excelize.Style{NumFmt: 10}); err != nil { // 0.00%
		return st, fmt.Errorf("write xlsx: %w", err)
	}
	return st, nil
}

// xlsxCell is one value as a cell: nil for a null.
func xlsxCell(v any, k kind, st xlsxStyles, loc *time.Location) any {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return nil
		}
		v = *x
	case *time.Time:
		if x == nil {
			return nil
		}
		v = *x
	}
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: st.time, Value: wallClock(x.In(loc))}
	case float64:
		if k == kRate {
			return excelize.Cell{StyleID: st.rate, Value: x}
		}
		return x
	case string:
		if x == "" {
			return nil
		}
		return x
	}
	return v // int, bool
}

// wallClock returns t's wall-clock time as UTC, which excelize writes as
// the same date and time of day.
func wallClock(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}
