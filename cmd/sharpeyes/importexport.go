package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

func runImport(ctx context.Context, e env, args []string) error {
	fs := newFlags("import", e.stderr)
	var cf configFlags
	cf.register(fs)
	dry := fs.Bool("dry-run", false, "validate and count, write nothing")
	skip := fs.Bool("skip-invalid", false, "import the good rows even when some are bad")
	createOnly := fs.Bool("create-only", false, "an id already in the store is an error")
	format := fs.String("format", "", "csv, json or xlsx (default: the file's extension, else detect)")
	sheet := fs.String("sheet", "", "the sheet of an .xlsx workbook to read (default: the first)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("usage: sharpeyes import FILE [--redis URL] [--dry-run] [--skip-invalid] [--create-only] [--format csv|json|xlsx] [--sheet NAME]")
	}
	if _, err := inventory.ParseFormat(*format); err != nil {
		return usageErrorf("--format: %q is not csv, json or xlsx", *format)
	}
	if *format == "" {
		*format = string(inventory.FormatOfName(pos[0]))
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	in, err := openInput(e, pos[0])
	if err != nil {
		return err
	}
	defer in.Close()
	log := newLogger(e.stderr, cfg)
	s, closeStore, err := openStore(ctx, e, cfg, log, useRunning)
	if err != nil {
		return err
	}
	defer closeStore()
	opts := inventory.Options{DryRun: *dry, SkipInvalid: *skip, CreateOnly: *createOnly, Sheet: *sheet}
	opts.XLSX.MaxBytes = cfg.MaxBodyBytes // a workbook the API would refuse is refused here too
	bar := newProgress(e.stderr, "importing")
	if bar != nil {
		opts.Progress = func(done, total int) {
			bar.ChangeMax(total)
			_ = bar.Set(done)
		}
	}
	res, err := inventory.Import(ctx, s, in, inventory.Format(*format), opts)
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(e.stderr)
	}
	for _, re := range res.Errors {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", pos[0], re.Line, rowProblem(re))
	}
	verb := "imported"
	if res.DryRun {
		verb = "dry run, would import"
	}
	fmt.Fprintf(e.stdout, "%s %s: %d created, %d updated, %d skipped, %d errors\n",
		pos[0], verb, res.Created, res.Updated, res.Skipped, len(res.Errors))
	if res.NothingImported != "" {
		fmt.Fprintf(e.stdout, "nothing imported: %s\n", res.NothingImported)
	}
	if res.CredentialsCleared > 0 {
		fmt.Fprintf(e.stdout, "%d cameras moved to another host or port without credentials: their stored credentials were cleared\n",
			res.CredentialsCleared)
	}
	if errors.Is(err, inventory.ErrInvalid) {
		return usageErrorf("%d bad rows, nothing written (use --skip-invalid to import the good rows)", len(res.Errors))
	}
	return err
}

// rowProblem is a row error without its line: "column: message", the
// column as the file heads it (建设类型 in a Chinese file), and the cell of
// a workbook ("H12 建设类型: ...").
func rowProblem(re inventory.RowError) string {
	col := re.Column
	if re.Header != "" {
		col = re.Header
	}
	if re.Cell != "" {
		col = strings.TrimSpace(re.Cell + " " + col)
	}
	if col == "" {
		return re.Message
	}
	return col + ": " + re.Message
}

func openInput(e env, path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(e.stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("open inventory: %w", err)
	}
	return f, nil
}

// newProgress returns a progress bar when w is a terminal, else nil (a
// one-line summary is printed instead).
func newProgress(w io.Writer, what string) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000))
}

func runExport(ctx context.Context, e env, args []string) error {
	fs := newFlags("export", e.stderr)
	var cf configFlags
	cf.register(fs)
	format := fs.String("format", "csv", "csv, json or xlsx")
	lang := fs.String("lang", "en", "headers and owner/lifecycle values: en or zh (csv, xlsx)")
	out := fs.String("o", "-", "output file")
	var f sharpeyes.Filter
	fs.StringVar(&f.Region, "region", "", "region prefix")
	owner := fs.String("owner", "", "police, government or social")
	lifecycle := fs.String("lifecycle", "", "planned, building, active or retired")
	fs.StringVar(&f.Maintainer, "maintainer", "", "maintenance contractor")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	f.Owner, f.Lifecycle = sharpeyes.Owner(*owner), sharpeyes.Lifecycle(*lifecycle)
	if !flagSet(fs, "format") && inventory.FormatOfName(*out) != inventory.FormatAuto {
		*format = string(inventory.FormatOfName(*out)) // -o cameras.xlsx
	}
	if *format != "csv" && *format != "json" && *format != "xlsx" {
		return usageErrorf("--format: %q is not csv, json or xlsx", *format)
	}
	if *lang != "en" && *lang != "zh" {
		return usageErrorf("--lang: %q is not en or zh", *lang)
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	s, closeStore, err := openStore(ctx, e, cfg, newLogger(e.stderr, cfg), useRunning)
	if err != nil {
		return err
	}
	defer closeStore()
	w := e.stdout
	if *out != "-" && !strings.EqualFold(*out, "") {
		file, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create %s: %w", *out, err)
		}
		defer file.Close()
		w = file
	}
	return inventory.Export(ctx, s, w, inventory.Format(*format), f, inventory.Lang(*lang))
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
