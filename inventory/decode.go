package inventory

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/sharpeyes/sharpeyes"
)

// Decode reads cameras from r in format (FormatAuto detects it), streaming
// row by row, and normalises and validates each with Camera.Normalize. It
// returns the cameras of the good rows in file order and one RowError per
// bad field of every bad row (a later row repeating an id is bad). The
// error, which wraps ErrInvalid when the file itself is unreadable
// (encoding, header, quoting, JSON syntax), is non-nil only when reading
// stopped; it is then the only result.
//
// A workbook is read from its first sheet with the DefaultXLSXLimits; see
// DecodeSheet.
func Decode(r io.Reader, format Format) ([]sharpeyes.Camera, []RowError, error) {
	return DecodeSheet(r, format, "", XLSXLimits{})
}

// DecodeSheet is Decode reading a workbook's sheet named sheet ("" for the
// first) within limits (zero fields take DefaultXLSXLimits').
func DecodeSheet(r io.Reader, format Format, sheet string, limits XLSXLimits) ([]sharpeyes.Camera, []RowError, error) {
	b, err := decode(context.Background(), r, format, decodeOptions{sheet: sheet, limits: limits})
	if err != nil {
		return nil, nil, err
	}
	return b.cams, b.errs, nil
}

// decodeOptions are what a decode needs besides the input.
type decodeOptions struct {
	progress func(rows int)
	sheet    string
	limits   XLSXLimits
}

func decode(ctx context.Context, r io.Reader, format Format, o decodeOptions) (*batch, error) {
	format, err := ParseFormat(string(format))
	if err != nil {
		return nil, err
	}
	b := &batch{seen: make(map[string]int), progress: o.progress}
	br := bufio.NewReaderSize(r, bufSize)
	if format == FormatAuto {
		if format, err = sniff(br); err != nil {
			return nil, err
		}
	}
	switch format {
	case FormatJSON:
		err = decodeJSON(ctx, br, b)
	case FormatXLSX:
		err = decodeXLSX(ctx, br, b, o.sheet, o.limits.orDefault())
	default:
		err = decodeCSV(ctx, br, b)
	}
	if err != nil {
		return nil, err
	}
	sortErrors(b.errs)
	b.cams = b.flatten()
	return b, nil
}

// zipMagic starts every zip archive, and so every .xlsx workbook.
var zipMagic = []byte("PK\x03\x04")

// sniff returns FormatXLSX for a zip archive, FormatJSON when the first
// byte after an optional BOM and white space is '[' or '{', FormatCSV
// otherwise.
func sniff(br *bufio.Reader) (Format, error) {
	if head, _ := br.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
		return FormatXLSX, nil
	}
	for n := 64; ; n *= 2 {
		head, err := br.Peek(min(n, bufSize))
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return "", fmt.Errorf("read input: %w", err)
		}
		rest := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
		switch {
		case len(rest) > 0 && (rest[0] == '[' || rest[0] == '{'):
			return FormatJSON, nil
		case len(rest) > 0 || err != nil || len(head) == bufSize:
			return FormatCSV, nil
		}
	}
}
