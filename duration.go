package sharpeyes

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Day is the unit behind the "d" suffix of a Duration: 24 hours, ignoring
// daylight saving (China has none).
const Day = 24 * time.Hour

// Duration is a time.Duration written, in the config file, environment
// variables and JSON, as a Go duration string ("500ms", "30s", "5m", "2h")
// or with a whole number of days in front ("7d", "400d", "1d12h"). The
// plain number 0 is accepted too; any other bare number is rejected because
// its unit would be a guess.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String formats d the way ParseDuration reads it: two or more whole days
// as "7d", anything else as time.Duration prints it without zero units
// ("5m", not "5m0s").
func (d Duration) String() string {
	t := time.Duration(d)
	if t%Day == 0 && (t >= 2*Day || t <= -2*Day) {
		return strconv.FormatInt(int64(t/Day), 10) + "d"
	}
	s := t.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseDuration parses "30s", "5m", "2h", "7d" or "1d12h" (and "0"). It is
// the one reader of durations: config keys, environment variables and API
// bodies all use it. It returns an error naming the expected form when s
// is anything else.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if allDigits(s) {
		if v := clip(s); v == s {
			return 0, fmt.Errorf("%s has no unit: write it like %ss or %sm", v, v, v)
		}
		return 0, fmt.Errorf("a number without a unit is not a duration: write it like 30s or 5m")
	}
	days, rest, hasDays := strings.Cut(s, "d")
	if !hasDays {
		t, err := time.ParseDuration(s)
		if err != nil {
			return 0, errBadDuration(s)
		}
		return Duration(t), nil
	}
	return parseDays(s, days, rest)
}

// parseDays handles the "<n>d<go duration>" form of ParseDuration.
func parseDays(s, days, rest string) (Duration, error) {
	neg := strings.HasPrefix(days, "-")
	days = strings.TrimPrefix(strings.TrimPrefix(days, "-"), "+")
	n, err := strconv.ParseInt(days, 10, 64)
	if err != nil || n < 0 || !allDigits(days) {
		return 0, errBadDuration(s)
	}
	if n > math.MaxInt64/int64(Day) {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	total := time.Duration(n) * Day
	if rest != "" {
		if rest[0] == '-' || rest[0] == '+' {
			return 0, errBadDuration(s)
		}
		t, err := time.ParseDuration(rest)
		if err != nil {
			return 0, errBadDuration(s)
		}
		if total > math.MaxInt64-t {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += t
	}
	if neg {
		total = -total
	}
	return Duration(total), nil
}

func errBadDuration(s string) error {
	return fmt.Errorf("invalid duration %q: want a number with a unit, like 500ms, 30s, 5m, 2h or 7d", clip(s))
}

// clip shortens a value, as valid UTF-8, before an error repeats
// it.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// MarshalText writes d in the form String returns, so that YAML and JSON
// show "30s" and "7d".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses the forms of ParseDuration and returns its error.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
