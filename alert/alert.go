package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// Alert is one notification for one webhook, as queued in the outbox and
// rendered into each format at delivery time. Its JSON form is also the
// body of the json format (see format_json.go).
type Alert struct {
	// Key is the idempotency key: a delivery retried, or an event handled
	// twice, carries the same key.
	Key  string `json:"key"`
	Type string `json:"type"`
	// At is when it happened: the state change, or the isolation.
	At time.Time `json:"at"`
	// Since is when the outage began (camera.up, group.up).
	Since *time.Time `json:"since,omitempty"`
	// DurationS is the outage's length in seconds (camera.up, group.up).
	DurationS float64 `json:"duration_s,omitempty"`
	// Resolves is the type of the alert a camera.up resolves
	// (camera.down or camera.degraded).
	Resolves string    `json:"resolves,omitempty"`
	Group    *GroupRef `json:"group,omitempty"`
	// Cameras are the cameras concerned: one for camera.*, every camera of
	// the group for group.*.
	Cameras   []CameraRef   `json:"cameras,omitempty"`
	Isolation *IsolationRef `json:"isolation,omitempty"`
	// Alerts are the open alerts a Resend repeats, each as first sent.
	Alerts []Alert `json:"alerts,omitempty"`
}

// Resend is the type of the deliveries that repeat the open alerts of an
// alertmanager webhook, so that Alertmanager does not resolve them by its
// resolve_timeout while the outage lasts (resend.go). Only alertmanager
// webhooks get them.
const Resend = "alertmanager.resend"

// CameraRef describes a camera in an alert.
type CameraRef struct {
	ID         string          `json:"id"`
	Name       string          `json:"name,omitempty"`
	Region     string          `json:"region,omitempty"`
	Owner      sharpeyes.Owner `json:"owner,omitempty"`
	Maintainer string          `json:"maintainer,omitempty"`
	Uplink     string          `json:"uplink,omitempty"`
	State      sharpeyes.State `json:"state"`
	Reason     string          `json:"reason,omitempty"`
	// Since is when the camera entered State.
	Since time.Time `json:"since"`
}

// GroupRef names the group of a group.* alert: the uplink the cameras hang
// on, or their township (region level 2) when they have no uplink.
type GroupRef struct {
	ID   string `json:"id"`
	By   string `json:"by"` // "uplink" or "region"
	Name string `json:"name"`
}

// IsolationRef describes a collector.isolated alert.
type IsolationRef struct {
	Instance string `json:"instance,omitempty"`
	Slot     string `json:"slot,omitempty"`
	Probed   int    `json:"probed"`
	Failed   int    `json:"failed"`
}

// idempotencyKey derives a delivery's key from the webhook and what the
// alert is about, so that handling the same event twice yields the same
// key.
func idempotencyKey(webhook, basis string) string {
	sum := sha256.Sum256([]byte(webhook + "\x00" + basis))
	return hex.EncodeToString(sum[:16])
}

// cameraRef describes camera id (which may have left the inventory, then
// only its id is known) in state st since at.
func cameraRef(c *sharpeyes.Camera, id string, st sharpeyes.State, reason string, at time.Time) CameraRef {
	ref := CameraRef{ID: id, State: st, Reason: reason, Since: at.UTC()}
	if c != nil {
		ref.Name, ref.Region, ref.Owner = c.Name, c.Region, c.Owner
		ref.Maintainer, ref.Uplink = c.Maintainer, c.Uplink
	}
	return ref
}
