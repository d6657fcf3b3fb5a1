// Package config loads sharpeyes's configuration: built-in defaults, then one
// YAML file, then SHARPEYES_* environment variables, then validation.
//
// Every key is snake_case in YAML. Its environment variable is SHARPEYES_
// followed by the key path in upper case with "_" between levels:
// collector.probe_timeout is SHARPEYES_COLLECTOR_PROBE_TIMEOUT. Scalars take
// their plain text ("500ms", "true", "2000"). Lists and maps take YAML flow
// or JSON ('[{name: police, schedule: "*/30 * * * * *", filter: {owner:
// police}}]'); two shorthands exist: SHARPEYES_REDIS_ADDRS takes
// "host:port,host:port" and SHARPEYES_TOKENS takes "name:role:secret,...".
// A SHARPEYES_ variable that names no key stops start-up, so a typo cannot
// silently leave a default in place; the only exception is SHARPEYES_CONFIG
// (the config file path, read by the command line).
//
// Unknown keys, values of the wrong type and values out of range are errors
// that name the key path, and for a file its name and line:
//
//	config: sharpeyes.yml:12: collector.failure_threshold: must be >= 1, got 0
//
// Secrets (the Redis password and URL credentials, tokens, webhook secrets and
// webhook URL query strings) never appear in errors; Config.Redacted and
// Config.String mask them for logging.
package config

// Config is the whole configuration of one sharpeyes process. Build it with
// Default, Load or Parse; a Config built in code should be checked with
// Validate before use.
type Config struct {
	// Listen is the HTTP API address. Default "127.0.0.1:8080".
	Listen string `yaml:"listen"`
	// Insecure allows serving without tokens on a non-loopback Listen
	// address, where anyone who can reach it may change the inventory.
	// Default false.
	Insecure bool `yaml:"insecure"`
	// MaxBodyBytes caps request bodies; larger ones get 413. Default 64 MiB
	// (67108864), enough for a 250,000-camera CSV.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxConnections caps the API's open connections; more are closed at
	// once, so that no client can starve the collector of sockets. Keep
	// it well under the open-file limit minus collector.concurrency.
	// Default 1024.
	MaxConnections int `yaml:"max_connections"`
	// MaxConnectionsPerClient caps the API's open connections from one
	// client IP. Default 64.
	MaxConnectionsPerClient int `yaml:"max_connections_per_client"`
	// PublicURL is how users reach this server, for links in alerts, e.g.
	// "https://sharpeyes.example.cn". Default "" (no links).
	PublicURL string `yaml:"public_url"`
	// LogLevel is one of debug, info, warn, error. Default "info".
	LogLevel string `yaml:"log_level"`
	// LogFormat is text or json. Default "text".
	LogFormat string `yaml:"log_format"`
	// Timezone is the IANA zone of date-only values (a report's
	// from=2026-11-01, a camera's due and installed_at), of day and month
	// windows and of every time shown to people (CSV, tables, alert texts,
	// the console), e.g. "Asia/Urumqi" or "UTC". Default "Asia/Shanghai".
	Timezone string `yaml:"timezone"`

	Redis     RedisConfig     `yaml:"redis"`
	Collector CollectorConfig `yaml:"collector"`
	History   HistoryConfig   `yaml:"history"`
	Reports   ReportsConfig   `yaml:"reports"`
	// Tokens are the bearer tokens of the API. Default none: then the server
	// only listens on loopback unless Insecure is set.
	Tokens []Token      `yaml:"tokens,omitempty"`
	Auth   AuthConfig   `yaml:"auth"`
	Alerts AlertsConfig `yaml:"alerts"`
	// Regions names GB/T 28181 administrative region codes (the first six
	// digits of a device code), e.g. "430202": "荷塘区". Default none.
	Regions map[string]string `yaml:"regions,omitempty"`
	GB28181 GB28181Config     `yaml:"gb28181"`
	Console ConsoleConfig     `yaml:"console"`
}

// HistoryConfig bounds what is kept of the past.
type HistoryConfig struct {
	// Retention is how long events and outages are kept. Default 400d, so a
	// year-on-year report still has data.
	Retention Duration `yaml:"retention"`
	// EventsMax caps the event stream's length (Redis XADD MAXLEN ~).
	// Default 1000000.
	EventsMax int64 `yaml:"events_max"`
}

// ReportsConfig holds the settings of the reports.
type ReportsConfig struct {
	// RepairDeadline is how long a maintainer has to repair an outage: the
	// month (SLA) report counts the outages that lasted longer. Default 24h.
	RepairDeadline Duration `yaml:"repair_deadline"`
	// Reuse is how long a computed status summary or coverage report
	// answers the same query again on this replica (0s: never). Consoles
	// poll both; at province scale each computation walks every camera.
	// Default 1s.
	Reuse Duration `yaml:"reuse"`
}

// AuthConfig opens read-only pages to callers without a token.
type AuthConfig struct {
	// MetricsPublic serves /metrics without a token. Default true.
	MetricsPublic bool `yaml:"metrics_public"`
	// DashboardPublic has no effect and is kept so that configs setting
	// it load: the console's files always load without a token, and its
	// data calls need a viewer token (SPEC "Auth").
	DashboardPublic bool `yaml:"dashboard_public"`
}
