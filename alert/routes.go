package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/store"
)

// Routes adds /webhooks (admin) and /silences (read: viewer, write:
// operator) to the /api/v1 group; the lead mounts it through
// api.Deps.Mount.
func (d *Dispatcher) Routes(g *gin.RouterGroup, auth api.Authz) {
	admin, operator, viewer := auth.Require(api.RoleAdmin), auth.Require(api.RoleOperator), auth.Require(api.RoleViewer)
	g.GET("/webhooks", admin, d.listWebhooks)
	g.POST("/webhooks", admin, d.createWebhook)
	g.GET("/webhooks/:id", admin, d.getWebhook)
	g.DELETE("/webhooks/:id", admin, d.deleteWebhook)
	g.GET("/webhooks/:id/deadletters", admin, d.deadLetters)
	g.GET("/silences", viewer, d.listSilences)
	g.POST("/silences", operator, d.createSilence)
	g.GET("/silences/:id", viewer, d.getSilence)
	g.DELETE("/silences/:id", operator, d.deleteSilence)
}

// fail answers err in the API's error shape: a webhook's
// sharpeyes.ValidationError as 400 naming its first bad field (as the
// API always did), everything else by the API's table.
func fail(c *gin.Context, err error) {
	var fields sharpeyes.ValidationError
	if errors.As(err, &fields) && len(fields) > 0 {
		err = api.BadParam(fields[0].Field, "%s", fields[0].Message)
	}
	api.Fail(c, err)
}

// list is the API's list shape; these lists are short and never paged.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// webhookView is a webhook as the API shows it: never its secret (only
// whether it has one), its URL with every query value redacted.
type webhookView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name,omitempty"`
	URL         string           `json:"url"`
	Format      string           `json:"format"`
	HasSecret   bool             `json:"has_secret"`
	Events      []string         `json:"events"`
	Filter      sharpeyes.Filter `json:"filter"`
	MinDuration string           `json:"min_duration"`
	Source      string           `json:"source"`
	CreatedAt   *time.Time       `json:"created_at,omitempty"`
}

func viewWebhook(w *Webhook) webhookView {
	v := webhookView{ID: w.ID, Name: w.Name, URL: sharpeyes.RedactURL(w.URL), Format: w.Format,
		HasSecret: w.Secret != "", Events: w.Events, Filter: w.Filter,
		MinDuration: w.MinDuration.String(), Source: w.Source}
	if len(v.Events) == 0 {
		v.Events = EventTypes
	}
	if !w.CreatedAt.IsZero() {
		t := w.CreatedAt.UTC()
		v.CreatedAt = &t
	}
	return v
}

func (d *Dispatcher) listWebhooks(c *gin.Context) {
	hooks, err := d.webhooks(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := list[webhookView]{Items: make([]webhookView, 0, len(hooks))}
	for _, w := range hooks {
		out.Items = append(out.Items, viewWebhook(w))
	}
	c.JSON(http.StatusOK, out)
}

func (d *Dispatcher) getWebhook(c *gin.Context) {
	w, err := d.webhook(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewWebhook(w))
}

// createWebhook answers POST /webhooks: 201 with the new webhook (secret
// omitted), 400 naming a bad field, 409 when its name is taken.
func (d *Dispatcher) createWebhook(c *gin.Context) {
	w, err := decodeWebhook(c.Request.Body)
	if err != nil {
		fail(c, err)
		return
	}
	if err := w.Normalize(d.opts.MaxAge, d.opts.AllowNetworks); err != nil {
		fail(c, err)
		return
	}
	if err := d.nameFree(c.Request.Context(), w.Name); err != nil {
		fail(c, err)
		return
	}
	w.ID, w.Source, w.CreatedAt = newID(), "api", d.now().UTC()
	if err := d.store.CreateWebhook(c.Request.Context(), w); err != nil {
		if errors.Is(err, store.ErrNameTaken) {
			err = nameTaken(w.Name, "")
		}
		fail(c, err)
		return
	}
	d.log.Info("webhook created", "webhook", w)
	c.Header("Location", "/api/v1/webhooks/"+url.PathEscape(w.ID))
	c.JSON(http.StatusCreated, viewWebhook(&w))
}

// nameFree returns nil when no webhook, of the config file or stored, is
// called name (or has it as its id, as config webhooks do), or an error
// wrapping store.ErrExists (409) whose message starts with "name: ".
// Two POSTs racing with one name can both pass here: the store's name
// index then refuses the second.
func (d *Dispatcher) nameFree(ctx context.Context, name string) error {
	if name == "" {
		return nil
	}
	hooks, err := d.webhooks(ctx)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.Name == name || (h.Source == "config" && h.ID == name) {
			return nameTaken(name, h.ID)
		}
	}
	return nil
}

// nameTaken is the 409 of a webhook name in use (by the webhook id, when
// known), naming the field.
func nameTaken(name, id string) error {
	msg := fmt.Sprintf("%q is already used by another webhook", name)
	if id != "" {
		msg = fmt.Sprintf("%q is already used by webhook %q", name, id)
	}
	return &api.FieldConflict{Field: "name", Message: msg}
}

// deleteWebhook answers DELETE /webhooks/:id: 204, with its queue and
// dead letters gone; 400 for a webhook of the config file.
func (d *Dispatcher) deleteWebhook(c *gin.Context) {
	id := c.Param("id")
	if _, ok := d.configByID[id]; ok {
		fail(c, badField("id", "webhook %q is defined in the config file: remove it there", id))
		return
	}
	if err := d.store.DeleteWebhook(c.Request.Context(), id); err != nil {
		fail(c, err)
		return
	}
	d.log.Info("webhook deleted", "id", id)
	c.Status(http.StatusNoContent)
}

// deadLetterView is a delivery that was given up, with the alert it
// carried.
type deadLetterView struct {
	Key       string     `json:"key"`
	Type      string     `json:"type"`
	CreatedAt time.Time  `json:"created_at"`
	DeadAt    *time.Time `json:"dead_at"`
	Reason    string     `json:"reason"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	Alert     any        `json:"alert"`
}

// deadLetters answers GET /webhooks/:id/deadletters?limit=n (default 100,
// at most 1000), newest first.
func (d *Dispatcher) deadLetters(c *gin.Context) {
	ctx := c.Request.Context()
	w, err := d.webhook(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	limit := 100
	if s := c.Query("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
			fail(c, badField("limit", "must be a number from 1 to 1000"))
			return
		}
	}
	dls, err := d.store.DeadLetters(ctx, w.ID, limit)
	if err != nil {
		fail(c, err)
		return
	}
	out := list[deadLetterView]{Items: make([]deadLetterView, 0, len(dls))}
	for _, dl := range dls {
		out.Items = append(out.Items, deadLetterView{Key: dl.Key, Type: dl.Type, CreatedAt: dl.CreatedAt.UTC(),
			DeadAt: dl.DeadAt, Reason: dl.DeadReason, Attempts: dl.Attempts, LastError: dl.LastError, Alert: dl.Payload})
	}
	c.JSON(http.StatusOK, out)
}

// newID returns a random id for a webhook or silence.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
