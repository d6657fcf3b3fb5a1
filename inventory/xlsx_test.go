package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

func exportAs(t *testing.T, s *store.Store, format inventory.Format, lang inventory.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := inventory.Export(context.Background(), s, &buf, format, sharpeyes.Filter{}, lang); err != nil {
		t.Fatalf("export %s %s: %v", format, lang, err)
	}
	return buf.Bytes()
}

// An export in Chinese, as CSV or as a workbook, imports back into the
// same 5,100 cameras: the English export of the re-imported store is the
// English export of the original, byte for byte.
func TestExportChineseRoundTripsThroughImport(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, mustRead(t, "hetang-cameras.csv"), inventory.Options{})
	want := exportAs(t, s, inventory.FormatCSV, inventory.LangEN)
	for _, format := range []inventory.Format{inventory.FormatCSV, inventory.FormatXLSX} {
		t.Run(string(format), func(t *testing.T) {
			zh := exportAs(t, s, format, inventory.LangZH)
			if format == inventory.FormatCSV {
				header, _, _ := strings.Cut(string(zh), "\n")
				if header != "\ufeff设备编码,点位名称,IP地址,端口,检测方式,路径,所属区域,建设类型,建设状态,运维单位,上联设备,纬度,经度,计划完成日期,建成日期,标签" {
					t.Fatalf("header %q", header)
				}
				if !strings.Contains(string(zh), ",公安,已建,") || strings.Contains(string(zh), ",police,") {
					t.Fatal("the Chinese export does not write the owner and lifecycle in Chinese")
				}
			}
			again := newStore(t)
			res, err := inventory.Import(context.Background(), again, bytes.NewReader(zh), inventory.FormatAuto, inventory.Options{})
			if err != nil || res.Created != 5100 || len(res.Errors) != 0 || res.NothingImported != "" {
				t.Fatalf("re-import: %v, %d created, errors %v", err, res.Created, res.Errors[:min(len(res.Errors), 5)])
			}
			if got := exportAs(t, again, inventory.FormatCSV, inventory.LangEN); !bytes.Equal(got, want) {
				t.Fatal("the re-imported inventory differs from the original")
			}
		})
	}
}

// The workbook export has a frozen header row, numbers as numbers and
// dates as date cells with a date format, which sort and filter as such.
func TestExportXLSXHasFrozenHeaderNumbersAndDates(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, mustRead(t, "hetang-cameras.csv"), inventory.Options{})
	f, err := excelize.OpenReader(bytes.NewReader(exportAs(t, s, inventory.FormatXLSX, inventory.LangZH)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Fatalf("panes %+v (%v), want row 1 frozen", panes, err)
	}
	if h, _ := f.GetCellValue(sheet, "H1"); h != "建设类型" {
		t.Fatalf("H1 = %q, want 建设类型", h)
	}
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) != 5101 {
		t.Fatalf("%d rows (%v), want 5101", len(rows), err)
	}
	row := 2 // the first camera installed on a date
	for ; row <= len(rows) && rows[row-1][14] == ""; row++ {
	}
	for _, c := range []struct {
		cell   string
		number bool
	}{{"D2", true}, {"L2", true}, {"M2", true}, {"A2", false}, {fmt.Sprintf("O%d", row), true}} {
		got, err := f.GetCellType(sheet, c.cell)
		// A number cell has no type attribute, which excelize reads as unset.
		if isNumber := got == excelize.CellTypeNumber || got == excelize.CellTypeUnset; err != nil || isNumber != c.number {
			t.Errorf("%s has type %v (%v), want a number cell: %v", c.cell, got, err, c.number)
		}
	}
	date := fmt.Sprintf("O%d", row)
	id, err := f.GetCellStyle(sheet, date)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil || style.CustomNumFmt == nil || *style.CustomNumFmt != "yyyy-mm-dd" {
		t.Fatalf("%s style %+v (%v), want the date format yyyy-mm-dd", date, style, err)
	}
	if v, _ := f.GetCellValue(sheet, date); v != rows[row-1][14] || len(v) != 10 {
		t.Fatalf("%s shows %q", date, v)
	}
}

