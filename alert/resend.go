package alert

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Re-sending to Alertmanager. An alert posted to Alertmanager without
// endsAt is resolved by Alertmanager itself after its resolve_timeout
// (default 5m) unless it is posted again. So, while it holds the consumer
// lease, the dispatcher re-sends every ResendInterval (default 1m) the
// alerts each alertmanager webhook has open: those its alert state marks
// as sent and not yet resolved (resolve.go: the camera and group markers)
// and the isolation in force, each with its first startsAt. A re-send is
// one delivery (Resend) per webhook and tick, in the webhook's queue like
// any other, so it never overtakes a resolution queued after it; a tick
// queues nothing for a webhook whose queue is not empty (the Alertmanager
// is behind: the alerts waiting there keep it up to date once it answers).

// resendBatch bounds the alerts of one re-send delivery.
const resendBatch = 500

// resend queues the re-sends when they are due.
func (c *consumer) resend(ctx context.Context) error {
	now := c.d.now()
	if now.Before(c.nextResend) {
		return nil
	}
	hooks, err := c.webhooks(ctx)
	if err != nil {
		return err
	}
	var snap *store.Snapshot
	for _, w := range hooks {
		if w.Format != FormatAlertmanager {
			continue
		}
		if n, err := c.d.store.OutboxLen(ctx, w.ID); err != nil || n > 0 {
			if err != nil {
				return err
			}
			continue
		}
		if snap == nil {
			if snap, err = c.d.store.Snapshot(ctx); err != nil {
				return err
			}
		}
		if err := c.resendTo(ctx, w, snap, now); err != nil {
			return err
		}
	}
	c.nextResend = now.Add(c.d.opts.ResendInterval)
	return nil
}

// resendTo queues one webhook's open alerts again.
func (c *consumer) resendTo(ctx context.Context, w *Webhook, snap *store.Snapshot, now time.Time) error {
	state, err := c.d.store.AllAlertState(ctx, w.ID)
	if err != nil {
		return err
	}
	open := openAlerts(state, snap)
	if c.iso != nil && wants(w, CollectorIsolated) {
		open = append(open, Alert{Type: CollectorIsolated, At: c.iso.Since,
			Isolation: &IsolationRef{Instance: c.iso.Instance, Slot: c.iso.Slot, Probed: c.iso.Probed, Failed: c.iso.Failed}})
	}
	tick := strconv.FormatInt(now.UnixMilli(), 10)
	var alerts []Alert
	for i := 0; i < len(open); i += resendBatch {
		part := open[i:min(i+resendBatch, len(open))]
		alerts = append(alerts, Alert{Key: idempotencyKey(w.ID, Resend+"|"+tick+"|"+strconv.Itoa(i)),
			Type: Resend, At: now.UTC(), Alerts: part})
	}
	return c.queue(ctx, w, alerts)
}

// openAlerts rebuilds, from a webhook's alert state, the alerts it was
// sent and that are not resolved: each camera's own (with its record as
// the snapshot has it now) and each group's, in a stable order.
func openAlerts(state map[string]string, snap *store.Snapshot) []Alert {
	var out []Alert
	fields := make([]string, 0, len(state))
	for f := range state {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f, "cam:"):
			id := strings.TrimPrefix(f, "cam:")
			cam, _ := snap.Get(id)
			for _, o := range decodeOpen(state[f]) {
				if o.Group != "" || (o.Type != CameraDown && o.Type != CameraDegraded) {
					continue // a group's camera: the group's alert stands for it
				}
				st := sharpeyes.StateDown
				if o.Type == CameraDegraded {
					st = sharpeyes.StateDegraded
				}
				out = append(out, Alert{Type: o.Type, At: o.Since.UTC(),
					Cameras: []CameraRef{cameraRef(cam, id, st, o.Reason, o.Since)}})
			}
		case strings.HasPrefix(f, "grp:"):
			var g openGroup
			if json.Unmarshal([]byte(state[f]), &g) != nil {
				continue
			}
			grp := g.Group
			out = append(out, Alert{Type: GroupDown, At: g.Since.UTC(), Group: &grp, Cameras: g.Cameras})
		}
	}
	return out
}
