package inventory

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// setField stores the text of one CSV cell in c, passing free text through
// unguard. It returns a message when the text cannot be parsed (a number,
// the tags), or "".
func setField(c *sharpeyes.Camera, field, v string, unguard func(string) string) string {
	switch field {
	case "port":
		return parsePort(&c.Port, v)
	case "lat":
		return parseCoord(&c.Lat, v)
	case "lon":
		return parseCoord(&c.Lon, v)
	case "tags":
		tags, msg := parseTags(unguard(v))
		for k, val := range tags {
			setTag(c, k, val, false)
		}
		return msg
	}
	if dst := textField(c, field); dst != nil {
		*dst = unguard(v)
		return ""
	}
	switch field {
	case "probe":
		c.Probe = probeValue(v)
	case "owner":
		c.Owner = ownerValue(v)
	case "lifecycle":
		c.Lifecycle = lifecycleValue(v)
	case "due":
		c.Due = sharpeyes.Date(strings.TrimSpace(v))
	case "installed_at":
		c.InstalledAt = sharpeyes.Date(strings.TrimSpace(v))
	case "username":
		c.Secret.Username = v
	case "password":
		c.Secret.Password = v
	}
	return ""
}

// textField returns the free-text field of c named field, or nil. These are
// the fields Export guards against spreadsheet formulas.
func textField(c *sharpeyes.Camera, field string) *string {
	switch field {
	case "id":
		return &c.ID
	case "name":
		return &c.Name
	case "host":
		return &c.Host
	case "path":
		return &c.Path
	case "region":
		return &c.Region
	case "maintainer":
		return &c.Maintainer
	case "uplink":
		return &c.Uplink
	}
	return nil
}

// setTag sets one tag; a tag column (override) wins over the tags column.
func setTag(c *sharpeyes.Camera, k, v string, override bool) {
	if c.Tags == nil {
		c.Tags = make(map[string]string)
	}
	if _, set := c.Tags[k]; !set || override {
		c.Tags[k] = v
	}
}

func parsePort(dst *int, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	p, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Sprintf("%q is not a whole number", truncate(v, 32))
	}
	*dst = p
	return ""
}

func parseCoord(dst **float64, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprintf("%q is not a decimal number", truncate(v, 32))
	}
	*dst = &f
	return ""
}

// Enum values: SPEC's English words in any case, SPEC's Chinese words, and
// a few spellings seen in real spreadsheets. Anything else is passed on for
// Normalize to reject by name.
var (
	probeAliases = map[string]sharpeyes.ProbeKind{"ping": sharpeyes.ProbeICMP}
	ownerAliases = map[string]sharpeyes.Owner{
		"公安": sharpeyes.OwnerPolice, "自建": sharpeyes.OwnerGovernment, "社会": sharpeyes.OwnerSocial,
		"政府": sharpeyes.OwnerGovernment, "社会资源": sharpeyes.OwnerSocial,
	}
	lifecycleAliases = map[string]sharpeyes.Lifecycle{
		"规划": sharpeyes.Planned, "在建": sharpeyes.Building, "已建": sharpeyes.Active, "撤除": sharpeyes.Retired,
		"已建成": sharpeyes.Active, "建设中": sharpeyes.Building, "已撤除": sharpeyes.Retired, "拆除": sharpeyes.Retired,
	}
)

func probeValue(v string) sharpeyes.ProbeKind {
	v = strings.ToLower(strings.TrimSpace(v))
	if p, ok := probeAliases[v]; ok {
		return p
	}
	return sharpeyes.ProbeKind(v)
}

func ownerValue(v string) sharpeyes.Owner {
	v = strings.ToLower(strings.TrimSpace(v))
	if o, ok := ownerAliases[v]; ok {
		return o
	}
	return sharpeyes.Owner(v)
}

func lifecycleValue(v string) sharpeyes.Lifecycle {
	v = strings.ToLower(strings.TrimSpace(v))
	if l, ok := lifecycleAliases[v]; ok {
		return l
	}
	return sharpeyes.Lifecycle(v)
}

// normalizeEnums applies the aliases above to a camera decoded from JSON.
func normalizeEnums(c *sharpeyes.Camera) {
	c.Probe = probeValue(string(c.Probe))
	c.Owner = ownerValue(string(c.Owner))
	c.Lifecycle = lifecycleValue(string(c.Lifecycle))
}
