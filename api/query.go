package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// Paging limits of camera lists.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// ParseFilter reads the camera filters of SPEC from query parameters:
// region (prefix), owner, lifecycle, state, maintainer, uplink and q. It
// returns a *RequestError naming the parameter when an enum value is not
// one of its values. Reports and exports of other packages share it.
func ParseFilter(q url.Values) (sharpeyes.Filter, error) {
	f := sharpeyes.Filter{
		Region:     strings.Trim(strings.TrimSpace(q.Get("region")), "/"),
		Maintainer: strings.TrimSpace(q.Get("maintainer")),
		Uplink:     strings.TrimSpace(q.Get("uplink")),
		Q:          strings.TrimSpace(q.Get("q")),
	}
	var err error
	if f.Owner, err = enumParam(q, "owner", sharpeyes.Owners); err != nil {
		return f, err
	}
	if f.Lifecycle, err = enumParam(q, "lifecycle", sharpeyes.Lifecycles); err != nil {
		return f, err
	}
	if f.State, err = enumParam(q, "state", sharpeyes.States); err != nil {
		return f, err
	}
	return f, nil
}

// enumParam returns the named parameter when it is one of valid (or empty),
// else a *RequestError listing the valid values.
func enumParam[T ~string](q url.Values, name string, valid []T) (T, error) {
	v := T(strings.TrimSpace(q.Get(name)))
	if v == "" {
		return v, nil
	}
	names := make([]string, len(valid))
	for i, ok := range valid {
		if v == ok {
			return v, nil
		}
		names[i] = string(ok)
	}
	return "", BadParam(name, "%q is not one of %s", truncate(string(v), 64), strings.Join(names, ", "))
}

// parseLimit reads ?limit (default 100, 1..1000).
func parseLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, BadParam("limit", "%q is not a whole number from 1 to %d", truncate(s, 32), maxLimit)
	}
	return n, nil
}

// boolParam reads an optional true/false parameter (absent: false).
func boolParam(q url.Values, name string) (bool, error) {
	s := q.Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, BadParam(name, "%q is not true or false", truncate(s, 32))
	}
	return b, nil
}

// truncate shortens a client's value before it is echoed in an error.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
