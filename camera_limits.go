package sharpeyes

import (
	"fmt"
	"unicode/utf8"
)

// Limits of SPEC "Camera record": every text field is bounded, so that no
// record can make a report, an export or an alert huge, and carries no
// control character or bidi override, so that no record can forge lines in
// an alert or a log, or make a name read differently than it is stored.
const (
	MaxPathBytes      = 1024
	MaxMaintainerLen  = 128 // characters, as uplink
	MaxUplinkLen      = 128
	MaxTags           = 32
	MaxTagKeyLen      = 64
	MaxTagValueLen    = 256
	MaxUsernameLen    = 128
	MaxPasswordBytes  = 256
	maxFieldByteRatio = 4 // UTF-8 bytes per character at most
)

// ForbiddenRune returns the first control character (U+0000–U+001F,
// U+007F) or bidi override (U+202A–U+202E, U+2066–U+2069) of s and its
// byte offset, or ok false when s has none.
func ForbiddenRune(s string) (r rune, at int, ok bool) {
	for i, c := range s {
		if c < 0x20 || c == 0x7f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) {
			return c, i, true
		}
	}
	return 0, 0, false
}

// checkText reports a bad text field: longer than maxChars characters (or
// maxBytes bytes, when maxBytes > 0), or holding a forbidden rune. The
// value itself is never echoed: it may be a password or megabytes long.
func checkText(bad func(field, format string, args ...any), field, s string, maxChars, maxBytes int) {
	switch {
	case maxBytes > 0 && len(s) > maxBytes:
		bad(field, "is %d bytes long, at most %d", len(s), maxBytes)
		return
	case maxChars > 0 && len(s) > maxChars*maxFieldByteRatio:
		bad(field, "is %d bytes long, at most %d characters", len(s), maxChars)
		return
	case maxChars > 0 && utf8.RuneCountInString(s) > maxChars:
		bad(field, "is %d characters long, at most %d", utf8.RuneCountInString(s), maxChars)
		return
	}
	if r, at, ok := ForbiddenRune(s); ok {
		bad(field, "contains the control or bidi character U+%04X at byte %d", r, at)
	}
}

// checkLimits applies the text limits to every text field of c that
// Normalize does not bound itself.
func (c *Camera) checkLimits(bad func(field, format string, args ...any)) {
	checkText(bad, "id", c.ID, 0, 0)
	checkText(bad, "name", c.Name, 0, 0)
	checkText(bad, "host", c.Host, 0, 0)
	checkText(bad, "path", c.Path, 0, MaxPathBytes)
	checkText(bad, "region", c.Region, 0, 0)
	checkText(bad, "maintainer", c.Maintainer, MaxMaintainerLen, 0)
	checkText(bad, "uplink", c.Uplink, MaxUplinkLen, 0)
	checkText(bad, "username", c.Secret.Username, MaxUsernameLen, 0)
	checkText(bad, "password", c.Secret.Password, 0, MaxPasswordBytes)
	c.checkTags(bad)
}

func (c *Camera) checkTags(bad func(field, format string, args ...any)) {
	if len(c.Tags) > MaxTags {
		bad("tags", "has %d pairs, at most %d", len(c.Tags), MaxTags)
		return
	}
	for k, v := range c.Tags {
		var msgs []string
		sub := func(_, format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }
		if k == "" {
			bad("tags", "has an empty key")
			return
		}
		checkText(sub, "key", k, MaxTagKeyLen, 0)
		checkText(sub, "value", v, MaxTagValueLen, 0)
		if len(msgs) > 0 {
			bad("tags", "tag %q: %s", clipText(k, 64), msgs[0])
			return
		}
	}
}

// clipText cuts s to at most n bytes on a rune boundary, for messages.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
