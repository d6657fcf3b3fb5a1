package config

import (
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes"
)

// Validate checks every value of c and returns nil, one *Error, or several
// *Error joined with errors.Join (test them with errors.As). Call it again
// after changing a loaded Config, e.g. from command-line flags.
func (c *Config) Validate() error {
	var e errorList
	c.validate(&e)
	return e.err()
}

func (c *Config) validate(e *errorList) {
	c.validateServer(e)
	c.Redis.validate(e)
	c.Collector.validate(e)
	positive(e, "history.retention", c.History.Retention)
	if c.History.EventsMax < 1 {
		e.add("history.events_max", "must be >= 1, got %d", c.History.EventsMax)
	}
	positive(e, "reports.repair_deadline", c.Reports.RepairDeadline)
	if c.Reports.Reuse < 0 || c.Reports.Reuse.Std() > time.Minute {
		e.add("reports.reuse", "must be between 0s and 1m, got %s", c.Reports.Reuse)
	}
	validateTokens(c.Tokens, e)
	c.Alerts.validate(e)
	validateRegions(c.Regions, e)
	c.GB28181.validate(e)
	c.Console.validate(e)
}

// Level returns LogLevel as a slog.Level, or slog.LevelInfo for a value
// Validate would reject.
func (c *Config) Level() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func (c *Config) validateServer(e *errorList) {
	if msg := checkHostPort(c.Listen); msg != "" {
		e.add("listen", "%s", msg)
	} else if len(c.Tokens) == 0 && !c.Insecure && !IsLoopback(c.Listen) {
		e.add("listen", "%q is not a loopback address and no tokens are configured: add tokens, listen on 127.0.0.1, or set insecure: true", clip(c.Listen))
	}
	if c.MaxBodyBytes < 1 {
		e.add("max_body_bytes", "must be >= 1, got %d", c.MaxBodyBytes)
	}
	atLeast(e, "max_connections", c.MaxConnections, 16)
	if c.MaxConnectionsPerClient < 1 || c.MaxConnectionsPerClient > c.MaxConnections {
		e.add("max_connections_per_client", "must be between 1 and max_connections (%d), got %d", c.MaxConnections, c.MaxConnectionsPerClient)
	}
	if c.PublicURL != "" {
		if msg := checkURL(c.PublicURL, "http", "https"); msg != "" {
			e.add("public_url", "%s", msg)
		}
	}
	if levels := []string{"debug", "info", "warn", "error"}; !slices.Contains(levels, c.LogLevel) {
		e.add("log_level", "must be one of %s, got %q", joinOf(levels), clip(c.LogLevel))
	}
	if formats := []string{"text", "json"}; !slices.Contains(formats, c.LogFormat) {
		e.add("log_format", "must be one of %s, got %q", joinOf(formats), clip(c.LogFormat))
	}
	validateTimezone(c.Timezone, e)
}

// IsLoopback reports whether the listen address host:port only accepts
// connections from this machine (127.0.0.0/8, ::1 or "localhost"). An empty
// host listens everywhere and is not loopback.
func IsLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host, _, _ = strings.Cut(host, "%") // zone of an IPv6 address
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkHostPort returns "" for a valid host:port (empty host allowed), or
// what is wrong with it.
func checkHostPort(s string) string {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Sprintf("must be host:port, like \"127.0.0.1:8080\", got %q", clip(s))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("port must be a number from 0 to 65535, got %q", clip(port))
	}
	return ""
}

// checkURL returns "" when raw is an absolute URL with one of schemes and a
// host, or what sharpeyes.CheckURL finds wrong (never repeating raw).
func checkURL(raw string, schemes ...string) string {
	if err := sharpeyes.CheckURL(raw, schemes...); err != nil {
		return err.Error()
	}
	return ""
}

var regionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)

func validateRegions(regions map[string]string, e *errorList) {
	for _, code := range sortedKeys(regions) {
		key := mapKey("regions", code)
		if !regionCode.MatchString(code) {
			e.add(key, "must be a 6-digit GB/T 28181 region code like 430202, got %q", clip(code))
		}
		name := regions[code]
		if strings.TrimSpace(name) == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 128 {
			e.add(key, "name must be 1-128 characters of UTF-8 text")
		}
	}
}

// mapKey is the key path of an entry of a map: regions["430202"].
func mapKey(path, k string) string { return fmt.Sprintf("%s[%q]", path, clip(k)) }

func positive(e *errorList, key string, d Duration) {
	if d <= 0 {
		e.add(key, "must be > 0, got %s", d)
	}
}

func atLeast(e *errorList, key string, n, min int) {
	if n < min {
		e.add(key, "must be >= %d, got %d", min, n)
	}
}

func joinOf[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
