package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// decide sends a due batch to every webhook that wants it: held back for
// a webhook's min_duration, filtered, silenced, then grouped or not. It
// queues the deliveries and closes the batch, or returns an error and
// leaves the batch to be decided again (which queues nothing twice).
func (c *consumer) decide(ctx context.Context, b *batch) error {
	live := c.fresh(c.live(b.events), b.kind)
	if len(live) == 0 || c.iso != nil {
		if len(live) > 0 {
			c.d.metrics.decided(b.kind, "isolated", len(live))
		}
		c.release(b.events)
		return nil
	}
	hooks, err := c.webhooks(ctx)
	if err != nil {
		return err
	}
	silences, err := c.d.store.Silences(ctx)
	if err != nil {
		return err
	}
	snap, err := c.d.store.Snapshot(ctx)
	if err != nil {
		return err
	}
	now := c.d.now()
	var out []store.Delivery
	var holds []*batch
	for _, w := range hooks {
		if (b.webhook != "" && w.ID != b.webhook) || !wantsKind(w, b.kind) {
			continue
		}
		evs := visible(w, snap, live)
		if len(evs) == 0 {
			continue
		}
		if due := latestAt(evs).Add(w.MinDuration); b.webhook == "" && w.MinDuration > 0 && due.After(now) {
			holds = append(holds, &batch{key: b.key, group: b.group, kind: b.kind, events: evs, due: due, webhook: w.ID})
			continue
		}
		evs = c.unsilenced(snap, silences, evs, b.kind, now)
		if len(evs) == 0 {
			continue
		}
		ds, err := c.plan(ctx, w, snap, b, evs)
		if err != nil {
			return err
		}
		out = append(out, ds...)
	}
	if err := c.d.enqueue(ctx, out); err != nil {
		return err
	}
	for _, h := range holds {
		c.hold(h, h.webhook, h.events, h.due)
	}
	c.release(b.events)
	return nil
}

// fresh drops events older than MaxAge: news to no one (a consumer
// reading a long backlog, after being down for a day, stays quiet about
// it). They are recorded all the same.
func (c *consumer) fresh(evs []Event, kind string) []Event {
	cutoff := c.d.now().Add(-c.d.opts.MaxAge)
	out := evs[:0:0]
	for _, ev := range evs {
		if ev.At.Before(cutoff) {
			c.d.metrics.decided(kind, "stale", 1)
			continue
		}
		out = append(out, ev)
	}
	return out
}

func wantsKind(w *Webhook, kind string) bool {
	if kind == CameraDown {
		return wants(w, CameraDown) || wants(w, GroupDown)
	}
	return wants(w, kind)
}

// matchFields returns what filters, silences and grouping read of the
// camera with id (snapshot.MatchView, without building its record), or
// only its id when it is gone from the inventory. They run per event and
// per webhook.
func matchFields(snap *store.Snapshot, id string) sharpeyes.Camera {
	if i, ok := snap.Index(id); ok {
		return snap.MatchView(i)
	}
	return sharpeyes.Camera{ID: id}
}

// visible returns the events of cameras that w's filter lets through; a
// camera gone from the inventory passes only an empty filter.
func visible(w *Webhook, snap *store.Snapshot, evs []Event) []Event {
	var out []Event
	for _, ev := range evs {
		cam := matchFields(snap, ev.CameraID)
		if w.Filter.Match(&cam) {
			out = append(out, ev)
		}
	}
	return out
}

// unsilenced drops the events of cameras under a silence active when the
// event happened or now. They stay recorded in the events stream and the
// outage history; only the notification is not sent.
func (c *consumer) unsilenced(snap *store.Snapshot, sl []sharpeyes.Silence, evs []Event, kind string, now time.Time) []Event {
	var out []Event
	for _, ev := range evs {
		cam := matchFields(snap, ev.CameraID)
		if silenced(sl, &cam, ev.At, now) {
			c.d.metrics.decided(kind, "silenced", 1)
			continue
		}
		out = append(out, ev)
	}
	return out
}

func silenced(sl []sharpeyes.Silence, cam *sharpeyes.Camera, at, now time.Time) bool {
	for _, s := range sl {
		if s.Matches(cam) && (s.ActiveAt(at) || s.ActiveAt(now)) {
			return true
		}
	}
	return false
}

func latestAt(evs []Event) time.Time {
	var t time.Time
	for _, ev := range evs {
		if ev.At.After(t) {
			t = ev.At
		}
	}
	return t
}

// plan builds w's deliveries for evs and records what was sent (the
// "sent down" markers that its resolution needs) before they are queued.
func (c *consumer) plan(ctx context.Context, w *Webhook, snap *store.Snapshot, b *batch, evs []Event) ([]store.Delivery, error) {
	sort.Slice(evs, func(i, j int) bool { return evs[i].CameraID < evs[j].CameraID })
	var alerts []Alert
	if b.kind == CameraDown && b.group != nil && len(evs) >= c.d.opts.GroupMin && wants(w, GroupDown) {
		alerts = append(alerts, groupAlert(w, snap, b, evs))
	} else if wants(w, b.kind) {
		for _, ev := range evs {
			cam, _ := snap.Get(ev.CameraID)
			alerts = append(alerts, Alert{Key: idempotencyKey(w.ID, ev.Type+"|"+ev.ID), Type: ev.Type, At: ev.At.UTC(),
				Cameras: []CameraRef{cameraRef(cam, ev.CameraID, ev.To, ev.Reason, ev.At)}})
		}
	}
	if len(alerts) == 0 {
		return nil, nil
	}
	if err := c.mark(ctx, w.ID, alerts); err != nil {
		return nil, err
	}
	ds := make([]store.Delivery, 0, len(alerts))
	for _, a := range alerts {
		d, err := c.d.delivery(w.ID, a)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
		c.d.metrics.decided(a.Type, "queued", 1)
	}
	return ds, nil
}

func groupAlert(w *Webhook, snap *store.Snapshot, b *batch, evs []Event) Alert {
	first := evs[0]
	for _, ev := range evs {
		if ev.ID < first.ID {
			first = ev
		}
	}
	g := *b.group
	g.ID = b.key + "@" + first.ID
	a := Alert{Key: idempotencyKey(w.ID, GroupDown+"|"+g.ID), Type: GroupDown, At: first.At.UTC(), Group: &g}
	for _, ev := range evs {
		cam, _ := snap.Get(ev.CameraID)
		a.Cameras = append(a.Cameras, cameraRef(cam, ev.CameraID, ev.To, ev.Reason, ev.At))
		if ev.At.Before(a.At) {
			a.At = ev.At.UTC()
		}
	}
	return a
}

// delivery wraps an alert for the outbox.
func (d *Dispatcher) delivery(webhook string, a Alert) (store.Delivery, error) {
	raw, err := json.Marshal(a)
	if err != nil {
		return store.Delivery{}, fmt.Errorf("encode alert %s: %w", a.Type, err)
	}
	now := d.now().UTC()
	return store.Delivery{Key: a.Key, Webhook: webhook, Type: a.Type, Payload: raw, CreatedAt: now, NextAt: now}, nil
}

// enqueue queues deliveries (each key once within twice MaxAge) and wakes
// the delivery loop.
func (d *Dispatcher) enqueue(ctx context.Context, ds []store.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	if _, err := d.store.Enqueue(ctx, ds, d.now(), 2*d.opts.MaxAge); err != nil {
		return err
	}
	d.kick()
	return nil
}
