package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

const (
	rulesFile     = "../../examples/prometheus/rules.yml"
	rulesTestFile = "../../examples/prometheus/rules_test.yml"
	dashboardFile = "../../examples/grafana/sharpeyes.json"
)

// promtool returns the path of Prometheus' promtool (Debian package
// prometheus, installed by scripts/test.sh). Without it the test fails
// under CI=true and is skipped otherwise.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not found: install the Debian package prometheus (scripts/test.sh does)")
		}
		t.Skip("promtool not found (Debian package prometheus; scripts/test.sh installs it)")
	}
	return p
}

// runPromtool runs promtool with args and stdin and fails the test with
// its output unless it exits 0.
func runPromtool(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(promtool(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// exposition is what one scrape exposed: each sample name with the label
// names seen on it.
type exposition map[string]map[string]bool

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? `)
	labelName  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
)

func parseExposition(body string) exposition {
	out := exposition{}
	for line := range strings.SplitSeq(body, "\n") {
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		labels := out[m[1]]
		if labels == nil {
			labels = map[string]bool{}
			out[m[1]] = labels
		}
		for _, l := range labelName.FindAllStringSubmatch(m[2], -1) {
			labels[l[1]] = true
		}
	}
	return out
}

var (
	quoted    = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|`[^`]*`")
	ident     = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	selector  = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}`)
	matcher   = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
	grouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	ourMetric = regexp.MustCompile(`^(sharpeyes|process|go)_`)
)

// checkExpr reports what expr queries that the exposition lacks: metric
// names (recorded are the names of recording rules, which may be used
// too), label names in selectors, and label names grouped or matched on.
func checkExpr(expr string, exp exposition, recorded map[string]map[string]bool) []string {
	var bad []string
	labelsOf := func(name string) map[string]bool {
		if l, ok := exp[name]; ok {
			return l
		}
		return recorded[name]
	}
	bare := quoted.ReplaceAllString(expr, `""`)
	used := map[string]bool{}
	for _, id := range ident.FindAllString(bare, -1) {
		if !ourMetric.MatchString(id) && !strings.Contains(id, ":") {
			continue
		}
		if labelsOf(id) == nil {
			bad = append(bad, "metric "+id)
			continue
		}
		used[id] = true
	}
	for _, s := range selector.FindAllStringSubmatch(bare, -1) {
		labels := labelsOf(s[1])
		if labels == nil {
			continue
		}
		for _, m := range matcher.FindAllStringSubmatch(s[2], -1) {
			if !labels[m[1]] && m[1] != "__name__" {
				bad = append(bad, "label "+m[1]+" of "+s[1])
			}
		}
	}
	for _, g := range grouping.FindAllStringSubmatch(bare, -1) {
		for l := range strings.SplitSeq(g[1], ",") {
			l = strings.TrimSpace(l)
			if l == "" || l == "instance" || l == "job" {
				continue
			}
			found := false
			for name := range used {
				found = found || labelsOf(name)[l]
			}
			if !found {
				bad = append(bad, "grouping label "+l)
			}
		}
	}
	return bad
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string            `yaml:"record"`
			Alert  string            `yaml:"alert"`
			Expr   string            `yaml:"expr"`
			Labels map[string]string `yaml:"labels"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type dashboard struct {
	SchemaVersion int `json:"schemaVersion"`
	Title         string
	UID           string `json:"uid"`
	Panels        []struct {
		Title      string
		Type       string
		Datasource struct{ Type, UID string }
		GridPos    *struct{ H, W, X, Y int } `json:"gridPos"`
		Targets    []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		}
	}
	Templating struct {
		List []struct{ Name, Type, Query string }
	}
}

// The /metrics of a live serve (demo fleet swept, a webhook configured)
// passes promtool's lint, has the operational gauges, and every query of
// the example Grafana dashboard and Prometheus rules asks for metrics and
// labels it exposes.
func TestLiveMetricsPassPromtoolAndServeTheExamples(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer refusing.Close()
	cfg := t.TempDir() + "/sharpeyes.yml"
	yml := "alerts:\n  group_window: 1s\n  allow_networks: [127.0.0.0/8]\n  webhooks:\n" +
		"    - name: ops\n      url: " + refusing.URL + "/hook\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/2 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s",
		"SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=1"}
	base, _, _ := startServe(t, env, "--demo", "50", "--config", cfg)
	var body string
	await(t, 60*time.Second, "a finished sweep and a dead letter in /metrics", func() bool {
		body = scrapeMetrics(t, base+"/metrics")
		_, swept := sampleSum(body, "sharpeyes_last_sweep_timestamp_seconds")
		dead, _ := sampleSum(body, "sharpeyes_alert_dead_letters", `webhook="ops"`)
		return swept && dead > 0
	})
	getJSON(t, base+"/api/v1/cameras?limit=1", nil) // an API request, timed
	body = scrapeMetrics(t, base+"/metrics")
	exp := parseExposition(body)

	t.Run("promtool check metrics reports no problems", func(t *testing.T) {
		if out := runPromtool(t, body, "check", "metrics"); strings.TrimSpace(out) != "" {
			t.Fatalf("promtool check metrics:\n%s", out)
		}
	})
	t.Run("build, last sweep, isolation and outbox are exposed", func(t *testing.T) {
		now := float64(time.Now().Unix())
		for _, c := range []struct {
			name     string
			labels   []string
			min, max float64
		}{
			{"sharpeyes_build_info", []string{`version="dev"`, `goversion="go`, `revision="`}, 1, 1},
			{"sharpeyes_last_sweep_timestamp_seconds", []string{`group="default"`}, now - 60, now + 1},
			{"sharpeyes_last_sweep_success", []string{`group="default"`}, 1, 1},
			{"sharpeyes_collector_isolated", []string{`group="default"`}, 0, 0},
			{"sharpeyes_sweep_interval_seconds", []string{`group="default"`}, 2, 2},
			{"sharpeyes_alert_outbox_depth", []string{`webhook="ops"`}, 0, 1e9},
			{"sharpeyes_alert_dead_letters", []string{`webhook="ops"`}, 1, 1e9},
		} {
			v, found := sampleSum(body, c.name, c.labels...)
			if !found || v < c.min || v > c.max {
				t.Errorf("%s%v = %v (found %v), want within [%v, %v]:\n%s", c.name, c.labels, v, found, c.min, c.max,
					grepLines(body, c.name))
			}
		}
	})
	t.Run("grafana dashboard queries only exposed metrics", func(t *testing.T) {
		raw, err := os.ReadFile(dashboardFile)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", dashboardFile, err)
		}
		if d.SchemaVersion < 36 || d.Title == "" || d.UID == "" || len(d.Panels) == 0 {
			t.Fatalf("dashboard schemaVersion %d, title %q, uid %q, %d panels: want Grafana 9+ (36+), a title, a uid and panels",
				d.SchemaVersion, d.Title, d.UID, len(d.Panels))
		}
		if !slices.ContainsFunc(d.Templating.List, func(v struct{ Name, Type, Query string }) bool {
			return v.Name == "DS_PROMETHEUS" && v.Type == "datasource" && v.Query == "prometheus"
		}) {
			t.Errorf("no datasource variable DS_PROMETHEUS of type prometheus")
		}
		for _, p := range d.Panels {
			if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 {
				t.Errorf("panel %q has no gridPos", p.Title)
			}
			if p.Type != "row" && (p.Datasource.UID != "${DS_PROMETHEUS}" || len(p.Targets) == 0) {
				t.Errorf("panel %q: datasource %q with %d targets, want ${DS_PROMETHEUS} and a query", p.Title, p.Datasource.UID, len(p.Targets))
			}
			for _, tg := range p.Targets {
				if tg.Expr == "" || tg.RefID == "" {
					t.Errorf("panel %q: a target without expr or refId", p.Title)
				}
				if bad := checkExpr(tg.Expr, exp, nil); len(bad) > 0 {
					t.Errorf("panel %q queries what /metrics lacks: %v\n  %s", p.Title, bad, tg.Expr)
				}
			}
		}
	})
	t.Run("prometheus rules query only exposed metrics", func(t *testing.T) {
		raw, err := os.ReadFile(rulesFile)
		if err != nil {
			t.Fatal(err)
		}
		var rf ruleFile
		if err := yaml.Unmarshal(raw, &rf); err != nil {
			t.Fatalf("%s: %v", rulesFile, err)
		}
		recorded := map[string]map[string]bool{}
		alerts := 0
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if bad := checkExpr(r.Expr, exp, recorded); len(bad) > 0 {
					t.Errorf("rule %s%s queries what /metrics lacks: %v\n  %s", r.Record, r.Alert, bad, r.Expr)
				}
				if r.Record != "" {
					recorded[r.Record] = groupedLabels(r.Expr)
				} else {
					alerts++
				}
			}
		}
		if alerts < 5 {
			t.Errorf("%d alerting rules, want at least 5", alerts)
		}
	})
}

