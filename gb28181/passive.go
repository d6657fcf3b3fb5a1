package gb28181

import (
	"context"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// Defaults of the passive evaluator.
const (
	// DefaultEvalInterval is how often the passive statuses are evaluated
	// when nothing happens in between (registrations, unregistrations
	// and catalogs trigger an evaluation at once).
	DefaultEvalInterval = 5 * time.Second
	// DefaultRefresh is how old a passive status may grow before it is
	// written again although nothing changed, so that it does not look
	// stale (the status summary counts cameras not probed for two sweep
	// intervals).
	DefaultRefresh = time.Minute
)

// passiveThresholds: the keepalive timeout already is the passive
// failure threshold, so one verdict changes the state.
var passiveThresholds = collector.Thresholds{Failure: 1, Recovery: 1}

// signalling is what the platform knows of one device's link at now: ok,
// or the reason it is lost.
func signalling(d store.GBDevice, now time.Time, timeout time.Duration) (ok bool, reason string) {
	v := view(d, now, timeout)
	switch {
	case !v.Registered:
		return false, sharpeyes.ReasonUnregistered
	case !v.Online:
		return false, sharpeyes.ReasonKeepaliveTimeout
	}
	return true, ""
}

// Run evaluates passive statuses until ctx ends: every EvalInterval and
// at once after a registration, an unregistration or a catalog. Only the
// holder of the store's evaluator lease (one serve replica) writes, so two
// replicas never fight over a device. It returns when ctx ends.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(s.o.EvalInterval)
	defer t.Stop()
	held := false
	defer func() {
		if held {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = s.o.Store.ReleaseLease(rctx, store.KeyGBEvalLease, s.o.Instance)
			cancel()
		}
	}()
	for {
		held = s.lease(ctx, held)
		if held {
			if err := s.Evaluate(ctx); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("gb28181 passive status", "error", err)
			} else if err == nil {
				s.evals.Add(1)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.kicks:
		}
	}
}

// lease takes or renews the evaluator lease and says whether it is held.
func (s *Server) lease(ctx context.Context, held bool) bool {
	ttl := 3 * s.o.EvalInterval
	var ok bool
	var err error
	if held {
		ok, err = s.o.Store.RenewLease(ctx, store.KeyGBEvalLease, s.o.Instance, ttl)
	} else {
		ok, err = s.o.Store.TryLease(ctx, store.KeyGBEvalLease, s.o.Instance, ttl)
	}
	if err != nil {
		s.o.Logger.Debug("gb28181 evaluator lease", "error", err)
		return false
	}
	return ok
}

// Evaluations counts the evaluations Run completed.
func (s *Server) Evaluations() int64 { return s.evals.Load() }

// kick asks Run for an evaluation now.
func (s *Server) kick() {
	select {
	case s.kicks <- struct{}{}:
	default:
	}
}

// Evaluate writes the passive status of every channel once, through the
// same status write as the collector's probes (state machine, events,
// outages): a passive channel is up while its device is registered and
// kept alive and the catalog does not say OFF, else down with
// unregistered, keepalive_timeout or channel_off. A status is written when
// its state or reason changes or it is older than Refresh. Cameras with
// an active probe are not written; the set of those whose signalling is
// lost is, for the collector. It returns an error when the store fails.
func (s *Server) Evaluate(ctx context.Context) error {
	now := s.o.Now()
	devs, err := s.o.Store.GBDevices(ctx)
	if err != nil {
		return err
	}
	cats, err := s.o.Store.GBCatalogs(ctx)
	if err != nil {
		return err
	}
	var ids []string
	for _, c := range cats {
		for _, ch := range c.Channels {
			ids = append(ids, ch.ID)
		}
	}
	cams, err := s.o.Store.CamerasByID(ctx, ids)
	if err != nil {
		return err
	}
	prev, err := s.o.Store.Statuses(ctx, ids)
	if err != nil {
		return err
	}
	lost := map[string]string{}
	var writes []store.StatusWrite
	for _, d := range devs {
		ok, reason := signalling(d, now, s.o.KeepaliveTimeout)
		for _, ch := range cats[d.ID].Channels {
			cam, found := cams[ch.ID]
			if !found || cam.GBDevice != d.ID || !cam.Lifecycle.Probed() {
				continue
			}
			if !cam.Probe.Passive() {
				if !ok {
					lost[cam.ID] = reason
				}
				continue
			}
			r := probe.Result{State: sharpeyes.StateUp}
			switch {
			case !ok:
				r = probe.Result{State: sharpeyes.StateDown, Reason: reason}
			case ch.Off:
				r = probe.Result{State: sharpeyes.StateDown, Reason: sharpeyes.ReasonChannelOff}
			}
			if w, due := s.passiveWrite(cam.ID, prev, r, now); due {
				writes = append(writes, w)
			}
		}
	}
	if len(writes) > 0 {
		if _, _, err := s.o.Store.ApplyStatuses(ctx, writes); err != nil {
			return err
		}
	}
	return s.o.Store.SetGBSignallingLost(ctx, lost)
}

// passiveWrite is the status write of one passive verdict, and whether it
// is due: the state or (up to down) the reason changes, or the stored
// status is older than Refresh. Conflicting writes (another writer got
// there first) are left to the next evaluation.
func (s *Server) passiveWrite(id string, prev map[string]sharpeyes.Status, r probe.Result, now time.Time) (store.StatusWrite, bool) {
	p, ok := prev[id]
	if !ok {
		p = sharpeyes.Unknown()
	}
	changed := p.State != r.State || p.State != sharpeyes.StateDown && p.Reason != r.Reason
	if !changed && now.Sub(p.LastProbe) < s.o.Refresh {
		return store.StatusWrite{}, false
	}
	next, ev := collector.Next(p, r, now, passiveThresholds)
	if ev != nil {
		ev.CameraID = id
	}
	return store.StatusWrite{ID: id, Prev: p, Next: next, Event: ev}, true
}
