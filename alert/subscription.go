package alert

import (
	"context"
	"errors"
	"slices"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/store"
)

// Webhook is an alert subscription (config or API), checked by its
// Normalize method.
type Webhook = sharpeyes.Webhook

// Webhook formats.
const (
	FormatJSON         = sharpeyes.FormatJSON
	FormatAlertmanager = sharpeyes.FormatAlertmanager
	// FormatAlertmanagerWebhook is Alertmanager's receiver payload.
	FormatAlertmanagerWebhook = sharpeyes.FormatAlertmanagerWebhook
	FormatDingTalk            = sharpeyes.FormatDingTalk
	FormatWeCom               = sharpeyes.FormatWeCom
	FormatFeishu              = sharpeyes.FormatFeishu
)

// badField returns the API's 400 error naming a bad body field or query
// parameter.
func badField(field, format string, args ...any) error {
	return api.BadParam(field, format, args...)
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
