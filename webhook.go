package sharpeyes

import (
	"log/slog"
	"time"
)

// Webhook is an alert subscription: where alerts go, in which format, and
// which of them. Secret is write-only like a camera's credentials:
// `json:"-"` keeps it out of every response, and LogValue out of logs.
type Webhook struct {
	// ID names the webhook in the API and in Redis keys; for a webhook of
	// the config file it is its name.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// URL receives a POST per alert. Its query string may carry a token
	// (dingtalk access_token, wecom key), so it is shown only redacted.
	URL string `json:"url"`
	// Format is json, alertmanager, dingtalk, wecom or feishu.
	Format string `json:"format"`
	// Secret signs deliveries (json, alertmanager: HMAC header; dingtalk,
	// feishu: the vendor's signing).
	Secret string `json:"-"`
	// Events lists the event types wanted; empty means all.
	Events []string      `json:"events,omitempty"`
	Filter WebhookFilter `json:"filter"`
	// MinDuration holds back a camera's first alert until its outage has
	// lasted this long.
	MinDuration time.Duration `json:"min_duration,omitempty"`
	// Source is "config" for webhooks of the config file, "api" otherwise.
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// WebhookFilter selects the cameras a Webhook hears about; empty fields
// match all.
type WebhookFilter struct {
	Region     string `json:"region,omitempty"` // prefix on whole segments
	Owner      Owner  `json:"owner,omitempty"`
	Maintainer string `json:"maintainer,omitempty"`
}

// Match reports whether camera c passes the filter.
func (f WebhookFilter) Match(c *Camera) bool {
	return (f.Region == "" || RegionHasPrefix(c.Region, f.Region)) &&
		(f.Owner == "" || f.Owner == c.Owner) &&
		(f.Maintainer == "" || f.Maintainer == c.Maintainer)
}

// LogValue shows the webhook in logs without its secret or URL tokens.
func (w Webhook) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", w.ID), slog.String("format", w.Format),
		slog.String("url", RedactURL(w.URL)))
}
