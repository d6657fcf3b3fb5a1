package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

const examplePath = "../examples/sharpeyes.yml"

// mustLoad loads path with env and fails the test on any error.
func mustLoad(t *testing.T, path string, env ...string) Config {
	t.Helper()
	c, err := Load(path, env)
	if err != nil {
		t.Fatalf("Load(%q): %v", path, err)
	}
	return c
}

// wantErr fails unless err is non-nil and its text contains want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error:\n  %v\nwant it to contain:\n  %s", err, want)
	}
}

func TestDefaultValidates(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if c.Collector.Instance == "" {
		t.Error("Default().Collector.Instance is empty, want a name unique to the process")
	}
	got := mustLoad(t, "")
	got.Collector.Instance = c.Collector.Instance // random per Load
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Load(\"\", nil) differs from Default():\n%v\nwant\n%v", got, c)
	}
}

// The example shows every key at its default, plus example regions.
func TestExampleIsDefaultsPlusRegions(t *testing.T) {
	got := mustLoad(t, examplePath)
	want := Default()
	want.Regions = map[string]string{"430202": "荷塘区", "430203": "芦淞区", "430204": "石峰区", "430211": "天元区", "430212": "渌口区"}
	want.Collector.Instance = got.Collector.Instance // random per Load
	if !reflect.DeepEqual(got, want) {
		t.Errorf("example differs from the defaults:\n%v\nwant\n%v", got, want)
	}
}

// The configuration docker-compose.yml mounts loads, with the settings the
// compose file gives through the environment.
func TestDockerComposeConfigLoads(t *testing.T) {
	c := mustLoad(t, "../examples/docker/sharpeyes.yml", "SHARPEYES_REDIS_URL=redis://redis:6379/0",
		"SHARPEYES_PUBLIC_URL=http://localhost:8080", "SHARPEYES_TOKENS=ops:admin:0123456789abcdef0123")
	if c.Timezone != "Asia/Shanghai" || c.Redis.URL != "redis://redis:6379/0" || len(c.Tokens) != 1 {
		t.Fatalf("compose config: timezone %q redis %q tokens %d", c.Timezone, c.Redis.URL, len(c.Tokens))
	}
}

// The commented-out blocks of the example (groups, tokens, webhooks,
// on_call) must be valid too: users uncomment them.
func TestExampleCommentedBlocksValidate(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	text, n := uncommentBlocks(string(data))
	if n != 4 {
		t.Fatalf("uncommented %d blocks, want 4 (groups, tokens, webhooks, on_call)", n)
	}
	c, err := Parse([]byte(text), nil)
	if err != nil {
		t.Fatalf("uncommented example: %v\n%s", err, text)
	}
	if len(c.Collector.Groups) != 2 || len(c.Tokens) != 2 || len(c.Alerts.Webhooks) != 1 || len(c.Alerts.OnCall) != 1 {
		t.Errorf("uncommented example: %d groups, %d tokens, %d webhooks, %d on_call; want 2, 2, 1, 1",
			len(c.Collector.Groups), len(c.Tokens), len(c.Alerts.Webhooks), len(c.Alerts.OnCall))
	}
}

var emptyKey = regexp.MustCompile(`^(\s*)(\w+): (\[\]|\{\})\s`)

// uncommentBlocks replaces each "key: []" line followed by a commented
// "# key:" block with that block, uncommented; it returns the text and the
// number of blocks.
func uncommentBlocks(text string) (string, int) {
	lines := strings.Split(text, "\n")
	var out []string
	blocks := 0
	for i := 0; i < len(lines); i++ {
		m := emptyKey.FindStringSubmatch(lines[i])
		if m == nil || i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "# "+m[2]+":" {
			out = append(out, lines[i])
			continue
		}
		blocks++
		prefix := m[1] + "# "
		for i++; i < len(lines) && strings.HasPrefix(lines[i], prefix); i++ {
			out = append(out, m[1]+strings.TrimPrefix(lines[i], prefix))
		}
		i--
	}
	return strings.Join(out, "\n"), blocks
}

