package report

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, data []byte) (*excelize.File, string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, f.GetSheetName(0)
}

// numFmt returns the custom or built-in number format of a cell.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) (string, int) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt, st.NumFmt
	}
	return "", st.NumFmt
}

// A report workbook has the CSV's rows under a frozen Chinese header:
// times as date cells in the configured zone's wall-clock time, seconds
// and rates as numbers (a rate formatted as a percentage), text never a
// formula.
func TestWriteXLSXTypesItsCells(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	end := t0
	rep := &Outages{Items: []OutageItem{{CameraID: "a", Name: "=cmd|' /C calc'!A0", Start: t0.Add(-90 * time.Minute),
		End: &end, DurationS: 5400, Reason: "timeout"}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep, LangZH, shanghai); err != nil {
		t.Fatal(err)
	}
	f, sheet := openXLSX(t, buf.Bytes())
	if p, err := f.GetPanes(sheet); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Fatalf("panes %+v (%v), want the header row frozen", p, err)
	}
	cells := map[string]string{"A1": "设备编码", "G1": "开始时间", "B2": "=cmd|' /C calc'!A0", "G2": "2025-03-10 06:30:00",
		"H2": "2025-03-10 08:00:00", "I2": "5400", "K2": "FALSE"}
	for cell, want := range cells {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s shows %q, want %q", cell, got, want)
		}
	}
	if formula, _ := f.GetCellFormula(sheet, "B2"); formula != "" {
		t.Errorf("B2 is the formula %q", formula)
	}
	if custom, _ := numFmt(t, f, sheet, "G2"); custom != "yyyy-mm-dd hh:mm:ss" {
		t.Errorf("G2 number format %q, want a date-time format", custom)
	}
	if raw, _ := f.GetCellValue(sheet, "G2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "45726.27083") {
		t.Errorf("G2 holds %q, want the serial day number of 2025-03-10 06:30", raw)
	}

	var sum bytes.Buffer
	rate := 0.875
	if err := WriteXLSX(&sum, &Summary{At: t0, Cameras: 8, OnlineRate: &rate}, LangEN, time.UTC); err != nil {
		t.Fatal(err)
	}
	f, sheet = openXLSX(t, sum.Bytes())
	if got, _ := f.GetCellValue(sheet, "L2"); got != "87.50%" {
		t.Errorf("online_rate shows %q, want 87.50%%", got)
	}
	if raw, _ := f.GetCellValue(sheet, "L2", excelize.Options{RawCellValue: true}); raw != "0.875" {
		t.Errorf("online_rate holds %q, want the fraction 0.875", raw)
	}
	if got, _ := f.GetCellValue(sheet, "Q1"); got != "last_sweep_start" {
		t.Errorf("Q1 %q", got)
	}
	if got, _ := f.GetCellValue(sheet, "Q2"); got != "" {
		t.Errorf("a null time shows %q, want a blank cell", got)
	}
}

func TestCoverageXLSXThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	loadHetang(t, e)
	srv := serveAPI(t, e)
	code, hdr, body := get(t, srv, "/api/v1/reports/coverage?group_by=owner&format=xlsx&lang=zh", viewerToken)
	if code != http.StatusOK || hdr.Get("Content-Type") != XLSXType {
		t.Fatalf("xlsx: %d %s", code, hdr.Get("Content-Type"))
	}
	f, sheet := openXLSX(t, body)
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) != 5 || rows[0][0] != "建设类型" || rows[4][1] != "5100" {
		t.Fatalf("rows %v (%v), want the header, 3 owners and the total of 5100", rows, err)
	}
	if typ, _ := f.GetCellType(sheet, "B5"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Fatalf("the total is a cell of type %v, want a number", typ)
	}
}
