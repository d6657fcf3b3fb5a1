package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// leafKeys lists every key name of Config at any depth, list entries
// included, e.g. "token_sha256" and "min_duration".
func leafKeys(t reflect.Type) []string {
	var names []string
	for _, f := range fieldsOf(t).list {
		names = append(names, f.name)
		ft := t.Field(f.index).Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if isSection(ft) {
			names = append(names, leafKeys(ft)...)
		}
	}
	return names
}

// docs/configuration.md has a row for every key and its variable.
func TestDocsListEveryKey(t *testing.T) {
	data, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, k := range envKeys() {
		if !strings.Contains(doc, "| `"+k.path+"` | `"+k.name+"` |") {
			t.Errorf("docs/configuration.md has no row for %s (%s)", k.path, k.name)
		}
	}
	for _, name := range leafKeys(reflect.TypeFor[Config]()) {
		if !strings.Contains(doc, "`"+name+"`") && !strings.Contains(doc, "."+name+"`") && !strings.Contains(doc, "`"+name+".") {
			t.Errorf("docs/configuration.md does not mention key %q", name)
		}
	}
}

// examples/sharpeyes.yml shows every key, set or in a commented block.
func TestExampleShowsEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range leafKeys(reflect.TypeFor[Config]()) {
		if !strings.Contains(string(data), name+":") {
			t.Errorf("%s does not show key %q", examplePath, name)
		}
	}
}
