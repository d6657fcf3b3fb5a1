package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a report time: RFC 3339, a date YYYY-MM-DD (midnight in
// loc), a local time without offset like 2026-11-01T08:00:00 (in loc),
// "now", or a span back from now like -7d, -24h, -1w, -1h30m. A nil loc
// is UTC. It returns an error quoting the value for anything else.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-"):
		d, err := parseSpan(s[1:])
		if err != nil || d <= 0 || d > MaxWindow {
			return time.Time{}, fmt.Errorf("%q is not a time back from now like -7d or -24h (at most -400d)", clip(s))
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time, a date, now, or like -7d", clip(s))
}

var errSpan = errors.New("not a span")

// parseSpan reads a positive span: a whole number of days ("7d") or weeks
// ("2w"), or a Go duration ("24h", "90m", "1h30m").
func parseSpan(s string) (time.Duration, error) {
	for unit, d := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			n, err := strconv.ParseUint(num, 10, 16)
			if err != nil {
				return 0, errSpan
			}
			return time.Duration(n) * d, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, errSpan
	}
	return d, nil
}
