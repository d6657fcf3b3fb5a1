package sharpeyes

import (
	"fmt"
	"slices"
	"strings"
)

// Filter selects cameras by the fields of SPEC's camera list, and the
// cameras a webhook hears about. Empty fields match everything. State is
// applied by the store, which knows the status; State and Q are for lists
// only (not config keys, refused in a webhook).
type Filter struct {
	Region     string    `json:"region,omitempty" yaml:"region"` // prefix on whole path segments
	Owner      Owner     `json:"owner,omitempty" yaml:"owner"`
	Lifecycle  Lifecycle `json:"lifecycle,omitempty" yaml:"lifecycle"`
	Maintainer string    `json:"maintainer,omitempty" yaml:"maintainer"`
	Uplink     string    `json:"uplink,omitempty" yaml:"uplink"`
	State      State     `json:"state,omitempty" yaml:"-"`
	Q          string    `json:"q,omitempty" yaml:"-"` // substring of id or name
}

// Match reports whether c passes every field of f except State.
func (f Filter) Match(c *Camera) bool {
	if f.Owner != "" && c.Owner != f.Owner {
		return false
	}
	if f.Lifecycle != "" && c.Lifecycle != f.Lifecycle {
		return false
	}
	if f.Maintainer != "" && c.Maintainer != f.Maintainer {
		return false
	}
	if f.Uplink != "" && c.Uplink != f.Uplink {
		return false
	}
	if f.Region != "" && !RegionHasPrefix(c.Region, f.Region) {
		return false
	}
	if f.Q != "" && !strings.Contains(c.ID, f.Q) && !strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.Q)) {
		return false
	}
	return true
}

// check returns a FieldError for each enum field of f that holds no
// valid value, named by its key ("owner").
func (f Filter) check() []FieldError {
	var errs []FieldError
	enum := func(field, v string, ok bool, valid string) {
		if v != "" && !ok {
			errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf("must be one of %s, got %q", valid, clip(v))})
		}
	}
	enum("owner", string(f.Owner), slices.Contains(Owners, f.Owner), "police, government, social")
	enum("lifecycle", string(f.Lifecycle), slices.Contains(Lifecycles, f.Lifecycle), "planned, building, active, retired")
	enum("state", string(f.State), slices.Contains(States, f.State), "up, degraded, down, unknown")
	return errs
}

// RegionHasPrefix reports whether region lies within prefix, comparing whole
// segments: "荷塘区/月塘街道" contains "荷塘区/月塘街道/网格12" but not
// "荷塘区/月塘街道二".
func RegionHasPrefix(region, prefix string) bool {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return true
	}
	if !strings.HasPrefix(region, prefix) {
		return false
	}
	return len(region) == len(prefix) || region[len(prefix)] == '/'
}

// RegionLevel returns the first level segments of region ("荷塘区/月塘街道" for
// level 2), or the whole region when it has fewer.
func RegionLevel(region string, level int) string {
	if level <= 0 {
		return region
	}
	n := 0
	for i := 0; i < len(region); i++ {
		if region[i] == '/' {
			n++
			if n == level {
				return region[:i]
			}
		}
	}
	return region
}
