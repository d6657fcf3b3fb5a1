package alert

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Webhook is an alert subscription (config or API).
type Webhook = sharpeyes.Webhook

// Webhook formats.
const (
	FormatJSON         = "json"
	FormatAlertmanager = "alertmanager"
	FormatDingTalk     = "dingtalk"
	FormatWeCom        = "wecom"
	FormatFeishu       = "feishu"
)

// Formats lists every webhook format.
var Formats = []string{FormatJSON, FormatAlertmanager, FormatDingTalk, FormatWeCom, FormatFeishu}

// maxMinDuration bounds min_duration: longer would hold alerts past MaxAge.
const maxMinDuration = 7 * 24 * time.Hour

// FieldError is an invalid field of a webhook or silence.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func badField(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidateWebhook fills w's defaults (format json) and checks every field.
// It returns a *FieldError naming the first bad field, or nil. The message
// never contains the secret or the URL's query.
func ValidateWebhook(w *Webhook) error {
	w.Name = strings.TrimSpace(w.Name)
	w.URL = strings.TrimSpace(w.URL)
	if w.Format == "" {
		w.Format = FormatJSON
	}
	if utf8.RuneCountInString(w.Name) > 64 {
		return badField("name", "is longer than 64 characters")
	}
	if err := checkWebhookURL(w.URL); err != nil {
		return err
	}
	if !slices.Contains(Formats, w.Format) {
		return badField("format", "%q is not one of %s", w.Format, strings.Join(Formats, ", "))
	}
	for i, ev := range w.Events {
		if !slices.Contains(EventTypes, ev) {
			return badField(fmt.Sprintf("events[%d]", i), "%q is not one of %s", ev, strings.Join(EventTypes, ", "))
		}
	}
	w.Filter.Region = strings.Trim(strings.TrimSpace(w.Filter.Region), "/")
	if o := w.Filter.Owner; o != "" && !slices.Contains(sharpeyes.Owners, o) {
		return badField("filter.owner", "%q is not one of police, government, social", o)
	}
	if w.MinDuration < 0 || w.MinDuration > maxMinDuration {
		return badField("min_duration", "%s is out of range 0-168h", w.MinDuration)
	}
	return nil
}

// checkWebhookURL accepts an absolute http or https URL with a host.
func checkWebhookURL(raw string) error {
	if raw == "" {
		return badField("url", "is required")
	}
	if len(raw) > 2048 {
		return badField("url", "is longer than 2048 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return badField("url", "is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return badField("url", "must start with http:// or https://")
	}
	if u.Hostname() == "" {
		return badField("url", "needs a host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return badField("url", "port must be 1-65535")
		}
	}
	if u.Fragment != "" {
		return badField("url", "must not have a #fragment")
	}
	return nil
}

// wants reports whether w subscribed to event type t.
func wants(w *Webhook, t string) bool { return len(w.Events) == 0 || slices.Contains(w.Events, t) }

// wantsResolution reports whether w gets the resolutions (camera.up and
// group.up) of the downs it was sent: a webhook that subscribed to either
// resolution gets both, so that no down it received stays open; one that
// subscribed to neither gets none.
func wantsResolution(w *Webhook) bool { return wants(w, CameraUp) || wants(w, GroupUp) }

// webhooks returns the webhooks of the config file and those added
// through the API, config first.
func (d *Dispatcher) webhooks(ctx context.Context) ([]*Webhook, error) {
	stored, err := d.store.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Webhook, 0, len(d.config)+len(stored))
	for i := range d.config {
		out = append(out, &d.config[i])
	}
	for i := range stored {
		if _, dup := d.configByID[stored[i].ID]; !dup {
			out = append(out, &stored[i])
		}
	}
	return out, nil
}

// webhook returns one webhook by id, or store.ErrNotFound.
func (d *Dispatcher) webhook(ctx context.Context, id string) (*Webhook, error) {
	if i, ok := d.configByID[id]; ok {
		return &d.config[i], nil
	}
	w, err := d.store.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// isNotFound reports whether err says a stored thing is missing.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
