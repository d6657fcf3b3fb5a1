package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder copies a YAML node tree onto a Config. It does what a yaml.Decoder
// with KnownFields(true) does, but walks the sections itself so that every
// error carries the full key path ("collector.groups[1].schedule") and the
// line, and so that list entries start from their own defaults. Leaves
// (scalars, plain lists and maps) are decoded by yaml itself.
type decoder struct {
	source  string            // file name, "" for Parse, or "env NAME"
	env     bool              // source is an environment variable: no lines
	origins map[string]string // key path -> where it was set
	errs    *errorList
}

// defaulter is a list element with defaults of its own.
type defaulter interface{ setDefaults() }

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// stdDuration is the type of duration fields that are not a Duration.
var stdDuration = reflect.TypeFor[time.Duration]()

// where names the place of n for an error: "file.yml:12", "line 12" or the
// environment variable.
func (d *decoder) where(n *yaml.Node) string {
	switch {
	case d.env:
		return d.source
	case d.source == "":
		return fmt.Sprintf("line %d", n.Line)
	}
	return fmt.Sprintf("%s:%d", d.source, n.Line)
}

func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	d.errs.addErr(&Error{Source: d.where(n), Key: key, Message: fmt.Sprintf(format, args...)})
}

// value decodes n into the addressable v found at key path.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, secret bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	d.origins[path] = d.where(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value keeps the default
	}
	switch t := v.Type(); {
	case isSection(t):
		d.section(n, v, path)
	case t.Kind() == reflect.Slice && isSection(t.Elem()):
		d.list(n, v, path)
	default:
		d.leaf(n, v, path, secret)
	}
}

// isSection reports whether t is a struct whose keys the decoder walks.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(unmarshalerType)
}

func (d *decoder) section(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping of keys, got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain names, got %s", describe(k))
			continue
		}
		key := joinPath(path, k.Value)
		f, ok := fields.byName[k.Value]
		switch {
		case k.Value == "<<":
			d.fail(k, path, "merge keys (<<) are not supported: write the keys out")
		case !ok:
			d.fail(k, key, "unknown key%s", fields.suggest(k.Value))
		case seen[k.Value]:
			d.fail(k, key, "is set twice")
		default:
			seen[k.Value] = true
			d.value(val, v.Field(f.index), key, f.secret)
		}
	}
}

// list decodes a sequence of sections, replacing the default list.
func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "must be a list, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		elem := reflect.New(v.Type().Elem())
		if def, ok := elem.Interface().(defaulter); ok {
			def.setDefaults()
		}
		d.value(item, elem.Elem(), fmt.Sprintf("%s[%d]", path, i), false)
		out = reflect.Append(out, elem.Elem())
	}
	v.Set(out)
}

// leaf lets yaml decode a scalar, plain list or map, replacing the default.
// An empty list or map becomes nil, as if it were not set.
func (d *decoder) leaf(n *yaml.Node, v reflect.Value, path string, secret bool) {
	d.recordOrigins(n, path)
	v.Set(reflect.Zero(v.Type()))
	target := v.Addr().Interface()
	if v.Type() == stdDuration {
		// A time.Duration field of a shared type (sharpeyes.Webhook) is read
		// like every other duration, "7d" included, not as yaml reads it.
		target = (*Duration)(v.Addr().Interface().(*time.Duration))
	}
	if err := n.Decode(target); err != nil {
		v.Set(reflect.Zero(v.Type()))
		d.fail(n, path, "%s", leafMessage(err, n, v.Type(), secret))
		return
	}
	if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
		v.Set(reflect.Zero(v.Type()))
	}
}

// recordOrigins notes the line of every entry of a plain list or map, so
// that a validation error about regions["430202"] points at its line.
// Aliases are not followed: their expansion could be huge.
func (d *decoder) recordOrigins(n *yaml.Node, path string) {
	d.origins[path] = d.where(n)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.recordOrigins(n.Content[i+1], mapKey(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			d.recordOrigins(item, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// leafMessage turns a yaml decoding error into "must be X, got Y". Values
// of secret keys are not repeated.
func leafMessage(err error, n *yaml.Node, t reflect.Type, secret bool) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	if secret {
		return "must be " + typeName(t)
	}
	return fmt.Sprintf("must be %s, got %s", typeName(t), describe(n))
}

// describe names what a node holds, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", clip(n.Value))
	}
	return "an alias"
}

func typeName(t reflect.Type) string {
	if t == reflect.TypeFor[Duration]() || t == stdDuration {
		return "a duration like 30s, 5m, 2h or 7d"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + plural(t.Elem())
	case reflect.Map:
		return "a mapping of names to " + plural(t.Elem())
	}
	return t.String()
}

func plural(t reflect.Type) string {
	if t.Kind() == reflect.Slice {
		return "lists of " + plural(t.Elem())
	}
	return strings.TrimPrefix(typeName(t), "a ") + "s"
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
