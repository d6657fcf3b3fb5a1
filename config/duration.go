package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Day is the unit behind the "d" suffix of a Duration: 24 hours, ignoring
// daylight saving (China has none).
const Day = 24 * time.Hour

// Duration is a time.Duration written in YAML and environment variables as a
// Go duration string ("500ms", "30s", "5m", "2h") or with a whole number of
// days in front ("7d", "400d", "1d12h"). The plain number 0 is accepted too;
// any other bare number is rejected because its unit would be a guess.
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

// ParseDuration parses "30s", "5m", "2h", "7d" or "1d12h". It returns an
// error naming the expected form when s is anything else.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
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
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Errorf("invalid duration %q: want a number with a unit, like 500ms, 30s, 5m, 2h or 7d", s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// UnmarshalYAML reads a duration string; it fails on anything but a scalar
// of the forms ParseDuration accepts.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be a duration like 30s, 5m, 2h or 7d")
	}
	if n.ShortTag() == "!!int" && n.Value != "0" {
		if v := clip(n.Value); v == n.Value {
			return fmt.Errorf("%s has no unit: write it like %ss or %sm", v, v, v)
		}
		return errors.New("a number without a unit is not a duration: write it like 30s or 5m")
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes d in the form String returns.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalText writes d in the form String returns, so JSON shows "30s".
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