// A workbook saved by LibreOffice Calc (the first 300 cameras of the
// Chinese sample, converted with soffice --convert-to xlsx: date cells,
// number cells, shared strings) imports as the same cameras as the CSV.
func TestImportLibreOfficeWorkbook(t *testing.T) {
	got, errs, err := inventory.Decode(bytes.NewReader(mustRead(t, "hetang-cameras-300-libreoffice.xlsx")), inventory.FormatAuto)
	if err != nil || len(errs) != 0 {
		t.Fatalf("decode: %v %v", err, errs)
	}
	lines := strings.SplitAfter(string(mustRead(t, "hetang-cameras.csv")), "\n")
	want := mustDecode(t, strings.Join(lines[:301], ""))
	if len(got) != 300 {
		t.Fatalf("the workbook has %d cameras, want 300", len(got))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("camera %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// workbook builds an .xlsx with one sheet per name, each holding rows.
func workbook(t *testing.T, sheets map[string][][]any, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			if err := f.SetSheetRow(name, fmt.Sprintf("A%d", r+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Errors in a workbook name the sheet row and the cell, and with Chinese
// headers speak Chinese.
func TestDecodeXLSXErrorsNameRowAndCell(t *testing.T) {
	data := workbook(t, map[string][][]any{"点位": {
		{},
		{"设备编码", "点位名称", "IP地址", "建设类型", "建成日期"},
		{"cam-1", "东门", "127.0.0.1", "公安", "2024-01-02"},
		{"cam-2", "西门", "127.0.0.2", "army", 45000},
	}}, "点位")
	cams, errs, err := inventory.Decode(bytes.NewReader(data), inventory.FormatAuto)
	if err != nil || len(cams) != 1 || len(errs) != 1 {
		t.Fatalf("got %d cameras, errors %v, %v; want 1 camera and 1 error", len(cams), errs, err)
	}
	e := errs[0]
	want := `第 4 行（D4 单元格）：建设类型："army" 不是 公安、自建、社会 之一`
	if e.Line != 4 || e.Column != "owner" || e.Cell != "D4" || e.Header != "建设类型" || e.Error() != want {
		t.Fatalf("got %+v (%q), want %q", e, e.Error(), want)
	}
	english := workbook(t, map[string][][]any{"s": {{"id", "name", "host", "port"}, {"cam-1", "a", "127.0.0.1", "x"}}}, "s")
	_, errs, _ = inventory.Decode(bytes.NewReader(english), inventory.FormatXLSX)
	if len(errs) != 1 || errs[0].Error() != `line 2 (cell D2): port: "x" is not a whole number` {
		t.Fatalf("English workbook errors: %v", errs)
	}
}

func TestDecodeXLSXReadsTheNamedSheet(t *testing.T) {
	data := workbook(t, map[string][][]any{
		"说明": {{"本表为摄像机台账"}},
		"台账": {{"id", "name", "host", "installed_at"}, {"cam-9", "北门", "127.0.0.9", 45000}},
	}, "说明", "台账")
	cams, errs, err := inventory.DecodeSheet(bytes.NewReader(data), inventory.FormatAuto, "台账", inventory.XLSXLimits{})
	if err != nil || len(errs) != 0 || len(cams) != 1 || cams[0].ID != "cam-9" || cams[0].InstalledAt != "2023-03-15" {
		t.Fatalf("got %+v, %v, %v", cams, errs, err)
	}
	_, _, err = inventory.DecodeSheet(bytes.NewReader(data), inventory.FormatAuto, "", inventory.XLSXLimits{})
	if !errors.Is(err, inventory.ErrInvalid) || !strings.Contains(err.Error(), "unknown column") {
		t.Fatalf("first sheet: %v, want its bad header", err)
	}
	_, _, err = inventory.DecodeSheet(bytes.NewReader(data), inventory.FormatAuto, "Sheet9", inventory.XLSXLimits{})
	if !errors.Is(err, inventory.ErrInvalid) || !strings.Contains(err.Error(), `"说明", "台账"`) {
		t.Fatalf("unknown sheet: %v, want the sheets listed", err)
	}
}

// A workbook is refused, blaming the file, when it is over the byte
// limit, unzips to more than the unzip limit (a zip bomb: 20,000 equal
// rows compress to almost nothing), or has too many rows.
func TestDecodeXLSXIsBounded(t *testing.T) {
	rows := [][]any{{"id", "name", "host"}}
	for i := range 20_000 {
		rows = append(rows, []any{fmt.Sprintf("cam-%d", i), strings.Repeat("x", 100), "127.0.0.1"})
	}
	data := workbook(t, map[string][][]any{"s": rows}, "s")
	tests := []struct {
		name   string
		limits inventory.XLSXLimits
		want   string
	}{
		{"bytes", inventory.XLSXLimits{MaxBytes: int64(len(data)) - 1}, "larger than"},
		{"unzipped", inventory.XLSXLimits{MaxUnzippedBytes: 1 << 20}, "unzips to more than"},
		{"rows", inventory.XLSXLimits{MaxRows: 1000}, "more than 1000 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := inventory.DecodeSheet(bytes.NewReader(data), inventory.FormatAuto, "", tt.limits)
			if !errors.Is(err, inventory.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
	cams, _, err := inventory.Decode(bytes.NewReader(data), inventory.FormatAuto)
	if err != nil || len(cams) != 20_000 {
		t.Fatalf("within the default limits: %d cameras, %v", len(cams), err)
	}
}

// An import that writes nothing says why.
func TestImportThatWritesNothingSaysSo(t *testing.T) {
	tests := []struct {
		name, data string
		opts       inventory.Options
		want       string
	}{
		{"header only", "id,name,host\n", inventory.Options{}, "no camera rows"},
		{"all rows skipped", "id,name,host\ncam-1,,127.0.0.1\ncam-2,,127.0.0.1\n", inventory.Options{SkipInvalid: true}, "all 2 rows are bad"},
		{"bad rows", "id,name,host\ncam-1,a,127.0.0.1\ncam-2,,127.0.0.1\n", inventory.Options{}, "1 of 2 rows are bad"},
		{"empty file", "", inventory.Options{}, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := inventory.Import(context.Background(), newStore(t), strings.NewReader(tt.data), inventory.FormatAuto, tt.opts)
			if !strings.Contains(res.NothingImported, tt.want) {
				t.Fatalf("nothing_imported %q, want %q", res.NothingImported, tt.want)
			}
		})
	}
	res := mustImport(t, newStore(t), []byte("id,name,host\ncam-1,a,127.0.0.1\n"), inventory.Options{})
	if res.NothingImported != "" {
		t.Fatalf("an import that wrote a camera says %q", res.NothingImported)
	}
}
