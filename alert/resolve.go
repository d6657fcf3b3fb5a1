package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Resolution is never orphaned: when a down (or degraded, or group.down)
// is queued for a webhook, its camera gets a "sent" marker in the
// webhook's alert state in Redis, and the camera's next camera.up sends
// the resolution to exactly the webhooks holding a marker, whatever
// silences or filters say by then. The state fields:
//
//	cam:<id>   JSON list of the open alerts naming the camera
//	grp:<gid>  JSON of an open group.down: its cameras and those still down

// openAlert is one alert sent about a camera and not yet resolved.
type openAlert struct {
	Type  string    `json:"t"`
	Key   string    `json:"k"`
	Group string    `json:"g,omitempty"`
	Since time.Time `json:"s"`
	// Reason is the camera's, for re-sends to Alertmanager (resend.go).
	Reason string `json:"r,omitempty"`
}

// openGroup is a group.down sent and not yet resolved.
type openGroup struct {
	Group   GroupRef    `json:"group"`
	Since   time.Time   `json:"since"`
	Cameras []CameraRef `json:"cameras"`
	Open    []string    `json:"open"`
}

func camField(id string) string  { return "cam:" + id }
func grpField(gid string) string { return "grp:" + gid }

// mark records alerts as sent to webhook wh. Marking twice (a decision
// retried) changes nothing.
func (c *consumer) mark(ctx context.Context, wh string, alerts []Alert) error {
	var fields []string
	for _, a := range alerts {
		for _, cam := range a.Cameras {
			fields = append(fields, camField(cam.ID))
		}
	}
	cur, err := c.d.store.AlertState(ctx, wh, fields)
	if err != nil {
		return err
	}
	set := make(map[string]string)
	for _, a := range alerts {
		o := openAlert{Type: a.Type, Key: a.Key}
		if a.Group != nil {
			o.Group = a.Group.ID
			g := openGroup{Group: *a.Group, Since: a.At, Cameras: a.Cameras}
			for _, cam := range a.Cameras {
				g.Open = append(g.Open, cam.ID)
			}
			set[grpField(a.Group.ID)] = mustJSON(g)
		}
		for _, cam := range a.Cameras {
			f := camField(cam.ID)
			list := decodeOpen(cur[f])
			if !slices.ContainsFunc(list, func(x openAlert) bool { return x.Key == a.Key }) {
				o.Since, o.Reason = cam.Since, cam.Reason
				list = append(list, o)
			}
			cur[f] = mustJSON(list)
			set[f] = cur[f]
		}
	}
	return c.d.store.SetAlertState(ctx, wh, set)
}

// resolve sends camera.up (and group.up when it was a group's last
// camera) to every webhook that was sent a down for the camera.
func (c *consumer) resolve(ctx context.Context, snap *store.Snapshot, ev Event) error {
	hooks, err := c.webhooks(ctx)
	if err != nil {
		return err
	}
	field := camField(ev.CameraID)
	for _, w := range hooks {
		cur, err := c.d.store.AlertState(ctx, w.ID, []string{field})
		if err != nil {
			return err
		}
		raw, ok := cur[field]
		if !ok {
			continue
		}
		if err := c.resolveFor(ctx, w, snap, ev, decodeOpen(raw)); err != nil {
			return err
		}
	}
	return nil
}

// resolveFor queues w's resolutions of opens, then updates its groups and
// drops the marker: in that order, so that a crash in between repeats
// the resolution (same key, queued once) instead of losing it.
func (c *consumer) resolveFor(ctx context.Context, w *Webhook, snap *store.Snapshot, ev Event, opens []openAlert) error {
	var alerts []Alert
	if up, ok := cameraUpAlert(w, snap, ev, opens); ok {
		alerts = append(alerts, up)
	}
	var gids []string
	for _, o := range opens {
		if o.Group != "" {
			gids = append(gids, grpField(o.Group))
		}
	}
	groups, err := c.d.store.AlertState(ctx, w.ID, gids)
	if err != nil {
		return err
	}
	set, done, ups := leaveGroups(w, groups, ev)
	if err := c.queue(ctx, w, append(alerts, ups...)); err != nil {
		return err
	}
	if err := c.d.store.SetAlertState(ctx, w.ID, set); err != nil {
		return err
	}
	return c.d.store.DeleteAlertState(ctx, w.ID, append(done, camField(ev.CameraID))...)
}

// cameraUpAlert is the camera.up resolving the camera's own open alerts
// (the earliest one sets since and resolves), if it has any and w wants it.
func cameraUpAlert(w *Webhook, snap *store.Snapshot, ev Event, opens []openAlert) (Alert, bool) {
	var first *openAlert
	for i, o := range opens {
		if o.Group == "" && (first == nil || o.Since.Before(first.Since)) {
			first = &opens[i]
		}
	}
	if first == nil || !wantsResolution(w) {
		return Alert{}, false
	}
	cam, _ := snap.Get(ev.CameraID)
	since := first.Since.UTC()
	return Alert{Key: idempotencyKey(w.ID, CameraUp+"|"+ev.ID), Type: CameraUp, At: ev.At.UTC(),
		Since: &since, DurationS: ev.At.Sub(since).Seconds(), Resolves: first.Type,
		Cameras: []CameraRef{cameraRef(cam, ev.CameraID, ev.To, ev.Reason, ev.At)}}, true
}

// leaveGroups takes the camera out of its open groups (fields of w's
// state): the groups still open are to set, those now empty are done and
// get a group.up if w wants it.
func leaveGroups(w *Webhook, groups map[string]string, ev Event) (set map[string]string, done []string, ups []Alert) {
	set = make(map[string]string)
	for field, raw := range groups {
		var g openGroup
		if err := json.Unmarshal([]byte(raw), &g); err != nil {
			done = append(done, field) // unreadable: drop it
			continue
		}
		g.Open = slices.DeleteFunc(g.Open, func(id string) bool { return id == ev.CameraID })
		if len(g.Open) > 0 {
			set[field] = mustJSON(g)
			continue
		}
		done = append(done, field)
		if wantsResolution(w) {
			ups = append(ups, groupUpAlert(w, g, ev))
		}
	}
	return set, done, ups
}

func groupUpAlert(w *Webhook, g openGroup, ev Event) Alert {
	since := g.Since.UTC()
	grp := g.Group
	cams := slices.Clone(g.Cameras)
	for i := range cams {
		cams[i].State, cams[i].Reason = sharpeyes.StateUp, ""
	}
	return Alert{Key: idempotencyKey(w.ID, GroupUp+"|"+g.Group.ID), Type: GroupUp, At: ev.At.UTC(),
		Since: &since, DurationS: ev.At.Sub(since).Seconds(), Group: &grp, Cameras: cams}
}

// queue wraps alerts for webhook w and enqueues them.
func (c *consumer) queue(ctx context.Context, w *Webhook, alerts []Alert) error {
	ds := make([]store.Delivery, 0, len(alerts))
	for _, a := range alerts {
		d, err := c.d.delivery(w.ID, a)
		if err != nil {
			return err
		}
		ds = append(ds, d)
		c.d.metrics.decided(a.Type, "queued", 1)
	}
	return c.d.enqueue(ctx, ds)
}

func decodeOpen(raw string) []openAlert {
	var list []openAlert
	if raw != "" {
		_ = json.Unmarshal([]byte(raw), &list) // unreadable: start afresh
	}
	return list
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("alert: encode %T: %v", v, err)) // plain structs: cannot fail
	}
	return string(b)
}
