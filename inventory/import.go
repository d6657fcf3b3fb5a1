package inventory

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Options change how Import treats the file.
type Options struct {
	// DryRun validates everything (create-only conflicts included) and
	// counts what would be created and updated, writing nothing.
	DryRun bool
	// SkipInvalid writes the good rows of a file that has bad ones, instead
	// of writing nothing.
	SkipInvalid bool
	// CreateOnly makes a row whose id is already stored an error.
	CreateOnly bool
	// Sheet names the sheet of a workbook to read ("": the first).
	Sheet string
	// XLSX bounds a workbook (zero fields: DefaultXLSXLimits').
	XLSX XLSXLimits
	// Progress, when set, is called every 1,000 rows read with total -1
	// (unknown while the file streams), and once with done == total when
	// the good rows are written (or, in a dry run, checked).
	Progress func(done, total int)
}

// Result is what an import did, or would do in a dry run. When bad rows
// stopped the import, Created and Updated are 0 and Errors lists them.
type Result struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Skipped int `json:"skipped"` // bad rows left out with SkipInvalid
	// CredentialsCleared counts cameras moved to another host or port
	// without credentials: their stored ones were dropped.
	CredentialsCleared int        `json:"credentials_cleared"`
	Errors             []RowError `json:"errors"` // never null, sorted by line and SPEC column order
	DryRun             bool       `json:"dry_run"`
	// NothingImported, when the import writes (or in a dry run would
	// write) no camera at all, says why: the file has no rows, every row
	// is bad, or bad rows stopped it. It is empty otherwise.
	NothingImported string `json:"nothing_imported,omitempty"`
}

// Import reads cameras from r (see Decode) and upserts them by id in one
// store transaction, so that the file lands whole or not at all. An empty
// username or password keeps the stored one, unless the camera's host or
// port changed (see store.PutMany).
//
// When any row is bad it writes nothing and returns a Result listing every
// bad field with an error wrapping ErrInvalid; with SkipInvalid it writes
// the good rows and counts the bad ones as Skipped. A file that cannot be
// read at all gives an error wrapping ErrInvalid too, and its problem as the
// one entry of Result.Errors. Other errors are read or store failures.
func Import(ctx context.Context, s *store.Store, r io.Reader, format Format, opts Options) (Result, error) {
	res := Result{DryRun: opts.DryRun, Errors: []RowError{}}
	progress := func(int) {}
	if opts.Progress != nil {
		progress = func(done int) { opts.Progress(done, -1) }
	}
	b, err := decode(ctx, r, format, decodeOptions{progress: progress, sheet: opts.Sheet, limits: opts.XLSX})
	var fe RowError
	if errors.As(err, &fe) && errors.Is(err, ErrInvalid) {
		res.Errors = []RowError{fe}
	}
	if err != nil {
		if errors.Is(err, ErrInvalid) {
			res.NothingImported = "the file cannot be read: " + err.Error()
		}
		return res, err
	}
	var exists map[string]bool
	if opts.CreateOnly || opts.DryRun {
		if exists, err = s.Existing(ctx, ids(b.cams)); err != nil {
			return res, fmt.Errorf("import: %w", err)
		}
	}
	if opts.CreateOnly {
		b.rejectExisting(exists)
	}
	res.Errors = append(res.Errors, b.errs...)
	if len(b.errs) > 0 && !opts.SkipInvalid {
		res.NothingImported = fmt.Sprintf("%d of %d rows are bad and the import is all-or-nothing (skip the bad rows to import the rest)",
			badRows(b.errs), badRows(b.errs)+len(b.cams))
		return res, fmt.Errorf("%w: %d errors in %d rows, nothing imported", ErrInvalid, len(b.errs), badRows(b.errs))
	}
	res.Skipped = badRows(b.errs)
	switch {
	case len(b.cams) == 0 && res.Skipped == 0:
		res.NothingImported = "the file has no camera rows"
	case len(b.cams) == 0:
		res.NothingImported = fmt.Sprintf("all %d rows are bad and were skipped", res.Skipped)
	}
	if err := write(ctx, s, b.cams, exists, opts, &res); err != nil {
		return res, err
	}
	if opts.Progress != nil {
		opts.Progress(len(b.cams), len(b.cams))
	}
	return res, nil
}

// write stores cams, or in a dry run counts what storing them would do.
func write(ctx context.Context, s *store.Store, cams []sharpeyes.Camera, exists map[string]bool, opts Options, res *Result) error {
	if opts.DryRun {
		for _, c := range cams {
			if exists[c.ID] {
				res.Updated++
			} else {
				res.Created++
			}
		}
		return nil
	}
	if len(cams) == 0 {
		return nil
	}
	put, err := s.PutMany(ctx, cams)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	res.Created, res.Updated, res.CredentialsCleared = put.Created, put.Updated, put.CredentialsCleared
	return nil
}

// rejectExisting moves the rows whose id is stored to the errors, for a
// create-only import.
func (b *batch) rejectExisting(exists map[string]bool) {
	if len(exists) == 0 {
		return
	}
	kept := 0
	for i, c := range b.cams {
		if exists[c.ID] {
			e := RowError{Line: b.lines[i], Column: "id",
				Message: fmt.Sprintf("camera %q already exists (create-only import)", c.ID)}
			b.annotate(&e)
			b.errs = append(b.errs, e)
			continue
		}
		b.cams[kept], b.lines[kept] = c, b.lines[i]
		kept++
	}
	clear(b.cams[kept:])
	b.cams, b.lines = b.cams[:kept], b.lines[:kept]
	sortErrors(b.errs)
}

func ids(cams []sharpeyes.Camera) []string {
	out := make([]string, len(cams))
	for i, c := range cams {
		out[i] = c.ID
	}
	return out
}

// badRows counts the distinct lines of errs, which are sorted by line.
func badRows(errs []RowError) int {
	n := 0
	for i, e := range errs {
		if i == 0 || e.Line != errs[i-1].Line {
			n++
		}
	}
	return n
}
