package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// AlertsConfig holds the webhooks defined in the file and how alerts are
// grouped. Webhooks added through the API live in Redis, not here.
type AlertsConfig struct {
	// Webhooks receive alerts. Default none.
	Webhooks []Webhook `yaml:"webhooks,omitempty"`
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
}

// Webhook formats of SPEC.
const (
	FormatJSON         = "json"
	FormatAlertmanager = "alertmanager"
	FormatDingTalk     = "dingtalk"
	FormatWeCom        = "wecom"
	FormatFeishu       = "feishu"
)

// WebhookFormats lists every valid Webhook.Format.
var WebhookFormats = []string{FormatJSON, FormatAlertmanager, FormatDingTalk, FormatWeCom, FormatFeishu}

// WebhookEvents lists the event types a Webhook may subscribe to.
var WebhookEvents = []string{"camera.down", "camera.up", "camera.degraded", "group.down", "group.up", "collector.isolated"}

// Webhook is one alert receiver.
type Webhook struct {
	// Name identifies the webhook in logs and the dead-letter list; unique.
	Name string `yaml:"name"`
	// URL receives a POST per alert; http or https. For dingtalk it carries
	// the access_token, so its query string is treated as a secret.
	URL string `yaml:"url" secret:"url"`
	// Format is json, alertmanager, dingtalk, wecom or feishu. Default json.
	Format string `yaml:"format"`
	// Secret signs each delivery: an HMAC-SHA256 header for json, the
	// vendor's own signing for dingtalk and feishu. Default "" (unsigned).
	Secret string `yaml:"secret" secret:"true"`
	// Events to send; default all of WebhookEvents.
	Events []string `yaml:"events,omitempty"`
	// Filter limits the cameras alerted on; empty fields match all.
	Filter WebhookFilter `yaml:"filter"`
	// MinDuration sends camera.down only once the outage has lasted this
	// long, so that short blips page no one. Default 0 (at once).
	MinDuration Duration `yaml:"min_duration"`
}

// WebhookFilter selects the cameras a Webhook hears about.
type WebhookFilter struct {
	Region     string          `yaml:"region"` // prefix on whole segments
	Owner      sharpeyes.Owner `yaml:"owner"`
	Maintainer string          `yaml:"maintainer"`
}

// setDefaults gives a webhook read from a list its default format.
func (w *Webhook) setDefaults() { w.Format = FormatJSON }

// mobilePattern accepts what DingTalk, WeCom and Feishu take for an
// @-mention: a mainland mobile number, optionally with +86.
var mobilePattern = regexp.MustCompile(`^(\+86-?)?1[3-9][0-9]{9}$`)

func (a *AlertsConfig) validate(e *errorList) {
	names := map[string]int{}
	for i, w := range a.Webhooks {
		key := fmt.Sprintf("alerts.webhooks[%d]", i)
		checkName(e, key+".name", w.Name, i, names, "alerts.webhooks")
		w.validate(e, key)
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

func (w Webhook) validate(e *errorList, key string) {
	if msg := checkURL(w.URL, "http", "https"); msg != "" {
		e.add(key+".url", "%s", msg)
	}
	if !slices.Contains(WebhookFormats, w.Format) {
		e.add(key+".format", "must be one of %s, got %q", joinOf(WebhookFormats), clip(w.Format))
	}
	for j, ev := range w.Events {
		if !slices.Contains(WebhookEvents, ev) {
			e.add(fmt.Sprintf("%s.events[%d]", key, j), "must be one of %s, got %q", joinOf(WebhookEvents), clip(ev))
		}
	}
	if w.Filter.Owner != "" && !slices.Contains(sharpeyes.Owners, w.Filter.Owner) {
		e.add(key+".filter.owner", "must be one of %s, got %q", joinOf(sharpeyes.Owners), clip(string(w.Filter.Owner)))
	}
	if w.MinDuration < 0 {
		e.add(key+".min_duration", "must not be negative, got %s", w.MinDuration)
	}
}
