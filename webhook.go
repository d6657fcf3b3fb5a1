package sharpeyes

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook formats of SPEC.
const (
	FormatJSON         = "json"
	FormatAlertmanager = "alertmanager"
	// FormatAlertmanagerWebhook is the payload Alertmanager sends to its
	// receivers, for relays that consume it; FormatAlertmanager pushes to an
	// Alertmanager's API instead.
	FormatAlertmanagerWebhook = "alertmanager-webhook"
	FormatDingTalk            = "dingtalk"
	FormatWeCom               = "wecom"
	FormatFeishu              = "feishu"
)

// WebhookFormats lists every valid Webhook.Format.
var WebhookFormats = []string{FormatJSON, FormatAlertmanager, FormatAlertmanagerWebhook, FormatDingTalk, FormatWeCom, FormatFeishu}

// Event types, as webhooks subscribe to them and receivers see them.
const (
	EventCameraDown        = "camera.down"
	EventCameraUp          = "camera.up"
	EventCameraDegraded    = "camera.degraded"
	EventGroupDown         = "group.down"
	EventGroupUp           = "group.up"
	EventCollectorIsolated = "collector.isolated"
)

// WebhookEvents lists every event type a Webhook may subscribe to.
var WebhookEvents = []string{EventCameraDown, EventCameraUp, EventCameraDegraded, EventGroupDown, EventGroupUp, EventCollectorIsolated}

// Webhook is an alert subscription, from the config file (alerts.webhooks)
// or the API: where alerts go, in which format, and which of them. Both
// are checked by Normalize. Secret is write-only like a camera's
// credentials: `json:"-"` keeps it out of every response, and LogValue out
// of logs.
type Webhook struct {
	// ID names the webhook in the API and in Redis keys; for a webhook of
	// the config file it is its name.
	ID string `json:"id" yaml:"-"`
	// Name identifies the webhook in logs and the dead-letter list; in the
	// config file it is required and unique.
	Name string `json:"name,omitempty" yaml:"name"`
	// URL receives a POST per alert; http or https. For the alertmanager
	// format it is the Alertmanager's base URL (http://am:9093), and the
	// POST goes to {url}/api/v2/alerts. Its query string may carry a token
	// (dingtalk access_token, wecom key), so it is shown only redacted.
	URL string `json:"url" yaml:"url" secret:"url"`
	// Format is json, alertmanager (pushes to an Alertmanager's API v2),
	// alertmanager-webhook (the payload Alertmanager sends to its
	// receivers, for relays), dingtalk, wecom or feishu. Default json.
	Format string `json:"format" yaml:"format"`
	// Secret signs deliveries (json, alertmanager, alertmanager-webhook:
	// HMAC header, which Alertmanager ignores; dingtalk,
	// feishu: the vendor's signing); wecom robots are not signed. Default
	// "" (unsigned).
	Secret string `json:"-" yaml:"secret" secret:"true"`
	// Events lists the event types wanted; empty means all.
	Events []string `json:"events,omitempty" yaml:"events,omitempty"`
	// Filter selects the cameras alerted on by region (prefix), owner,
	// lifecycle, maintainer and uplink; empty fields match all. State and
	// Q do not apply.
	Filter Filter `json:"filter" yaml:"filter"`
	// MinDuration holds back a camera's first alert until its outage has
	// lasted this long, so that short blips page no one. Default 0.
	MinDuration time.Duration `json:"min_duration,omitempty" yaml:"min_duration"`
	// Source is "config" for webhooks of the config file, "api" otherwise.
	Source    string    `json:"source,omitempty" yaml:"-"`
	CreatedAt time.Time `json:"created_at" yaml:"-"`
}

// LogValue shows the webhook in logs without its secret or URL tokens.
func (w Webhook) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", w.ID), slog.String("format", w.Format),
		slog.String("url", RedactURL(w.URL)))
}

