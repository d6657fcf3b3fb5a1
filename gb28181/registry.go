package gb28181

import (
	"context"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/store"
)

// Device is one GB/T 28181 device as the API shows it.
type Device struct {
	ID        string `json:"id"`
	Address   string `json:"address"`
	Transport string `json:"transport"`
	// Registered: the last REGISTER has not expired and was not an
	// unregistration.
	Registered    bool       `json:"registered"`
	RegisteredAt  time.Time  `json:"registered_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	LastKeepalive *time.Time `json:"last_keepalive"`
	// Online: registered, and the last keepalive (or, before the first,
	// the registration) is within the keepalive timeout.
	Online bool `json:"online"`
	// Channels is the number of channels of the device's last complete
	// catalog (0 before one arrived).
	Channels int `json:"channels"`
	// MissingChannels are channels an earlier catalog listed and the last
	// one did not: their cameras are kept, not deleted.
	MissingChannels []string `json:"missing_channels"`
}

// Registry reads the devices' state from the store.
type Registry struct {
	Store            *store.Store
	KeepaliveTimeout time.Duration // default DefaultKeepaliveTimeout
	Now              func() time.Time
}

// Devices lists every device that ever registered, by id.
func (r *Registry) Devices(ctx context.Context) ([]Device, error) {
	devs, err := r.Store.GBDevices(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := r.Store.GBCatalogs(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	timeout := r.KeepaliveTimeout
	if timeout <= 0 {
		timeout = DefaultKeepaliveTimeout
	}
	out := make([]Device, 0, len(devs))
	for _, d := range devs {
		v := view(d, now, timeout)
		v.Channels = len(cats[d.ID].Channels)
		v.MissingChannels = cats[d.ID].Missing
		if v.MissingChannels == nil {
			v.MissingChannels = []string{}
		}
		out = append(out, v)
	}
	return out, nil
}

func view(d store.GBDevice, now time.Time, timeout time.Duration) Device {
	v := Device{ID: d.ID, Address: d.Addr, Transport: d.Transport, RegisteredAt: d.RegisteredAt,
		ExpiresAt: d.ExpiresAt, Registered: d.ExpiresAt.After(now)}
	alive := d.RegisteredAt
	if !d.LastKeepalive.IsZero() {
		ka := d.LastKeepalive
		v.LastKeepalive = &ka
		if ka.After(alive) {
			alive = ka
		}
	}
	v.Online = v.Registered && now.Sub(alive) <= timeout
	return v
}

// Routes mounts GET /gb28181/devices (viewer) on the API's /api/v1 group.
func (r *Registry) Routes(g *gin.RouterGroup, auth api.Authz) {
	g.GET("/gb28181/devices", auth.Require(api.RoleViewer), func(c *gin.Context) {
		devs, err := r.Devices(c.Request.Context())
		if err != nil {
			api.Fail(c, fmt.Errorf("gb28181 devices: %w", err))
			return
		}
		c.JSON(200, gin.H{"items": devs, "next_cursor": ""})
	})
}

// Docs describes Routes for the OpenAPI document.
func Docs() map[string]api.PathItem {
	t := api.Schema{"type": "string", "format": "date-time"}
	dev := api.Schema{"type": "object", "properties": map[string]api.Schema{
		"id": {"type": "string"}, "address": {"type": "string"}, "transport": {"type": "string"},
		"registered": {"type": "boolean"}, "registered_at": t, "expires_at": t,
		"last_keepalive": {"type": "string", "format": "date-time", "nullable": true},
		"online":         {"type": "boolean"}, "channels": {"type": "integer"},
		"missing_channels": {"type": "array", "items": api.Schema{"type": "string"}}}}
	list := api.Schema{"type": "object", "properties": map[string]api.Schema{
		"items": {"type": "array", "items": dev}, "next_cursor": {"type": "string"}}}
	return map[string]api.PathItem{
		"/api/v1/gb28181/devices": {
			"get": {Summary: "GB/T 28181 devices: registration, last keepalive, online, channel count",
				OperationID: "listGB28181Devices", Tags: []string{"gb28181"}, MinRole: "viewer",
				Responses: map[string]api.Response{"200": {Description: "every device that ever registered, by id",
					Content: api.JSONContent(list)}}},
		},
	}
}
