package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// runProbe is the field engineer's one-off diagnosis of one camera.
func runProbe(ctx context.Context, e env, args []string) error {
	fs := newFlags("probe", e.stderr)
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	drift := fs.Duration("max-clock-drift", 5*time.Minute, "onvif: clock offset beyond this is degraded")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("usage: sharpeyes probe URL   (rtsp://user:pw@host[:port]/path, onvif://host[:port], tcp://host:port, http://host[:port]/path, icmp://host)")
	}
	t, err := probe.ParseURL(pos[0])
	if err != nil {
		return usageErrorf("%s: %w", probe.RedactURL(pos[0]), err)
	}
	t.MaxClockDrift = *drift
	if t.Kind == sharpeyes.ProbeICMP {
		if err := probe.CheckICMP(); err != nil {
			return err
		}
	}
	pctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	fmt.Fprintf(e.stdout, "probing %s\n", probe.RedactURL(pos[0]))
	res := probe.Run(pctx, t)
	if err := res.Format(e.stdout); err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	if res.State != sharpeyes.StateUp {
		return errProbeFailed
	}
	return nil
}

// errProbeFailed makes `sharpeyes probe` exit 1 when the camera is not up,
// so scripts can test it; the verdict was already printed.
var errProbeFailed = fmt.Errorf("camera is not up")
