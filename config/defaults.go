package config

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"time"
)

// Default returns the configuration used for every key that neither the file
// nor the environment sets. It is valid as is: a first run needs no file.
func Default() Config {
	return Config{
		Listen:                  "127.0.0.1:8080",
		MaxBodyBytes:            64 << 20,
		MaxConnections:          1024,
		MaxConnectionsPerClient: 64,
		LogLevel:                "info",
		LogFormat:               "text",
		Timezone:                DefaultTimezone,
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
			LeaseTTL:           0, // follows the schedules (see Collector.LeaseTTL)
			Shards:             64,
			IsolationThreshold: 0.8,
			Instance:           processName(),
		},
		History: HistoryConfig{
			Retention: Duration(400 * Day),
			EventsMax: 1_000_000,
		},
		Reports: ReportsConfig{RepairDeadline: Duration(24 * time.Hour), Reuse: Duration(time.Second)},
		Auth:    AuthConfig{MetricsPublic: true, DashboardPublic: true},
		Alerts: AlertsConfig{
			GroupWindow: Duration(30 * time.Second),
			GroupMin:    5,
			MaxAge:      Duration(24 * time.Hour),
		},
		GB28181: defaultGB28181(),
	}
}

// processName is the default collector instance name, unique to the
// process (SPEC "Configuration"): host-pid-random, so that replicas on one
// host never share leases.
func processName() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hostname() + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// hostname is the host name cut to fit an instance name with its pid and
// random suffix, or "sharpeyes" when the system has none.
func hostname() string {
	h, err := os.Hostname()
	h = strings.Join(strings.FieldsFunc(h, isSpaceOrControl), "-")
	if err != nil || h == "" {
		return "sharpeyes"
	}
	if len(h) > 100 {
		h = h[:100]
	}
	return h
}
