// Command sharpeyes keeps the inventory of a city's public video network
// and watches every camera's health. See `sharpeyes help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the configured timezone must load in images without /usr/share/zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes of SPEC.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a subcommand may touch of the outside world; tests give
// their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	environ        []string
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the API, dashboard and collector", runServe},
		{"collect", "run the collector on its schedule, or one sweep with a summary (--once)", runCollect},
		{"import", "import a CSV or JSON inventory", runImport},
		{"export", "export the inventory as CSV or JSON", runExport},
		{"report", "print a report: coverage, outages, availability, buildout", runReport},
		{"probe", "diagnose one camera: a URL (rtsp://, onvif://, tcp://, http://, icmp://), HOST:PORT or a camera id", runProbe},
		{"fleet", "serve a simulated camera fleet on loopback", runFleet},
		{"gb28181", "run only the GB/T 28181 SIP server against the configured Redis (larger sites)", runGB28181},
		{"healthcheck", "exit 0 when a running serve is ready (for Docker HEALTHCHECK)", runHealthcheck},
		{"version", "print the version", func(_ context.Context, e env, _ []string) error {
			fmt.Fprintln(e.stdout, "sharpeyes", version)
			return nil
		}},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, environ: os.Environ()}
	return runEnv(ctx, e, args)
}

func runEnv(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(e.stderr, c.name, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "sharpeyes: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sharpeyes <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `sharpeyes <command> -h` for the flags of one command.")
}

// usageError marks errors of the command line or its input (exit code 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func exitCode(w io.Writer, name string, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(w, "sharpeyes %s: %v\n", name, err)
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailure
}
