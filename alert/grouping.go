package alert

import (
	"context"
	"sort"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Grouping. Every camera.down waits GroupWindow in a batch keyed by the
// camera's uplink (or its township, region level 2, when it has none).
// When the window closes, each webhook gets one group.down naming the
// cameras of the batch it may see, if they are GroupMin or more, and a
// camera.down per camera otherwise. A camera that came back (or changed
// state again) within the window is left out. camera.degraded is never
// grouped: it makes a batch of its own, due at once.

// batch is a set of events decided together.
type batch struct {
	key    string
	group  *GroupRef // nil: never a group
	kind   string    // CameraDown or CameraDegraded
	events []Event
	due    time.Time
	// webhook, when set, limits the batch to one webhook whose
	// min_duration held it back.
	webhook string
}

// groupOf returns the batch key and group of a camera that went down.
func groupOf(c *sharpeyes.Camera, id string) (string, *GroupRef) {
	if c != nil && c.Uplink != "" {
		return "uplink:" + c.Uplink, &GroupRef{By: "uplink", Name: c.Uplink}
	}
	if c != nil && c.Region != "" {
		r := sharpeyes.RegionLevel(c.Region, 2)
		return "region:" + r, &GroupRef{By: "region", Name: r}
	}
	return "camera:" + id, nil
}

// buffer adds a camera.down or camera.degraded to its batch.
func (c *consumer) buffer(snap *store.Snapshot, ev Event) {
	c.current[ev.CameraID] = ev.ID
	c.refs[ev.ID]++
	c.pending[ev.CameraID]++
	now := c.d.now()
	if ev.Type == CameraDegraded {
		key := "degraded:" + ev.ID
		c.groups[key] = &batch{key: key, kind: CameraDegraded, events: []Event{ev}, due: now}
		return
	}
	cam := matchFields(snap, ev.CameraID)
	key, group := groupOf(&cam, ev.CameraID)
	b := c.groups[key]
	if b == nil {
		b = &batch{key: key, group: group, kind: CameraDown, due: now.Add(c.d.opts.GroupWindow)}
		c.groups[key] = b
	}
	b.events = append(b.events, ev)
}

// flush decides every batch that is due. A batch whose decision failed is
// tried again at the next poll.
func (c *consumer) flush(ctx context.Context) error {
	now := c.d.now()
	if err := c.checkIsolationOver(ctx); err != nil {
		return err
	}
	keys := make([]string, 0, len(c.groups))
	for k, b := range c.groups {
		if !b.due.After(now) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := c.decide(ctx, c.groups[k]); err != nil {
			return err
		}
		delete(c.groups, k)
	}
	held := c.held
	c.held = nil
	for i, b := range held {
		if b.due.After(now) {
			c.held = append(c.held, b)
			continue
		}
		if err := c.decide(ctx, b); err != nil {
			c.held = append(c.held, held[i:]...)
			return err
		}
	}
	return nil
}

// live returns the events of evs that are still their camera's latest.
func (c *consumer) live(evs []Event) []Event {
	var out []Event
	for _, ev := range evs {
		if c.current[ev.CameraID] == ev.ID {
			out = append(out, ev)
		}
	}
	return out
}

// hold keeps evs back for webhook wh until due (its min_duration).
func (c *consumer) hold(b *batch, wh string, evs []Event, due time.Time) {
	for _, ev := range evs {
		c.refs[ev.ID]++
		c.pending[ev.CameraID]++
	}
	c.held = append(c.held, &batch{key: b.key, group: b.group, kind: b.kind, events: evs, due: due, webhook: wh})
}
