package config

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		name string
		env  string
		got  func(c Config) any
		want any
	}{
		{"duration", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=500ms", func(c Config) any { return c.Collector.ProbeTimeout.Std() }, 500 * time.Millisecond},
		{"days", "SHARPEYES_HISTORY_RETENTION=30d", func(c Config) any { return c.History.Retention.Std() }, 30 * Day},
		{"int", "SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=3", func(c Config) any { return c.Collector.FailureThreshold }, 3},
		{"int64", "SHARPEYES_MAX_BODY_BYTES=1024", func(c Config) any { return c.MaxBodyBytes }, int64(1024)},
		{"float", "SHARPEYES_COLLECTOR_SPREAD=0.25", func(c Config) any { return c.Collector.Spread }, 0.25},
		{"bool", "SHARPEYES_AUTH_METRICS_PUBLIC=false", func(c Config) any { return c.Auth.MetricsPublic }, false},
		{"string", "SHARPEYES_LISTEN=[::1]:9000", func(c Config) any { return c.Listen }, "[::1]:9000"},
		{"top-level redis url", "SHARPEYES_REDIS_URL=rediss://cache.example.cn:6380/2", func(c Config) any { return c.Redis.URL }, "rediss://cache.example.cn:6380/2"},
		{"cron with spaces", "SHARPEYES_COLLECTOR_SCHEDULE=*/15 * * * * *", func(c Config) any { return c.Collector.Schedule }, "*/15 * * * * *"},
		{"list shorthand", "SHARPEYES_REDIS_ADDRS=10.0.0.1:7000, 10.0.0.2:7000", func(c Config) any { return c.Redis.Addrs }, []string{"10.0.0.1:7000", "10.0.0.2:7000"}},
		{"list as JSON", `SHARPEYES_REDIS_ADDRS=["10.0.0.1:7000"]`, func(c Config) any { return c.Redis.Addrs }, []string{"10.0.0.1:7000"}},
		{"map as YAML flow", "SHARPEYES_REGIONS={430202: 荷塘区}", func(c Config) any { return c.Regions }, map[string]string{"430202": "荷塘区"}},
		{"groups as YAML flow", `SHARPEYES_COLLECTOR_GROUPS=[{name: police, schedule: "*/30 * * * * *", filter: {owner: police}}]`,
			func(c Config) any { return c.Collector.Groups[0].Filter.Owner }, "police"},
		{"webhook list gets default format", `SHARPEYES_ALERTS_WEBHOOKS=[{"name": "a", "url": "https://h.example.cn/x"}]`,
			func(c Config) any { return c.Alerts.Webhooks[0].Format }, sharpeyes.FormatJSON},
		{"tokens shorthand, secret with colon", "SHARPEYES_TOKENS=wall:viewer:0123456789:abcdef,ops:admin:fedcba9876543210",
			func(c Config) any { return c.Tokens }, []Token{{Name: "wall", Role: RoleViewer, Token: "0123456789:abcdef"}, {Name: "ops", Role: RoleAdmin, Token: "fedcba9876543210"}}},
		{"tokens as JSON", `SHARPEYES_TOKENS=[{"name": "ops", "role": "admin", "token_sha256": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}]`,
			func(c Config) any { return c.Tokens[0].Role }, RoleAdmin},
		{"empty list clears", "SHARPEYES_REGIONS=", func(c Config) any { return c.Regions }, map[string]string(nil)},
		{"config file variable ignored", "SHARPEYES_CONFIG=/etc/sharpeyes.yml", func(c Config) any { return c.Listen }, "127.0.0.1:8080"},
		{"other variables ignored", "HOME=/root", func(c Config) any { return c.Listen }, "127.0.0.1:8080"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, "", tc.env)
			if got := tc.got(c); !reflect.DeepEqual(got, reflect.ValueOf(tc.want).Convert(reflect.TypeOf(got)).Interface()) {
				t.Errorf("%s: got %#v, want %#v", tc.env, got, tc.want)
			}
		})
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		name, env, want string
	}{
		{"bad duration", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=fast", `config: env SHARPEYES_COLLECTOR_PROBE_TIMEOUT: collector.probe_timeout: invalid duration "fast"`},
		{"bad int", "SHARPEYES_COLLECTOR_CONCURRENCY=lots", `config: env SHARPEYES_COLLECTOR_CONCURRENCY: collector.concurrency: want a whole number, got "lots"`},
		{"bad bool", "SHARPEYES_INSECURE=yes please", `config: env SHARPEYES_INSECURE: insecure: want true or false, got "yes please"`},
		{"bad float", "SHARPEYES_COLLECTOR_SPREAD=half", `config: env SHARPEYES_COLLECTOR_SPREAD: collector.spread: want a number, got "half"`},
		{"valid type, invalid value", "SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=0", "config: env SHARPEYES_COLLECTOR_FAILURE_THRESHOLD: collector.failure_threshold: must be >= 1, got 0"},
		{"bad list entry", "SHARPEYES_REDIS_ADDRS=10.0.0.1", "config: env SHARPEYES_REDIS_ADDRS: redis.addrs[0]: must be host:port"},
		{"bad tokens shorthand", "SHARPEYES_TOKENS=ops-admin-secret", "config: env SHARPEYES_TOKENS: tokens: entry 1 must be name:role:secret"},
		{"token from env fails validation", "SHARPEYES_TOKENS=ops:root:0123456789abcdef", `config: env SHARPEYES_TOKENS: tokens[0].role: must be viewer, operator or admin, got "root"`},
		{"unknown key in YAML value", "SHARPEYES_COLLECTOR_GROUPS=[{name: a, every: 30s}]", "config: env SHARPEYES_COLLECTOR_GROUPS: collector.groups[0].every: unknown key"},
		{"broken YAML value", "SHARPEYES_REGIONS={430202: [", "config: env SHARPEYES_REGIONS: regions: is not valid YAML or JSON"},
		{"unknown variable, near miss", "SHARPEYES_COLLECTOR_PROBE_TIMOUT=1s", "config: env SHARPEYES_COLLECTOR_PROBE_TIMOUT: is not a configuration variable; did you mean SHARPEYES_COLLECTOR_PROBE_TIMEOUT?"},
		{"unknown variable", "SHARPEYES_DEMO=500", "config: env SHARPEYES_DEMO: is not a configuration variable (see docs/configuration.md for the list)"},
		{"section is not a variable", "SHARPEYES_COLLECTOR=on", "config: env SHARPEYES_COLLECTOR: is not a configuration variable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("", []string{tc.env})
			wantErr(t, err, tc.want)
			var ce *Error
			if !errors.As(err, &ce) || ce.Source == "" {
				t.Errorf("error %v is not a *config.Error with a source", err)
			}
		})
	}
}

func TestEnvOverridesFile(t *testing.T) {
	c := mustLoad(t, "testdata/valid-full.yml", "SHARPEYES_COLLECTOR_CONCURRENCY=10", "SHARPEYES_COLLECTOR_CONCURRENCY=20")
	if c.Collector.Concurrency != 20 {
		t.Errorf("concurrency = %d, want 20 (the last variable wins over the file's 5000)", c.Collector.Concurrency)
	}
	// The error names the variable that replaced the file's list, not a line.
	_, err := Load("testdata/valid-full.yml", []string{"SHARPEYES_TOKENS=ops:viewer:short"})
	wantErr(t, err, "config: env SHARPEYES_TOKENS: tokens[0].token: must be at least 16 characters, got 5")
}

// Every key has exactly one variable, and no two keys share one.
func TestEnvNamesUnique(t *testing.T) {
	seen := map[string]string{}
	for _, k := range envKeys() {
		if other, dup := seen[k.name]; dup {
			t.Errorf("%s is the variable of both %s and %s", k.name, other, k.path)
		}
		seen[k.name] = k.path
	}
	if len(seen) < 40 {
		t.Errorf("found %d variables, want every key (40 or more)", len(seen))
	}
}
