package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzParse feeds arbitrary YAML and one arbitrary environment variable to
// Parse. It must not panic; a failure must be a *Error; a success must be
// valid and survive a round trip through YAML unchanged.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yml")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range append(files, examplePath) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Add([]byte("listen: :8080\ninsecure: true\n"), "SHARPEYES_TOKENS=a:viewer:0123456789abcdef")
	f.Add([]byte("a: &x {b: *x}\n"), "SHARPEYES_COLLECTOR_GROUPS=[{name: p, schedule: '@every 5s'}]")
	f.Add([]byte("collector:\n  groups:\n    - &g {name: a, schedule: '@hourly'}\n    - *g\n"), "SHARPEYES_REGIONS={430202: 荷塘区}")
	f.Add([]byte("regions: {<<: {430202: x}}\n"), "SHARPEYES_HISTORY_RETENTION=7d")

	f.Fuzz(func(t *testing.T, data []byte, envLine string) {
		c, err := Parse(data, []string{envLine})
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %q is not a *config.Error", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse succeeded but Validate fails: %v", err)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse(out, nil)
		if err != nil {
			t.Fatalf("re-parse of\n%s\nfailed: %v", out, err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed the config:\n%s\nbecame\n%s", out, mustMarshal(t, back))
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
