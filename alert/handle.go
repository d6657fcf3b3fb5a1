package alert

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// handleAll handles events in stream order. Those it could not handle
// (from the first failure on) are kept to be handled again first.
func (c *consumer) handleAll(ctx context.Context, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	snap, err := c.d.store.Snapshot(ctx)
	if err != nil {
		c.retry = append(c.retry, evs...)
		return err
	}
	for i, ev := range evs {
		if ev.At.IsZero() {
			ev.At = c.d.now()
		}
		if err := c.handle(ctx, snap, ev); err != nil {
			c.retry = append(c.retry, evs[i:]...)
			return err
		}
	}
	return nil
}

// supersede makes ev its camera's latest event when the camera has
// events waiting for a decision, so that they are no longer sent.
func (c *consumer) supersede(ev Event) {
	if _, ok := c.current[ev.CameraID]; ok {
		c.current[ev.CameraID] = ev.ID
	}
}

func (c *consumer) handle(ctx context.Context, snap *store.Snapshot, ev Event) error {
	switch {
	case (ev.Type == CameraDown || ev.Type == CameraDegraded) && ev.CameraID != "":
		c.buffer(snap, ev)
		return nil
	case ev.Type == CameraUp && ev.CameraID != "":
		c.supersede(ev)
		if err := c.resolve(ctx, snap, ev); err != nil {
			return err
		}
		if c.iso != nil && !ev.At.Before(c.iso.Since) {
			// A probe succeeded after the isolation: the collector's
			// network is back.
			if err := c.endIsolation(ctx, "a camera answered again"); err != nil {
				return err
			}
		}
	case ev.Type == CollectorIsolated:
		if err := c.isolated(ctx, ev); err != nil {
			return err
		}
	case ev.CameraID != "":
		// Other changes (to unknown) only end what a buffered down said.
		c.supersede(ev)
	}
	c.acks = append(c.acks, ev.ID)
	return nil
}

// isolation is in force from a collector.isolated event until probes
// succeed again. Meanwhile camera alerts are not sent (their events are
// still recorded); resolutions of downs sent before still are.
type isolation struct {
	Since    time.Time `json:"since"`
	Event    string    `json:"event"`
	Instance string    `json:"instance,omitempty"`
	Slot     string    `json:"slot,omitempty"`
	Probed   int       `json:"probed,omitempty"`
	Failed   int       `json:"failed,omitempty"`
}

// isolationField is the global alert state field holding the isolation.
const isolationField = "isolated"

// isolated starts an isolation and sends its one collector.isolated
// alert; further isolated sweeps during it send nothing. The alert is
// queued before the isolation is recorded, so that a crash in between
// repeats the alert (same key) rather than losing it.
func (c *consumer) isolated(ctx context.Context, ev Event) error {
	if c.iso != nil || ev.At.Before(c.d.now().Add(-c.d.opts.MaxAge)) {
		return nil
	}
	hooks, err := c.webhooks(ctx)
	if err != nil {
		return err
	}
	ref := &IsolationRef{Instance: ev.Instance, Slot: ev.Slot, Probed: ev.Probed, Failed: ev.Failed}
	for _, w := range hooks {
		if !wants(w, CollectorIsolated) {
			continue
		}
		a := Alert{Key: idempotencyKey(w.ID, CollectorIsolated+"|"+ev.ID), Type: CollectorIsolated,
			At: ev.At.UTC(), Isolation: ref}
		if err := c.queue(ctx, w, []Alert{a}); err != nil {
			return err
		}
	}
	iso := &isolation{Since: ev.At.UTC(), Event: ev.ID, Instance: ev.Instance, Slot: ev.Slot,
		Probed: ev.Probed, Failed: ev.Failed}
	if err := c.d.store.SetAlertState(ctx, "", map[string]string{isolationField: mustJSON(iso)}); err != nil {
		return err
	}
	c.iso = iso
	c.d.log.Warn("collector isolated: camera alerts paused", "instance", ev.Instance,
		"probed", ev.Probed, "failed", ev.Failed)
	return nil
}

func (c *consumer) loadIsolation(ctx context.Context) error {
	st, err := c.d.store.AlertState(ctx, "", []string{isolationField})
	if err != nil {
		return err
	}
	c.iso = nil
	if raw, ok := st[isolationField]; ok {
		var iso isolation
		if json.Unmarshal([]byte(raw), &iso) == nil {
			c.iso = &iso
		}
	}
	return nil
}

// checkIsolationOver ends the isolation once a sweep that started after
// it was not isolated.
func (c *consumer) checkIsolationOver(ctx context.Context) error {
	if c.iso == nil {
		return nil
	}
	sum, err := c.d.store.LastSweep(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !sum.Isolated && sum.Start.After(c.iso.Since) {
		return c.endIsolation(ctx, "a later sweep was not isolated")
	}
	return nil
}

func (c *consumer) endIsolation(ctx context.Context, why string) error {
	if err := c.d.store.DeleteAlertState(ctx, "", isolationField); err != nil {
		return err
	}
	c.d.log.Info("collector isolation over: camera alerts resume", "why", why, "since", c.iso.Since)
	c.iso = nil
	return nil
}
