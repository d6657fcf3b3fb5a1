package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// AlertsConfig holds the webhooks defined in the file and how alerts are
// grouped. Webhooks added through the API live in Redis, not here.
type AlertsConfig struct {
	// Webhooks receive alerts. Default none. Each is checked by
	// sharpeyes.Webhook.Normalize, as webhooks added through the API are;
	// its name is required, unique and its id.
	Webhooks []sharpeyes.Webhook `yaml:"webhooks,omitempty"`
	// GroupWindow is how long camera.down events of one uplink or region are
	// gathered before deciding whether they make one group.down alert.
	// Default 30s.
	GroupWindow Duration `yaml:"group_window"`
	// GroupMin is the number of cameras down within GroupWindow that makes a
	// group.down alert instead of single ones. Default 5.
	GroupMin int `yaml:"group_min"`
	// MaxAge drops queued deliveries older than this: a day-old "camera
	// down" is news to no one. Default 24h.
	MaxAge Duration `yaml:"max_age"`
	// OnCall maps a maintainer (运维单位) to the mobile numbers @-mentioned in
	// dingtalk, wecom and feishu messages about its cameras. Default none.
	OnCall map[string][]string `yaml:"on_call,omitempty"`
	// AllowNetworks lists CIDRs that webhooks may reach although they are
	// loopback, link-local, unspecified, multicast or cloud metadata
	// addresses, which are refused otherwise (SSRF). Default none.
	AllowNetworks []string `yaml:"allow_networks,omitempty"`
}

// Networks returns AllowNetworks parsed, skipping any that does not parse
// (validation refuses those).
func (a *AlertsConfig) Networks() sharpeyes.Networks {
	var nets sharpeyes.Networks
	for _, s := range a.AllowNetworks {
		if p, err := sharpeyes.ParseNetwork(s); err == nil {
			nets = append(nets, p)
		}
	}
	return nets
}

// mobilePattern accepts what DingTalk, WeCom and Feishu take for an
// @-mention: a mainland mobile number, optionally with +86.
var mobilePattern = regexp.MustCompile(`^(\+86-?)?1[3-9][0-9]{9}$`)

func (a *AlertsConfig) validate(e *errorList) {
	for i, s := range a.AllowNetworks {
		if _, err := sharpeyes.ParseNetwork(s); err != nil {
			e.add(fmt.Sprintf("alerts.allow_networks[%d]", i), "%v", err)
		}
	}
	allow := a.Networks()
	names := map[string]int{}
	for i := range a.Webhooks {
		w := &a.Webhooks[i]
		key := fmt.Sprintf("alerts.webhooks[%d]", i)
		checkName(e, key+".name", w.Name, i, names, "alerts.webhooks")
		var fields sharpeyes.ValidationError
		if errors.As(w.Normalize(a.MaxAge.Std(), allow), &fields) {
			for _, f := range fields {
				if f.Field == "name" {
					continue // checkName holds a config name to stricter rules
				}
				e.add(key+"."+f.Field, "%s", f.Message)
			}
		}
	}
	positive(e, "alerts.group_window", a.GroupWindow)
	atLeast(e, "alerts.group_min", a.GroupMin, 2)
	positive(e, "alerts.max_age", a.MaxAge)
	for _, m := range sortedKeys(a.OnCall) {
		key := mapKey("alerts.on_call", m)
		if strings.TrimSpace(m) == "" {
			e.add(key, "maintainer name must not be empty")
		}
		for j, n := range a.OnCall[m] {
			if !mobilePattern.MatchString(n) {
				e.add(fmt.Sprintf("%s[%d]", key, j), "must be a mobile number like 13800138000, got %q", clip(n))
			}
		}
	}
}
