package inventory

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Export writes the stored cameras matching f to w, sorted by id, as CSV
// (FormatCSV or FormatAuto), JSON or an .xlsx workbook, with headers and
// enum values in lang (CSV and xlsx; "" is English). The same inventory
// always gives the same CSV and JSON bytes, and no credentials are ever
// written. It returns an error wrapping ErrInvalid for an unknown format or
// language, or the store or write failure.
func Export(ctx context.Context, s *store.Store, w io.Writer, format Format, f sharpeyes.Filter, lang Lang) error {
	format, err := ParseFormat(string(format))
	if err != nil {
		return err
	}
	if lang, err = ParseLang(string(lang)); err != nil {
		return err
	}
	sel, err := s.SelectLazy(ctx, f)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// Records are built one at a time as they are written: a province's
	// 500,000 built at once took about 270 MB.
	return encode(w, sel.All(), format, lang)
}

// Encode writes cams in the order given as format (FormatAuto: CSV) in lang,
// as EncodeCSVLang, EncodeJSON or EncodeXLSX do.
func Encode(w io.Writer, cams []*sharpeyes.Camera, format Format, lang Lang) error {
	return encode(w, slices.Values(cams), format, lang)
}

// encode is Encode for cameras read in turn from cams.
func encode(w io.Writer, cams iter.Seq[*sharpeyes.Camera], format Format, lang Lang) error {
	switch format {
	case FormatJSON:
		return encodeJSON(w, cams)
	case FormatXLSX:
		return encodeXLSX(w, cams, lang)
	}
	return encodeCSV(w, cams, lang)
}

// EncodeCSV writes cams in the order given as CSV that Decode reads back:
// a UTF-8 BOM (so that Excel shows Chinese text), the English header in
// SPEC order plus "tags", one row per camera. Text that a spreadsheet would
// run as a formula is guarded (see the package doc). It returns the first
// write error.
func EncodeCSV(w io.Writer, cams []*sharpeyes.Camera) error {
	return EncodeCSVLang(w, cams, LangEN)
}

// EncodeCSVLang is EncodeCSV with the headers and the owner and lifecycle
// values in lang: with LangZH, 设备编码,点位名称,... and 公安/自建/社会,
// 规划/在建/已建/撤除, as the inventory spreadsheet has them.
func EncodeCSVLang(w io.Writer, cams []*sharpeyes.Camera, lang Lang) error {
	return encodeCSV(w, slices.Values(cams), lang)
}

func encodeCSV(w io.Writer, cams iter.Seq[*sharpeyes.Camera], lang Lang) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(bomUTF8); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	rec := headerRecord(lang)
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for c := range cams {
		if err := cw.Write(csvRecord(c, rec, lang)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// headerRecord returns the export's header in lang.
func headerRecord(lang Lang) []string {
	rec := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		rec[i] = c.name
		if lang == LangZH {
			rec[i] = c.zh
		}
	}
	return rec
}

// csvRecord fills rec with c's fields in exportColumns order, the owner
// and lifecycle in lang.
func csvRecord(c *sharpeyes.Camera, rec []string, lang Lang) []string {
	for i, col := range exportColumns {
		var v string
		switch col.name {
		case "port":
			if c.Port != 0 {
				v = strconv.Itoa(c.Port)
			}
		case "probe":
			v = string(c.Probe)
		case "owner":
			v = string(c.Owner)
			if lang == LangZH {
				v = zhOwner(c.Owner)
			}
		case "lifecycle":
			v = string(c.Lifecycle)
			if lang == LangZH {
				v = zhLifecycle(c.Lifecycle)
			}
		case "lat":
			v = formatCoord(c.Lat)
		case "lon":
			v = formatCoord(c.Lon)
		case "due":
			v = string(c.Due)
		case "installed_at":
			v = string(c.InstalledAt)
		case "tags":
			v = guard(formatTags(c.Tags))
		default:
			v = guard(*textField(c, col.name))
		}
		rec[i] = v
	}
	return rec
}

func formatCoord(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// EncodeJSON writes cams in the order given as {"items": [...]}, one camera
// per line, which Decode reads back. Credentials are never written (Camera
// does not marshal them). It returns the first encoding or write error.
func EncodeJSON(w io.Writer, cams []*sharpeyes.Camera) error {
	return encodeJSON(w, slices.Values(cams))
}

func encodeJSON(w io.Writer, cams iter.Seq[*sharpeyes.Camera]) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(`{"items":[`); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	sep := "\n"
	for c := range cams {
		raw, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode camera %q: %w", c.ID, err)
		}
		if _, err := bw.WriteString(sep); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
		if _, err := bw.Write(raw); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
		sep = ",\n"
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
