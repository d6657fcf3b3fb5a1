package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileBytes bounds the config file: a real one is a few kilobytes, so a
// larger file was named by mistake.
const maxFileBytes = 4 << 20

// Load reads the configuration: Default, then the YAML file at path (none
// when path is ""), then the SHARPEYES_* variables of env (os.Environ
// form), then Validate. On failure it returns the zero Config and an error
// that names the key, and for a file its name and line: an *Error, or
// several joined. A file that cannot be read gives a wrapped os error.
func Load(path string, env []string) (Config, error) {
	if path == "" {
		return parse("", nil, env)
	}
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return Config{}, fmt.Errorf("config: read %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return Config{}, &Error{Source: path, Message: fmt.Sprintf("file is larger than %d MiB; is it the right file?", maxFileBytes>>20)}
	}
	return parse(path, data, env)
}

// Parse is Load for YAML already in memory; errors give "line N" as their
// source. On failure it returns the zero Config.
func Parse(data []byte, env []string) (Config, error) {
	return parse("", data, env)
}

func parse(name string, data []byte, env []string) (Config, error) {
	c := Default()
	origins := map[string]string{}
	if err := decodeYAML(name, data, &c, origins); err != nil {
		return Config{}, err
	}
	if err := applyEnv(&c, env, origins); err != nil {
		return Config{}, err
	}
	if c.Collector.Instance == "" {
		c.Collector.Instance = processName()
	}
	var e errorList
	c.validate(&e)
	for _, x := range e.list {
		x.Source = lookupOrigin(origins, x.Key)
	}
	if err := e.err(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// decodeYAML applies the one YAML document in data onto c.
func decodeYAML(name string, data []byte, c *Config, origins map[string]string) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty file: all defaults
		}
		return &Error{Source: name, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return &Error{Source: name, Message: "holds more than one YAML document (---); use one"}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	var errs errorList
	d := &decoder{source: name, origins: origins, errs: &errs}
	d.value(doc.Content[0], reflect.ValueOf(c).Elem(), "", false)
	return errs.err()
}

// lookupOrigin returns where key, or the nearest enclosing key, was set; ""
// for a default.
func lookupOrigin(origins map[string]string, key string) string {
	for key != "" {
		if o, ok := origins[key]; ok {
			return o
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return ""
}