// groupedLabels returns the labels an aggregation keeps (its by clause),
// an approximation of a recording rule's labels.
func groupedLabels(expr string) map[string]bool {
	out := map[string]bool{}
	for _, g := range regexp.MustCompile(`\bby\s*\(([^)]*)\)`).FindAllStringSubmatch(expr, -1) {
		for l := range strings.SplitSeq(g[1], ",") {
			out[strings.TrimSpace(l)] = true
		}
	}
	return out
}

// The example rules load in Prometheus (promtool check rules) and their
// unit tests (promtool test rules) show each alert firing on made-up
// series.
func TestExampleRulesPassPromtool(t *testing.T) {
	runPromtool(t, "", "check", "rules", rulesFile)
	runPromtool(t, "", "test", "rules", rulesTestFile)
}

// checkExpr, which the example tests rely on, names what a query asks for
// that a scrape lacks.
func TestCheckExprNamesWhatTheScrapeLacks(t *testing.T) {
	exp := parseExposition("# HELP x\nsharpeyes_cameras{lifecycle=\"active\",region=\"荷塘区\",state=\"up\"} 3\n" +
		"sharpeyes_http_request_duration_seconds_bucket{code=\"200\",le=\"0.1\",method=\"GET\",route=\"/x\"} 1\n")
	recorded := map[string]map[string]bool{"region:sharpeyes_up:ratio": {"region": true}}
	tests := []struct {
		expr string
		bad  []string
	}{
		{`sum by (region) (sharpeyes_cameras{lifecycle="active",state="up"})`, nil},
		{`histogram_quantile(0.99, sum by (le, route) (rate(sharpeyes_http_request_duration_seconds_bucket[5m])))`, nil},
		{`region:sharpeyes_up:ratio > 0.2`, nil},
		{`sharpeyes_camera{state="up"}`, []string{"metric sharpeyes_camera"}},
		{`sharpeyes_cameras{district="荷塘区"}`, []string{"label district of sharpeyes_cameras"}},
		{`sum by (district) (sharpeyes_cameras)`, []string{"grouping label district"}},
		{`district:sharpeyes_up:ratio`, []string{"metric district:sharpeyes_up:ratio"}},
		{`sum(sharpeyes_cameras{region="sharpeyes_nonesuch"})`, nil},
	}
	for _, tt := range tests {
		if got := checkExpr(tt.expr, exp, recorded); !slices.Equal(got, tt.bad) {
			t.Errorf("checkExpr(%s) = %v, want %v", tt.expr, got, tt.bad)
		}
	}
}
