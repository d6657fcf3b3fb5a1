// Package xlsxbook writes the one-sheet workbooks sharpeyes exports (the
// inventory and every report): a bold header row frozen in view, set
// column widths, then rows streamed one by one, so that a 250,000-row
// sheet is not held cell by cell in memory.
package xlsxbook

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet is a workbook of one sheet being written. Close it when done.
type Sheet struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

// frozenHeader keeps row 1 in view while scrolling.
var frozenHeader = &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}

// New starts a workbook whose one sheet is called name, with column i
// widths[i] characters wide (0 keeps the default) and header as its bold,
// frozen first row. It returns an error when excelize refuses any of it.
func New(name string, header []string, widths []float64) (*Sheet, error) {
	s := &Sheet{f: excelize.NewFile()}
	if err := s.start(name, header, widths); err != nil {
		s.Close()
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return s, nil
}

func (s *Sheet) start(name string, header []string, widths []float64) error {
	if err := s.f.SetSheetName(s.f.GetSheetName(0), name); err != nil {
		return err
	}
	var err error
	if s.sw, err = s.f.NewStreamWriter(name); err != nil {
		return err
	}
	for i, w := range widths {
		if w > 0 {
			if err := s.sw.SetColWidth(i+1, i+1, w); err != nil {
				return err
			}
		}
	}
	if err := s.sw.SetPanes(frozenHeader); err != nil {
		return err
	}
	bold, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return s.Row(cells)
}

// Style registers a cell style and returns its id for excelize.Cell, or
// an error when excelize refuses it.
func (s *Sheet) Style(st *excelize.Style) (int, error) {
	id, err := s.f.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("write xlsx: %w", err)
	}
	return id, nil
}

// Row appends one row of cell values (nil for a blank cell, excelize.Cell
// for a styled one). It returns excelize's error.
func (s *Sheet) Row(cells []any) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := s.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("write xlsx: row %d: %w", s.row, err)
	}
	return nil
}

// Write finishes the sheet and writes the workbook to w, returning the
// first error.
func (s *Sheet) Write(w io.Writer) error {
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if _, err := s.f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// Close frees the workbook's temporary files.
func (s *Sheet) Close() { _ = s.f.Close() }
