package collector

import (
	"context"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
	"github.com/sharpeyes/sharpeyes/store"
)

// outcome is one camera's probe result waiting to be written.
type outcome struct {
	sr *shardRun
	i  int
}

func (o outcome) write(prev sharpeyes.Status, th Thresholds) store.StatusWrite {
	cam, r := o.sr.cams[o.i], o.sr.results[o.i]
	next, ev := Next(prev, r, o.sr.at[o.i], th)
	if r.Auth != "" {
		next.AuthAddr = probe.AuthAddr(cam)
	}
	if ev != nil {
		ev.CameraID = cam.ID
	}
	return store.StatusWrite{ID: cam.ID, Prev: prev, Next: next, Event: ev}
}

func (o outcome) result() probe.Result { return o.sr.results[o.i] }

// write computes and writes the next status of every camera of the
// shards, and returns the shards to mark done. Shards whose lease was lost
// are dropped (their new owner probes them again); so is everything when
// Redis stays unavailable past the deadline.
func (w *writer) write(batch []*shardRun) []*shardRun {
	var live []*shardRun
	var writes []store.StatusWrite
	byID := make(map[string]outcome)
	for _, sr := range batch {
		if sr.lost.Load() {
			sr.stop()
			w.tally.sum.Dropped += len(sr.cams)
			continue
		}
		live = append(live, sr)
		for i, cam := range sr.cams {
			o := outcome{sr, i}
			sw := o.write(prevOf(sr, cam.ID), w.c.o.Thresholds)
			byID[cam.ID] = o
			writes = append(writes, sw)
			r := o.result()
			w.tally.count(r.Reason, r.State == sharpeyes.StateDown, sw.Next.State)
		}
	}
	conflicts, ok := w.apply(writes)
	if !ok {
		w.tally.sum.Dropped += len(writes)
		for _, sr := range live {
			sr.stop()
		}
		return nil
	}
	w.resolve(conflicts, byID)
	return live
}

// apply writes with retries and returns the conflicting ids, or false when
// Redis stayed unavailable. A retry after a failed attempt is safe: what
// the failed attempt did write comes back as a conflict.
func (w *writer) apply(writes []store.StatusWrite) ([]string, bool) {
	if len(writes) == 0 {
		return nil, true
	}
	var conflicts []string
	err := retry(w.ctx, func(ctx context.Context) error {
		var err error
		_, conflicts, err = w.c.o.Store.ApplyStatuses(ctx, writes)
		return err
	}, w.trouble)
	if err != nil {
		w.giveUp(err)
		return nil, false
	}
	skip := make(map[string]bool, len(conflicts))
	for _, id := range conflicts {
		skip[id] = true
	}
	for _, sw := range writes {
		if !skip[sw.ID] {
			w.tally.sum.Written++
			if sw.Event != nil {
				w.tally.sum.Events++
			}
		}
	}
	return conflicts, true
}

// resolve handles writes that found a newer status: a camera already
// probed in this sweep (by another replica, or by an attempt of ours that
// failed after writing) is left as it is; any other is recomputed from the
// stored status and written once more, and dropped if that conflicts too.
func (w *writer) resolve(conflicts []string, byID map[string]outcome) {
	if len(conflicts) == 0 {
		return
	}
	w.tally.sum.Conflicts += len(conflicts)
	var cur map[string]sharpeyes.Status
	err := retry(w.ctx, func(ctx context.Context) error {
		var err error
		cur, err = w.c.o.Store.Statuses(ctx, conflicts)
		return err
	}, w.trouble)
	if err != nil {
		w.giveUp(err)
		w.tally.sum.Dropped += len(conflicts)
		return
	}
	var again []store.StatusWrite
	for _, id := range conflicts {
		st, ok := cur[id]
		if !ok {
			st = sharpeyes.Unknown()
		}
		if !st.LastProbe.Before(w.p.start) {
			continue
		}
		again = append(again, byID[id].write(st, w.c.o.Thresholds))
	}
	still, ok := w.apply(again)
	if !ok {
		w.tally.sum.Dropped += len(again)
		return
	}
	w.tally.sum.Dropped += len(still)
}
