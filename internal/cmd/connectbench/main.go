// Command connectbench measures the bare rate of Go TCP connects (and,
// with --rtsp, of bare RTSP OPTIONS + DESCRIBE exchanges) to every camera
// of an inventory CSV, as the baseline that scripts/bench-sweep.sh sets the
// collector's sweep rate against.
//
// It reads the columns host, port, probe (and path, lifecycle when present)
// by their header names, refuses any host outside 127.0.0.0/8 and ::1,
// skips planned and retired cameras as the collector does (unless --all),
// connects to each camera once with --concurrency workers (closing with a
// FIN, or with --rst an RST) and prints:
//
//	count 9800
//	wall_s 1.234
//	rate_per_s 7941.7
//	ok 8820
//	failures refused=490 timeout=490
//
// Exit codes: 0 ok (failed connects are results, not errors), 1 runtime
// failure, 2 bad usage or a bad or non-loopback inventory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line.
type options struct {
	file        string
	concurrency int
	timeout     time.Duration
	rtsp        bool
	rst         bool
	all         bool
}

// errUsage marks errors of the command line or the inventory (exit code 2).
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = bench(ctx, o, stdout)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "connectbench:", err)
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("connectbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: connectbench [flags] INVENTORY.csv")
		fs.PrintDefaults()
	}
	fs.IntVar(&o.concurrency, "concurrency", 2000, "connects in flight at once (keep well under the open-file limit)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Second, "bound on one connect, or one whole RTSP exchange")
	fs.BoolVar(&o.rtsp, "rtsp", false, "after connecting to an rtsp camera, exchange OPTIONS and DESCRIBE")
	fs.BoolVar(&o.rst, "rst", false, "close with RST (SO_LINGER 0), leaving no TIME_WAIT socket, as the collector's probes do")
	fs.BoolVar(&o.all, "all", false, "also connect to planned and retired cameras (the collector skips them)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	switch {
	case fs.NArg() != 1:
		fs.Usage()
		return o, fmt.Errorf("%w: want one inventory file, got %d arguments", errUsage, fs.NArg())
	case o.concurrency < 1 || o.concurrency > 15000:
		return o, fmt.Errorf("%w: --concurrency %d is out of range 1-15000", errUsage, o.concurrency)
	case o.timeout <= 0:
		return o, fmt.Errorf("%w: --timeout must be positive", errUsage)
	}
	o.file = fs.Arg(0)
	return o, nil
}

// bench reads the inventory, runs the connects and prints the result. It
// returns an error when the inventory cannot be read or is refused, or when
// ctx ends before every connect finished.
func bench(ctx context.Context, o options, stdout io.Writer) error {
	f, err := os.Open(o.file)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	ts, skipped, err := readTargets(f, o.all)
	f.Close()
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errUsage, o.file, err)
	}
	mode := "tcp connect + close"
	if o.rtsp {
		mode = "tcp connect, rtsp OPTIONS + DESCRIBE on rtsp cameras, close"
	}
	if o.rst {
		mode += " with RST"
	}
	fmt.Fprintf(stdout, "connectbench: %d targets (%d skipped: not probed), %s, concurrency %d, timeout %s\n",
		len(ts), skipped, mode, o.concurrency, o.timeout)
	res := sweep(ctx, ts, o)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	printResult(stdout, res)
	return nil
}

// printResult writes the key-value lines the bench script parses.
func printResult(w io.Writer, r result) {
	rate := 0.0
	if r.wall > 0 {
		rate = float64(r.count) / r.wall.Seconds()
	}
	fmt.Fprintf(w, "count %d\nwall_s %.3f\nrate_per_s %.1f\nok %d\n", r.count, r.wall.Seconds(), rate, r.ok)
	kinds := make([]string, 0, len(r.failures))
	for k, n := range r.failures {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	if len(kinds) == 0 {
		kinds = []string{"none"}
	}
	fmt.Fprintf(w, "failures %s\n", strings.Join(kinds, " "))
}
