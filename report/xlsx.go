package report

import (
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sharpeyes/sharpeyes/internal/xlsxbook"
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
	sheet := "report"
	if lang == LangZH {
		sheet = "报表"
	}
	header := make([]string, len(s.cols))
	widths := make([]float64, len(s.cols))
	for i, c := range s.cols {
		header[i], widths[i] = c.en, 14
		if lang == LangZH {
			header[i] = c.zh
		}
	}
	sh, err := xlsxbook.New(sheet, header, widths)
	if err != nil {
		return err
	}
	defer sh.Close()
	st, err := newXLSXStyles(sh)
	if err != nil {
		return err
	}
	row := make([]any, len(s.cols))
	for _, r := range s.rows {
		for i, v := range r {
			row[i] = xlsxCell(v, s.cols[i].kind, st, zoneOr(loc))
		}
		if err := sh.Row(row); err != nil {
			return err
		}
	}
	return sh.Write(w)
}

type xlsxStyles struct{ time, rate int }

func newXLSXStyles(sh *xlsxbook.Sheet) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	timeFmt := "yyyy-mm-dd hh:mm:ss"
	if st.time, err = sh.Style(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return st, err
	}
	if st.rate, err = sh.Style(&excelize.Style{NumFmt: 10}); err != nil { // 0.00%
		return st, err
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
