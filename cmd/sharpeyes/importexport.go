package main

import (
	"context"
	"errors"
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
	format := fs.String("format", "", "csv or json (default: detect)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("usage: sharpeyes import FILE [--redis URL] [--dry-run] [--skip-invalid] [--create-only]")
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
	opts := inventory.Options{DryRun: *dry, SkipInvalid: *skip, CreateOnly: *createOnly}
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
		fmt.Fprintf(e.stderr, "%s:%d: %s: %s\n", pos[0], re.Line, re.Column, re.Message)
	}
	verb := "imported"
	if res.DryRun {
		verb = "dry run, would import"
	}
	fmt.Fprintf(e.stdout, "%s %s: %d created, %d updated, %d skipped, %d errors\n",
		pos[0], verb, res.Created, res.Updated, res.Skipped, len(res.Errors))
	if res.CredentialsCleared > 0 {
		fmt.Fprintf(e.stdout, "%d cameras moved to another host or port without credentials: their stored credentials were cleared\n",
			res.CredentialsCleared)
	}
	if errors.Is(err, inventory.ErrInvalid) {
		return usageErrorf("%d bad rows, nothing written (use --skip-invalid to import the good rows)", len(res.Errors))
	}
	return err
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
	format := fs.String("format", "csv", "csv or json")
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
	if *format != "csv" && *format != "json" {
		return usageErrorf("--format: %q is not csv or json", *format)
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
	return inventory.Export(ctx, s, w, inventory.Format(*format), f)
}
