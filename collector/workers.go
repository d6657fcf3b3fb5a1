package collector

import (
	"context"
	"sync"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// dispatch starts a probe per camera of sr, as worker slots free up, and
// hands the shard to the writer once every probe finished. A shard whose
// probes were cut short by ctx is dropped: a cancelled probe says nothing
// about the camera.
func (c *Collector) dispatch(ctx context.Context, sr *shardRun, creds map[string]sharpeyes.Credentials, w *writer) {
	var probes sync.WaitGroup
	started := 0
	for i, cam := range sr.cams {
		acquired := false
		select {
		case c.sem <- struct{}{}:
			acquired = true
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			if acquired {
				<-c.sem
			}
			break
		}
		started++
		cred := creds[cam.ID]
		probes.Go(func() {
			defer func() { <-c.sem }()
			c.probeOne(ctx, sr, i, cred)
		})
	}
	if started < len(sr.cams) {
		sr.tainted.Store(true)
	}
	w.claimed()
	w.inflight.Add(1)
	go func() {
		defer w.inflight.Done()
		probes.Wait()
		if sr.tainted.Load() {
			c.release(ctx, sr)
			w.tally.dropped.Add(int64(len(sr.cams)))
			w.dropShard()
			return
		}
		w.in <- sr
	}()
}

// probeOne probes camera i of sr within the probe timeout. A probe that
// ended because ctx was cancelled taints the shard instead of recording a
// result.
func (c *Collector) probeOne(ctx context.Context, sr *shardRun, i int, cred sharpeyes.Credentials) {
	cam := sr.cams[i]
	pctx, cancel := context.WithTimeout(ctx, c.o.ProbeTimeout)
	defer cancel()
	prev := prevOf(sr, cam.ID)
	t := probe.CameraTarget(cam, cred, prev)
	t.MaxClockDrift = c.o.MaxClockDrift
	r := c.o.Probe(pctx, t)
	if ctx.Err() != nil {
		sr.tainted.Store(true)
		return
	}
	r.Steps, r.Codecs = nil, nil // only `sharpeyes probe` shows them
	sr.results[i], sr.at[i] = r, c.o.Now()
	if c.o.OnProbe != nil {
		c.o.OnProbe(string(cam.Probe), r.Reason, r.Latency)
	}
}
