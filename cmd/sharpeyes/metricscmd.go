package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/metrics"
	"github.com/sharpeyes/sharpeyes/store"
)

// stateCounter feeds the cameras gauge: probed cameras (active or
// building) by state, lifecycle and district, from one read of the state
// sets and the inventory snapshot. The active ones are the cameras the
// console's coverage counts (a camera in no state set is unknown).
func stateCounter(s *store.Store) func(ctx context.Context) ([]metrics.StateCount, error) {
	return func(ctx context.Context) ([]metrics.StateCount, error) {
		members, _, err := s.StateMembers(ctx)
		if err != nil {
			return nil, err
		}
		snap, err := s.Snapshot(ctx)
		if err != nil {
			return nil, err
		}
		state := make(map[string]sharpeyes.State)
		for st, ids := range members {
			for _, id := range ids {
				state[id] = st
			}
		}
		type key struct{ state, lifecycle, region string }
		counts := map[key]int{}
		for i := range snap.Len() {
			lc := snap.Lifecycle(i)
			if !lc.Probed() {
				continue
			}
			st, ok := state[snap.ID(i)]
			if !ok {
				st = sharpeyes.StateUnknown
			}
			counts[key{string(st), string(lc), sharpeyes.RegionLevel(snap.Region(i), 1)}]++
		}
		out := make([]metrics.StateCount, 0, len(counts))
		for k, n := range counts {
			out = append(out, metrics.StateCount{State: k.state, Lifecycle: k.lifecycle, Region: k.region, Count: n})
		}
		return out, nil
	}
}

// serveMetrics serves m on ln at /metrics in bg until ctx ends (for
// `collect --metrics-listen`, which has no API to carry it).
func serveMetrics(ctx context.Context, log *slog.Logger, ln net.Listener, m *metrics.Metrics, bg *sync.WaitGroup) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	log.Info("serving metrics", "listen", ln.Addr().String())
	bg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "error", err)
		}
	})
	bg.Go(func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("metrics server shutdown", "error", fmt.Errorf("shutdown: %w", err))
		}
	})
}
