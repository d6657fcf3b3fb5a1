package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// WriteTable writes rep (a *Summary, *Coverage, *Outages, *Availability or
// *Buildout) as aligned text tables for a terminal: rates as percentages,
// durations like 1d02h03m, times RFC 3339 in loc with their offset (nil
// loc: UTC), Chinese text counted as two columns wide. A report of one row
// (the summary) prints as a list of fields. It returns an error for an
// unknown report type and the first write error.
func WriteTable(w io.Writer, rep any, loc *time.Location) error {
	secs, err := sections(rep, false)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i, s := range secs {
		if i > 0 {
			bw.WriteString("\n")
		}
		if s.title != "" {
			bw.WriteString(s.title + ":\n")
		}
		if len(s.rows) == 1 && len(s.cols) > 8 {
			writeFields(bw, s, zoneOr(loc))
		} else {
			writeGrid(bw, s, zoneOr(loc))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func writeGrid(w *bufio.Writer, s section, loc *time.Location) {
	cells := make([][]string, 0, len(s.rows)+1)
	head := make([]string, len(s.cols))
	for i, c := range s.cols {
		head[i] = c.en
	}
	cells = append(cells, head)
	for _, row := range s.rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = tableCell(s.cols[i].kind, v, loc)
		}
		cells = append(cells, line)
	}
	widths := make([]int, len(s.cols))
	for _, line := range cells {
		for i, c := range line {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, line := range cells {
		for i, c := range line {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				w.WriteString("  ")
			}
			switch {
			case s.cols[i].kind != kText && s.cols[i].kind != kTime:
				w.WriteString(pad + c)
			case i < len(line)-1:
				w.WriteString(c + pad)
			default:
				w.WriteString(c)
			}
		}
		w.WriteString("\n")
	}
}

func writeFields(w *bufio.Writer, s section, loc *time.Location) {
	wide := 0
	for _, c := range s.cols {
		wide = max(wide, len(c.en))
	}
	for i, c := range s.cols {
		fmt.Fprintf(w, "%-*s  %s\n", wide, c.en, tableCell(c.kind, s.rows[0][i], loc))
	}
}

// tableCell formats one value for people; times in loc, to the second.
func tableCell(k kind, v any, loc *time.Location) string {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return "-"
		}
		return tableCell(k, *x, loc)
	case float64:
		if k == kRate {
			return strconv.FormatFloat(100*x, 'f', 2, 64) + "%"
		}
		return humanSeconds(x)
	case *time.Time:
		if x == nil {
			return "-"
		}
		return tableCell(k, *x, loc)
	case time.Time:
		return x.In(loc).Format(time.RFC3339)
	case bool:
		if x {
			return "yes"
		}
		return ""
	case string:
		return x
	}
	return csvCell(v, loc)
}

// humanSeconds writes a duration as 45s, 12m05s, 3h04m or 2d03h.
func humanSeconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	days, h, m, sec := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%02dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}

// displayWidth counts East Asian wide and full-width runes as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
