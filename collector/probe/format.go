package probe

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Format writes the diagnosis of `sharpeyes probe`: one line per step (name,
// duration, ok or FAIL, detail), then the verdict, then the clock offset
// when there is one:
//
//	connect   0.4ms  ok    127.0.0.1:554
//	OPTIONS   0.3ms  ok    200 OK
//	DESCRIBE  0.2ms  ok    401 challenge (digest MD5) → retry with credentials
//	DESCRIBE  0.5ms  FAIL  401 Unauthorized
//	verdict: degraded (rtsp_401) after 1.2ms: DESCRIBE: credentials refused (401 Unauthorized)
//
// It returns the first write error.
func (r Result) Format(w io.Writer) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, s := range r.Steps {
		mark := "ok"
		if !s.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", shorten(s.Name), roundDuration(s.Duration), mark, shorten(s.Detail))
	}
	tw.Flush()
	verdict := string(r.State)
	if r.Reason != "" {
		verdict += " (" + r.Reason + ")"
	}
	fmt.Fprintf(ew, "verdict: %s after %s", verdict, roundDuration(r.Latency))
	if r.Detail != "" {
		fmt.Fprintf(ew, ": %s", shorten(r.Detail))
	}
	fmt.Fprintln(ew)
	if r.ClockOffset != nil {
		fmt.Fprintf(ew, "clock offset: %+.1fs (device minus local)\n", r.ClockOffset.Seconds())
	}
	return ew.err
}

// roundDuration keeps three significant figures or so: 1.234s, 12.3ms, 456µs.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// errWriter remembers the first write error and drops later writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
