package config

import (
	"os"
	"strings"
	"time"
)

// Default returns the configuration used for every key that neither the file
// nor the environment sets. It is valid as is: a first run needs no file.
func Default() Config {
	return Config{
		Listen:       "127.0.0.1:8080",
		MaxBodyBytes: 64 << 20,
		LogLevel:     "info",
		LogFormat:    "text",
		Timezone:     DefaultTimezone,
		Redis: RedisConfig{
			DialTimeout:  Duration(5 * time.Second),
			ReadTimeout:  Duration(3 * time.Second),
			WriteTimeout: Duration(3 * time.Second),
		},
		Collector: CollectorConfig{
			Enabled:            true,
			Schedule:           "0 * * * * *",
			ProbeTimeout:       Duration(2 * time.Second),
			Concurrency:        2000,
			FailureThreshold:   2,
			RecoveryThreshold:  1,
			MaxClockDrift:      Duration(5 * time.Minute),
			Spread:             0.5,
			LeaseTTL:           Duration(30 * time.Second),
			Shards:             64,
			IsolationThreshold: 0.8,
			Instance:           hostname(),
		},
		History: HistoryConfig{
			Retention: Duration(400 * Day),
			EventsMax: 1_000_000,
		},
		Auth: AuthConfig{MetricsPublic: true, DashboardPublic: true},
		Alerts: AlertsConfig{
			GroupWindow: Duration(30 * time.Second),
			GroupMin:    5,
			MaxAge:      Duration(24 * time.Hour),
		},
	}
}

// hostname is the default collector instance name: the host name, or
// "sharpeyes" when the system has none.
func hostname() string {
	h, err := os.Hostname()
	h = strings.Join(strings.FieldsFunc(h, isSpaceOrControl), "-")
	if err != nil || h == "" {
		return "sharpeyes"
	}
	if len(h) > 128 {
		h = h[:128]
	}
	return h
}
