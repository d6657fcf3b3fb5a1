// Command gbbench measures the GB/T 28181 SIP server: simulated devices
// (package fleet, in this process) register with `sharpeyes gb28181` (a
// separate process, on its own redis-server) and keep alive at a compressed
// interval, and it reports per scenario (a number of devices):
//
//   - register: every device registers once (REGISTER, 401, REGISTER with
//     Digest, 200), spread over --spread per 10,000 devices, with no
//     keepalives; the server's CPU seconds and Redis commands per
//     registration;
//   - keepalive: every device then keeps alive every KEEPALIVE for
//     --window after one interval of warm-up; keepalives answered per
//     second against the target (devices ÷ interval), the server's CPU
//     seconds and Redis commands (and Redis CPU) per keepalive;
//   - the server's peak RSS (VmHWM) over the whole scenario.
//
// The server's CPU is read from /proc/PID/stat, Redis's from INFO cpu, its
// commands from INFO commandstats (less the INFO calls of the benchmark).
// Every socket is on loopback; the run is bounded by the scenarios'
// durations (about 90 s for the default scenarios: 1,000 and 10,000
// devices at 6 s, 10× the standard rate, then 10,000 at 600 ms, 100×).
//
//	go build -o bin/sharpeyes ./cmd/sharpeyes
//	go run ./internal/cmd/gbbench --sharpeyes bin/sharpeyes
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
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

// spec is one scenario: devices keeping alive every keepalive.
type spec struct {
	devices   int
	keepalive time.Duration
}

// options are the command line.
type options struct {
	sharpeyes, redisServer string
	scenarios              []spec
	window                 time.Duration
	spread                 time.Duration // per 10,000 devices
	perSocket              int
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("gbbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var devices string
	var keepalive time.Duration
	fs.StringVar(&o.sharpeyes, "sharpeyes", "bin/sharpeyes", "the sharpeyes binary to run as `sharpeyes gb28181`")
	fs.StringVar(&o.redisServer, "redis-server", "redis-server", "the redis-server binary")
	fs.StringVar(&devices, "devices", "1000@6s,10000@6s,10000@600ms",
		"scenarios, comma-separated: DEVICES[@KEEPALIVE] (the first is the baseline of the ratios)")
	fs.DurationVar(&keepalive, "keepalive", 600*time.Millisecond, "keepalive interval of a scenario without @ (the standard 60 s compressed 100×)")
	fs.DurationVar(&o.window, "window", 10*time.Second, "how long keepalives are measured, after one interval of warm-up")
	fs.DurationVar(&o.spread, "spread", 5*time.Second, "registrations are spread over this long per 10,000 devices")
	fs.IntVar(&o.perSocket, "per-socket", 500, "devices sharing one UDP socket")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(devices, ",") {
		num, every, found := strings.Cut(strings.TrimSpace(s), "@")
		sp := spec{keepalive: keepalive}
		n, err := strconv.Atoi(num)
		if found && err == nil {
			sp.keepalive, err = time.ParseDuration(every)
		}
		if err != nil || n < 1 || n > 100_000 || sp.keepalive <= 0 || sp.keepalive > 10*time.Second {
			return o, fmt.Errorf("--devices: %q is not DEVICES[@KEEPALIVE] with 1-100000 devices and a keepalive up to 10s", s)
		}
		sp.devices = n
		o.scenarios = append(o.scenarios, sp)
	}
	if o.window <= 0 || o.window > time.Minute || o.spread < 0 || o.spread > 30*time.Second {
		return o, errors.New("--window must be positive and at most 1m, --spread at most 30s")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "gbbench:", err)
		return 2
	}
	var results []result
	code := 0
	for _, sp := range o.scenarios {
		r, err := scenario(ctx, o, sp, stderr)
		if err != nil {
			// The scenarios measured so far are still reported.
			fmt.Fprintf(stdout, "%d devices @%s: not measured: %v\n\n", sp.devices, sp.keepalive, err)
			code = 1
			continue
		}
		results = append(results, r)
	}
	if len(results) > 0 {
		report(stdout, o, results)
	}
	return code
}