// Normalize fills w's defaults (format json; region without surrounding
// "/") and checks every field, for webhooks of the config file and of the
// API alike. maxAge is alerts.max_age: an alert held back longer than that
// would be dropped as stale, so min_duration must stay below it. allow is
// alerts.allow_networks, the networks the URL may reach although
// CheckWebhookURL refuses them otherwise. It returns a ValidationError
// naming each bad field by its JSON/YAML key, or nil. Messages never
// repeat the secret or the URL.
func (w *Webhook) Normalize(maxAge time.Duration, allow Networks) error {
	var errs ValidationError
	bad := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	w.Name, w.URL, w.Format = strings.TrimSpace(w.Name), strings.TrimSpace(w.URL), strings.TrimSpace(w.Format)
	if w.Format == "" {
		w.Format = FormatJSON
	}
	if !utf8.ValidString(w.Name) || utf8.RuneCountInString(w.Name) > 64 || strings.ContainsFunc(w.Name, isControl) {
		bad("name", "must be at most 64 characters of text")
	}
	if err := CheckWebhookURL(w.URL, allow); err != nil {
		bad("url", "%v", err)
	}
	if !slices.Contains(WebhookFormats, w.Format) {
		bad("format", "must be one of %s, got %q", strings.Join(WebhookFormats, ", "), clip(w.Format))
	}
	if w.Format == FormatWeCom && w.Secret != "" {
		bad("secret", "wecom robots are not signed: leave secret empty (the key is in the URL)")
	}
	for i, ev := range w.Events {
		if !slices.Contains(WebhookEvents, ev) {
			bad(fmt.Sprintf("events[%d]", i), "must be one of %s, got %q", strings.Join(WebhookEvents, ", "), clip(ev))
		}
	}
	w.Filter.Region = strings.Trim(strings.TrimSpace(w.Filter.Region), "/")
	for _, fe := range w.Filter.check() {
		bad("filter."+fe.Field, "%s", fe.Message)
	}
	if w.Filter.State != "" {
		bad("filter.state", "does not apply to webhooks: choose events instead")
	}
	if w.Filter.Q != "" {
		bad("filter.q", "does not apply to webhooks: filter by region, owner, lifecycle, maintainer or uplink")
	}
	switch {
	case w.MinDuration < 0:
		bad("min_duration", "must not be negative, got %s", Duration(w.MinDuration))
	case maxAge > 0 && w.MinDuration >= maxAge:
		bad("min_duration", "must be less than alerts.max_age (%s), got %s: alerts held that long are dropped as stale",
			Duration(maxAge), Duration(w.MinDuration))
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// CheckWebhookURL returns nil for an absolute http or https URL with a
// host and no fragment, of at most 2,048 bytes, whose host
// CheckWebhookHost accepts under allow. Otherwise it returns an error
// saying what is wrong (wrapping ErrTargetRefused for a refused host),
// which never repeats the URL's path or query. Normalize checks webhooks
// with it when they are created, and the alert package again before
// every delivery.
func CheckWebhookURL(raw string, allow Networks) error {
	switch {
	case raw == "":
		return errors.New("is required")
	case len(raw) > 2048:
		return errors.New("is longer than 2048 bytes")
	}
	if err := CheckURL(raw, "http", "https"); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if u.Fragment != "" {
		return errors.New("must not have a #fragment")
	}
	return CheckWebhookHost(u.Hostname(), allow)
}

// CheckURL returns nil when raw is an absolute URL with one of schemes and
// a host (and a port, if any, from 1 to 65535), or an error saying what is
// wrong. The message never repeats raw, which may hold a password or an
// access token.
func CheckURL(raw string, schemes ...string) error {
	want := strings.Join(schemes, ":// or ") + "://"
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		var esc url.EscapeError
		switch {
		case errors.As(err, &esc):
			return errors.New("is not a valid URL: it has an invalid %-escape")
		case errors.As(err, &ue):
			return errors.New("is not a valid URL: " + clip(ue.Err.Error()))
		}
		return errors.New("is not a valid URL")
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("must start with %s, got scheme %q", want, clip(u.Scheme))
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("needs a host, like %shost:port", schemes[0]+"://")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port must be a number from 1 to 65535, got %q", clip(p))
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
