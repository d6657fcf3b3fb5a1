package inventory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXLimits bound what reading one workbook may cost. A workbook is a zip
// archive read whole into memory, so its size is capped; its parts are
// capped unzipped too, so that a small archive cannot unzip into gigabytes
// (a zip bomb); and its rows are counted.
type XLSXLimits struct {
	// MaxBytes caps the workbook file (default 64 MiB, the API's default
	// body limit; the API and the CLI pass max_body_bytes).
	MaxBytes int64
	// MaxUnzippedBytes caps the sum of its parts unzipped (default 1 GiB,
	// about 1,000,000 rows of 16 columns). Parts over 16 MiB are unzipped to
	// a temporary file and streamed rather than held in memory.
	MaxUnzippedBytes int64
	// MaxRows caps the rows of the sheet, header included (default
	// 1,000,000).
	MaxRows int
}

// DefaultXLSXLimits are the limits a zero XLSXLimits field takes.
var DefaultXLSXLimits = XLSXLimits{MaxBytes: 64 << 20, MaxUnzippedBytes: 1 << 30, MaxRows: 1_000_000}

// xlsxPartInMemory is the largest part held in memory; larger worksheets
// go to a temporary file (excelize's UnzipXMLSizeLimit).
const xlsxPartInMemory = 16 << 20

func (l XLSXLimits) orDefault() XLSXLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultXLSXLimits.MaxBytes
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = DefaultXLSXLimits.MaxUnzippedBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultXLSXLimits.MaxRows
	}
	return l
}

// decodeXLSX reads the named sheet ("" for the first) of the workbook in r
// into b, row by row. Lines are the sheet's row numbers, and the header is
// the first row with a value.
func decodeXLSX(ctx context.Context, r io.Reader, b *batch, sheet string, lim XLSXLimits) error {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return fmt.Errorf("read xlsx: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return errFile(0, "", "the workbook is larger than %d bytes", lim.MaxBytes)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true, // numbers and dates as stored, not as displayed
		UnzipSizeLimit:    lim.MaxUnzippedBytes,
		UnzipXMLSizeLimit: min(lim.MaxUnzippedBytes, xlsxPartInMemory),
	})
	if err != nil {
		return xlsxError(err, lim)
	}
	defer f.Close()
	if sheet, err = pickSheet(f, sheet); err != nil {
		return err
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return xlsxError(err, lim)
	}
	defer rows.Close()
	var cols []colSpec
	row := 0
	for rows.Next() {
		row++
		if row > lim.MaxRows {
			return errFile(row, "", "sheet %q has more than %d rows", truncate(sheet, 64), lim.MaxRows)
		}
		rec, err := rows.Columns()
		if err != nil {
			return errFile(row, "", "sheet %q: unreadable row: %v", truncate(sheet, 64), err)
		}
		if blank(rec) {
			continue
		}
		if cols == nil {
			if cols, err = parseHeader(rec, row); err != nil {
				return err
			}
			b.setHeader(cols, rec, true)
			continue
		}
		for len(rec) < len(cols) {
			rec = append(rec, "") // a workbook leaves out empty cells at the end of a row
		}
		for i, sp := range cols[:min(len(cols), len(rec))] {
			if sp.field == "due" || sp.field == "installed_at" {
				rec[i] = xlsxDate(rec[i], date1904)
			}
		}
		c, errs := csvCamera(cols, rec, row, false)
		if err := b.add(ctx, row, c, errs); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return errFile(row, "", "sheet %q: %v", truncate(sheet, 64), err)
	}
	if cols == nil {
		return errFile(1, "", "sheet %q is empty: it needs a header row (id,name,... or 设备编码,点位名称,...)", truncate(sheet, 64))
	}
	return nil
}

// pickSheet returns the name of the sheet to read: name, or the first.
func pickSheet(f *excelize.File, name string) (string, error) {
	list := f.GetSheetList()
	if len(list) == 0 {
		return "", errFile(0, "", "the workbook has no sheet")
	}
	if name == "" {
		return list[0], nil
	}
	for _, s := range list {
		if s == name {
			return s, nil
		}
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = strconv.Quote(truncate(s, 64))
	}
	return "", errFile(0, "", "the workbook has no sheet %q; its sheets: %s", truncate(name, 64), strings.Join(quoted, ", "))
}

// xlsxDate turns a date cell (a serial day number) into YYYY-MM-DD; text,
// such as a date typed as text, is returned unchanged for Normalize.
func xlsxDate(v string, date1904 bool) string {
	s := strings.TrimSpace(v)
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "-/") || n < 1 || n >= 2958466 { // 2958466: 10000-01-01
		return v
	}
	t, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return v
	}
	return t.Format("2006-01-02")
}

// xlsxError blames the file for a workbook excelize cannot open.
func xlsxError(err error, lim XLSXLimits) error {
	if strings.Contains(err.Error(), "unzip size") {
		return errFile(0, "", "the workbook unzips to more than %d bytes", lim.MaxUnzippedBytes)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return errFile(0, "", "not a readable .xlsx workbook: %v", err)
}
