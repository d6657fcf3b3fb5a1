package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes"
)

// A 30-day report over a province reads a million closed outages once;
// encoding/json takes about 4 µs for each, the fast path below about a
// tenth of that. It handles exactly the compact JSON that json.Marshal
// writes for sharpeyes.Outage and gives up (falling back to encoding/json)
// on anything else: white space, escapes, unknown or differently cased
// keys, nulls.

// DecodeOutage decodes one member of the closed-outage history (the JSON
// of a sharpeyes.Outage). It returns an error when raw is not JSON of an
// outage or the outage has no end.
func DecodeOutage(raw string) (OutageRecord, error) {
	if o, ok := fastOutage(raw); ok {
		return o, nil
	}
	var o sharpeyes.Outage
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return OutageRecord{}, fmt.Errorf("decode outage: %w", err)
	}
	if o.End == nil {
		return OutageRecord{}, fmt.Errorf("decode outage of %q: %w", o.CameraID, errNoEnd)
	}
	return OutageRecord{CameraID: o.CameraID, Start: o.Start.UTC(), End: o.End.UTC(), Reason: o.Reason}, nil
}

var errNoEnd = errors.New("closed outage without an end")

// fastOutage decodes raw when it has the shape json.Marshal writes.
func fastOutage(raw string) (OutageRecord, bool) {
	var o OutageRecord
	s, hasEnd := raw, false
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return o, false
	}
	s = s[1 : len(s)-1]
	for first := true; s != ""; first = false {
		if !first {
			if s[0] != ',' {
				return o, false
			}
			s = s[1:]
		}
		key, rest, ok := fastString(s)
		if !ok || !strings.HasPrefix(rest, ":") {
			return o, false
		}
		s = rest[1:]
		if key == "duration_s" {
			if s, ok = fastNumber(s); !ok {
				return o, false
			}
			continue
		}
		var v string
		if v, s, ok = fastString(s); !ok {
			return o, false
		}
		switch key {
		case "camera_id":
			o.CameraID = v
		case "reason":
			o.Reason = v
		case "start":
			ok = fastTime(v, &o.Start)
		case "end":
			ok, hasEnd = fastTime(v, &o.End), true
		default:
			return o, false
		}
		if !ok {
			return o, false
		}
	}
	return o, hasEnd
}

// fastString reads a JSON string without escapes at the start of s and
// returns its value and what follows.
func fastString(s string) (v, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", s, false
	}
	v = s[1 : 1+end]
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\\' || c < 0x20 {
			return "", s, false
		}
	}
	return v, s[2+end:], utf8.ValidString(v)
}

// fastNumber skips a JSON number at the start of s that a float64 holds.
func fastNumber(s string) (rest string, ok bool) {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	if n := digits(); n == 0 || n > 1 && s[start] == '0' {
		return s, false
	}
	if i < len(s) && s[i] == '.' {
		if i++; digits() == 0 {
			return s, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		if i++; i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return s, false
		}
	}
	if _, err := strconv.ParseFloat(s[:i], 64); err != nil {
		return s, false
	}
	return s[i:], true
}

// fastTime parses an RFC 3339 time as time.Time's JSON decoding does.
func fastTime(v string, t *time.Time) bool {
	if err := t.UnmarshalText([]byte(v)); err != nil {
		return false
	}
	*t = t.UTC()
	return true
}
