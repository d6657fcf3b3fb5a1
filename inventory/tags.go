package inventory

import (
	"fmt"
	"sort"
	"strings"
)

// parseTags reads "key=value;key=value" ("\" escapes ";", "=" and "\"),
// dropping spaces around keys and values and empty pairs. It returns the
// message of the first malformed pair, or "".
func parseTags(s string) (map[string]string, string) {
	if strings.TrimSpace(s) == "" {
		return nil, ""
	}
	tags := make(map[string]string)
	for _, pair := range splitEscaped(s, ';') {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		kv := splitEscaped(pair, '=')
		if len(kv) != 2 {
			return nil, fmt.Sprintf("%q is not key=value (separate tags with \";\", escape with \"\\\")", truncate(pair, 64))
		}
		k, v := strings.TrimSpace(unescape(kv[0])), strings.TrimSpace(unescape(kv[1]))
		if k == "" {
			return nil, fmt.Sprintf("%q has an empty key", truncate(pair, 64))
		}
		if _, dup := tags[k]; dup {
			return nil, fmt.Sprintf("tag %q appears twice", truncate(k, 64))
		}
		tags[k] = v
	}
	return tags, ""
}

// formatTags writes tags as parseTags reads them, sorted by key.
func formatTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(escape(k))
		b.WriteByte('=')
		b.WriteString(escape(tags[k]))
	}
	return b.String()
}

// splitEscaped splits s at every sep not preceded by an escaping "\",
// keeping the escapes for unescape.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var escaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `=`, `\=`)

func escape(s string) string { return escaper.Replace(s) }

// guard protects a text cell from being run as a formula when the export is
// opened in a spreadsheet: a value starting with = + - @, a tab, a carriage
// return or "'" gets a leading "'", which spreadsheets hide and unguard
// removes on import, so that an export re-imports unchanged.
func guard(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r'", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// unguard undoes guard: it drops a "'" that precedes one of guard's
// characters, and leaves any other text alone.
func unguard(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@\t\r'", s[1]) >= 0 {
		return s[1:]
	}
	return s
}
