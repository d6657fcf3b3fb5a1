package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sharpeyes/sharpeyes"
)

// EnvPrefix starts every environment variable this package reads.
const EnvPrefix = "SHARPEYES_"

// EnvConfigFile names the config file for the command line. It and
// EnvRuntimeDir are the SHARPEYES_ variables that are not keys and still
// accepted.
const EnvConfigFile = "SHARPEYES_CONFIG"

// EnvRuntimeDir is the directory where `serve` publishes how the other
// commands reach its embedded Redis (default $XDG_RUNTIME_DIR/sharpeyes).
const EnvRuntimeDir = "SHARPEYES_RUNTIME_DIR"

// envKey is one key settable from the environment.
type envKey struct {
	name   string // SHARPEYES_COLLECTOR_PROBE_TIMEOUT
	path   string // collector.probe_timeout
	index  []int  // field index path from Config
	secret bool
}

// envKeys lists every key of Config with its variable, in declaration order.
// Sections are walked into; lists and maps are one variable each.
func envKeys() []envKey {
	var keys []envKey
	var walk func(t reflect.Type, path string, index []int)
	walk = func(t reflect.Type, path string, index []int) {
		for _, f := range fieldsOf(t).list {
			p := joinPath(path, f.name)
			idx := append(append([]int(nil), index...), f.index)
			if ft := t.Field(f.index).Type; isSection(ft) {
				walk(ft, p, idx)
				continue
			}
			name := EnvPrefix + strings.ToUpper(strings.ReplaceAll(p, ".", "_"))
			keys = append(keys, envKey{name: name, path: p, index: idx, secret: f.secret})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return keys
}

// applyEnv sets c's keys from the SHARPEYES_ variables of env, in name
// order, and records them in origins. Any variable that names no key is an
// error, so that a typo does not silently leave a default in place.
func applyEnv(c *Config, env []string, origins map[string]string) error {
	vars := map[string]string{}
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, EnvPrefix) && name != EnvConfigFile && name != EnvRuntimeDir {
			vars[name] = value // the last one wins, as in a shell
		}
	}
	if len(vars) == 0 {
		return nil
	}
	keys := map[string]envKey{}
	var names []string
	for _, k := range envKeys() {
		keys[k.name] = k
		names = append(names, k.name)
	}
	var errs errorList
	for _, name := range sortedKeys(vars) {
		k, ok := keys[name]
		if !ok {
			errs.addErr(&Error{Source: "env " + name, Message: "is not a configuration variable" + suggestEnv(name, names)})
			continue
		}
		forget(origins, k.path)
		origins[k.path] = "env " + name
		v := reflect.ValueOf(c).Elem().FieldByIndex(k.index)
		setEnv(v, vars[name], k, origins, &errs)
	}
	return errs.err()
}

func suggestEnv(name string, names []string) string {
	if best := closest(name, names); best != "" {
		return fmt.Sprintf("; did you mean %s?", best)
	}
	return " (see docs/configuration.md for the list)"
}

// forget drops the origins of path and everything below it, which a
// variable is about to replace.
func forget(origins map[string]string, path string) {
	for k := range origins {
		if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(k, path+"[") {
			delete(origins, k)
		}
	}
}

// setEnv parses one variable's value into v. Scalars take plain text; lists
// and maps take YAML flow or JSON, with the shorthands of the package doc.
func setEnv(v reflect.Value, raw string, k envKey, origins map[string]string, errs *errorList) {
	fail := func(format string, args ...any) {
		errs.addErr(&Error{Source: "env " + k.name, Key: k.path, Message: fmt.Sprintf(format, args...)})
	}
	if scalar, msg := setScalar(v, raw); scalar {
		if msg != "" {
			fail("%s", msg)
		}
		return
	}
	trimmed := strings.TrimSpace(raw)
	switch {
	case trimmed == "":
		v.Set(reflect.Zero(v.Type()))
		return
	case v.Type() == reflect.TypeFor[[]string]() && trimmed[0] != '[':
		v.Set(reflect.ValueOf(splitList(trimmed)))
		return
	case v.Type() == reflect.TypeFor[[]Token]() && trimmed[0] != '[':
		tokens, err := parseTokenList(trimmed)
		if err != nil {
			fail("%v", err)
			return
		}
		v.Set(reflect.ValueOf(tokens))
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(raw), &doc); err != nil || len(doc.Content) == 0 {
		fail("is not valid YAML or JSON: want a list like [a, b] or a mapping like {a: b}")
		return
	}
	d := &decoder{source: "env " + k.name, env: true, origins: origins, errs: errs}
	d.value(doc.Content[0], v, k.path, k.secret)
}

// setScalar parses raw into v when v holds a scalar, and returns whether it
// did and what is wrong with raw. Strings are taken as they are.
func setScalar(v reflect.Value, raw string) (scalar bool, msg string) {
	s := strings.TrimSpace(raw)
	switch {
	case v.Type() == reflect.TypeFor[Duration]() || v.Type() == stdDuration:
		d, err := sharpeyes.ParseDuration(s)
		if err != nil {
			return true, err.Error()
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(raw)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return true, fmt.Sprintf("want true or false, got %q", clip(raw))
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return true, fmt.Sprintf("want a whole number, got %q", clip(raw))
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return true, fmt.Sprintf("want a number, got %q", clip(raw))
		}
		v.SetFloat(f)
	default:
		return false, ""
	}
	return true, ""
}

// splitList splits "a, b,c" into its non-empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseTokenList reads the "name:role:secret,..." shorthand of
// SHARPEYES_TOKENS. A secret may hold ":" but not ",". Its errors never
// repeat a secret.
func parseTokenList(s string) ([]Token, error) {
	var tokens []Token
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.SplitN(item, ":", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("entry %d must be name:role:secret (or give a YAML/JSON list)", i+1)
		}
		tokens = append(tokens, Token{Name: parts[0], Role: Role(parts[1]), Token: parts[2]})
	}
	return tokens, nil
}