func TestValidFull(t *testing.T) {
	c := mustLoad(t, "testdata/valid-full.yml")
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", c.Listen, "0.0.0.0:8443"},
		{"timezone", c.Timezone, "Asia/Urumqi"},
		{"redis.addrs", c.Redis.Addrs, []string{"10.1.0.11:26379", "10.1.0.12:26379", "10.1.0.13:26379"}},
		{"redis.read_timeout", c.Redis.ReadTimeout.Std(), 500 * time.Millisecond},
		{"collector.groups[1].name", c.Collector.Groups[1].Name, "月塘街道"},
		{"collector.groups[1].filter.probe", string(c.Collector.Groups[1].Filter.Probe), "rtsp"},
		{"collector.probe_timeout", c.Collector.ProbeTimeout.Std(), 1500 * time.Millisecond},
		{"collector.spread", c.Collector.Spread, 0.0},
		{"history.retention", c.History.Retention.Std(), 36 * time.Hour},
		{"reports.repair_deadline", c.Reports.RepairDeadline.Std(), 48 * time.Hour},
		{"reports.reuse", c.Reports.Reuse.Std(), 2 * time.Second},
		{"tokens[2].role", c.Tokens[2].Role, RoleViewer},
		{"auth.metrics_public", c.Auth.MetricsPublic, false},
		{"alerts.webhooks[1].format", c.Alerts.Webhooks[1].Format, sharpeyes.FormatAlertmanager},
		{"alerts.webhooks[2].format (default)", c.Alerts.Webhooks[2].Format, sharpeyes.FormatJSON},
		{"alerts.webhooks[0].min_duration", c.Alerts.Webhooks[0].MinDuration, 5 * time.Minute},
		{"alerts.on_call", c.Alerts.OnCall["株洲某某运维公司"], []string{"13800138000", "+86-13900139000"}},
		{"alerts.allow_networks", c.Alerts.Networks().Contains(netip.MustParseAddr("127.0.0.1")), true},
		{"regions (unquoted code)", c.Regions["430202"], "荷塘区"},
		{"collector.instance", c.Collector.Instance, "collector-a"},
	}
	for _, tc := range checks {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s = %#v, want %#v", tc.name, tc.got, tc.want)
		}
	}
}

// Each testdata/invalid-NAME.yml fails to load with an error containing the
// text of testdata/invalid-NAME.err, which names the file, line and key.
func TestInvalidFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.yml")
	if err != nil || len(files) < 13 {
		t.Fatalf("found %d invalid-*.yml files (%v), want at least 13", len(files), err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yml"), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(file, ".yml") + ".err")
			if err != nil {
				t.Fatalf("missing expected error: %v", err)
			}
			_, err = Load(file, nil)
			wantErr(t, err, strings.TrimSpace(string(want)))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %v is not a *config.Error", err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yml", nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want an error wrapping os.ErrNotExist", err)
	}
}

// An empty or comment-only file, or empty values, keep the defaults.
func TestEmptyValuesKeepDefaults(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "~\n", "redis:\ncollector:\n  probe_timeout:\ntokens: []\n"} {
		c, err := Parse([]byte(doc), nil)
		if err != nil {
			t.Fatalf("Parse(%q): %v", doc, err)
		}
		want := Default()
		want.Collector.Instance = c.Collector.Instance // random per Load
		if !reflect.DeepEqual(c, want) {
			t.Errorf("Parse(%q) differs from Default()", doc)
		}
	}
}

// Validate reports every problem at once, each as an *Error, with no
// source for a Config built in code.
func TestValidateJoinsErrors(t *testing.T) {
	c := Default()
	c.Collector.FailureThreshold = 0
	c.Collector.Spread = -1
	c.Regions = map[string]string{"999": "x"}
	err := c.Validate()
	for _, want := range []string{
		"config: collector.failure_threshold: must be >= 1, got 0",
		"config: collector.spread: must be between 0 and 1, got -1",
		`config: regions["999"]: must be a 6-digit`,
	} {
		wantErr(t, err, want)
	}
}

// The collector names its default and once sweeps "default" and "once":
// a group of either name would share their leases, so the config refuses
// it naming the key.
func TestGroupNamesOfBuiltInSweepsAreRefused(t *testing.T) {
	for _, name := range []string{"default", "once"} {
		c := Default()
		c.Collector.Groups = []Group{{Name: name, Schedule: "@every 1m"}}
		wantErr(t, c.Validate(), "config: collector.groups[0].name: "+`"`+name+`" is reserved`)
	}
}

// The month report's repair deadline is a day unless configured.
func TestRepairDeadlineDefaultsToADay(t *testing.T) {
	if got := Default().Reports.RepairDeadline.Std(); got != 24*time.Hour {
		t.Errorf("Default().Reports.RepairDeadline = %v, want 24h", got)
	}
}

// lease_ttl 0 (the default) follows the schedules; a negative one is
// refused naming the key.
func TestLeaseTTLZeroIsValidAndNegativeIsRefused(t *testing.T) {
	c := Default()
	if c.Collector.LeaseTTL != 0 || c.Validate() != nil {
		t.Fatalf("default lease_ttl %s: %v", c.Collector.LeaseTTL.Std(), c.Validate())
	}
	c.Collector.LeaseTTL = Duration(-time.Second)
	wantErr(t, c.Validate(), "config: collector.lease_ttl: must be positive, or 0 to follow the schedule, got -1s")
}
