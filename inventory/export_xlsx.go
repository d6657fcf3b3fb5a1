package inventory

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/xlsxbook"
)

// xlsxWidths are the export's column widths in characters, by column name.
var xlsxWidths = map[string]float64{
	"id": 24, "name": 32, "host": 16, "path": 26, "region": 30, "maintainer": 18, "uplink": 16,
	"due": 14, "installed_at": 14, "tags": 30,
}

// EncodeXLSX writes cams in the order given as an .xlsx workbook that
// Decode reads back: one sheet with the header row of EncodeCSVLang in lang
// (bold and frozen, so that it stays in view while scrolling), the port,
// latitude and longitude as numbers, due and installed_at as date cells
// (yyyy-mm-dd) and the rest as text cells, which a spreadsheet never runs
// as formulas. It returns the first encoding or write error.
func EncodeXLSX(w io.Writer, cams []*sharpeyes.Camera, lang Lang) error {
	return encodeXLSX(w, slices.Values(cams), lang)
}

func encodeXLSX(w io.Writer, cams iter.Seq[*sharpeyes.Camera], lang Lang) error {
	sheet := "cameras"
	if lang == LangZH {
		sheet = "摄像机"
	}
	widths := make([]float64, len(exportColumns))
	for i, c := range exportColumns {
		widths[i] = xlsxWidths[c.name]
	}
	sh, err := xlsxbook.New(sheet, headerRecord(lang), widths)
	if err != nil {
		return err
	}
	defer sh.Close()
	st, err := newXLSXStyles(sh)
	if err != nil {
		return err
	}
	row := make([]any, len(exportColumns))
	rec := make([]string, len(exportColumns))
	for c := range cams {
		if err := sh.Row(xlsxRow(c, row, rec, lang, st)); err != nil {
			return fmt.Errorf("camera %q: %w", c.ID, err)
		}
	}
	return sh.Write(w)
}

// xlsxStyles are the style ids of an export workbook's cells.
type xlsxStyles struct{ date, text int }

func newXLSXStyles(sh *xlsxbook.Sheet) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	dateFmt := "yyyy-mm-dd"
	if st.date, err = sh.Style(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return st, err
	}
	// Text format ("@"): a GB/T 28181 id typed over stays 20 digits
	// instead of turning into 4.3E+19.
	if st.text, err = sh.Style(&excelize.Style{NumFmt: 49}); err != nil {
		return st, err
	}
	return st, nil
}

// xlsxRow fills row with c's cells in exportColumns order; rec is
// scratch space for csvRecord. Empty values are blank cells.
func xlsxRow(c *sharpeyes.Camera, row []any, rec []string, lang Lang, st xlsxStyles) []any {
	csvRecord(c, rec, lang)
	for i, col := range exportColumns {
		var v any
		switch col.name {
		case "port":
			if c.Port != 0 {
				v = c.Port
			}
		case "lat":
			if c.Lat != nil {
				v = *c.Lat
			}
		case "lon":
			if c.Lon != nil {
				v = *c.Lon
			}
		case "due":
			v = xlsxDateCell(c.Due, st)
		case "installed_at":
			v = xlsxDateCell(c.InstalledAt, st)
		case "owner", "lifecycle", "probe":
			if rec[i] != "" {
				v = rec[i]
			}
		case "tags":
			if s := formatTags(c.Tags); s != "" {
				v = excelize.Cell{StyleID: st.text, Value: s}
			}
		default:
			if s := *textField(c, col.name); s != "" {
				v = excelize.Cell{StyleID: st.text, Value: s}
			}
		}
		row[i] = v
	}
	return row
}

// xlsxDateCell is a date cell for d, or nil when d is unset.
func xlsxDateCell(d sharpeyes.Date, st xlsxStyles) any {
	// Excel dates carry no zone: midnight UTC is read as the date itself.
	if t := d.In(time.UTC); !t.IsZero() {
		return excelize.Cell{StyleID: st.date, Value: t}
	}
	return nil
}
