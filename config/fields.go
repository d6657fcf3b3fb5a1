package config

import (
	"fmt"
	"reflect"
	"strings"
)

// fieldInfo is one key of a section.
type fieldInfo struct {
	name   string
	index  int
	secret bool // the value is not repeated in messages
}

// fieldSet is the keys of one section type, in declaration order.
type fieldSet struct {
	list   []fieldInfo
	byName map[string]fieldInfo
}

// fieldsOf lists the yaml keys of struct type t.
func fieldsOf(t reflect.Type) fieldSet {
	fs := fieldSet{byName: map[string]fieldInfo{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		f := fieldInfo{name: name, index: i, secret: sf.Tag.Get("secret") != ""}
		fs.list = append(fs.list, f)
		fs.byName[name] = f
	}
	return fs
}

// suggest returns "; did you mean "x"?" for a near miss of a known key, or
// the list of known keys.
func (fs fieldSet) suggest(key string) string {
	names := make([]string, len(fs.list))
	for i, f := range fs.list {
		names[i] = f.name
	}
	if best := closest(key, names); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; valid keys are " + strings.Join(names, ", ")
}

// closest returns the candidate within a few edits of s (ignoring case and
// "-" for "_"), or "".
func closest(s string, candidates []string) string {
	s = strings.ReplaceAll(strings.ToLower(clip(s)), "-", "_")
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(s, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
