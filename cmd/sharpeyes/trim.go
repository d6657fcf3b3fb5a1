package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// trimEvery is how often the trimmer trims; its lease outlives three
// turns, so that another process takes over within hours of its holder's
// death.
const trimEvery = time.Hour

// trimmer enforces history retention (see store's Retention) from serve
// or collect, while its process holds the trimming lease: one trimmer
// across all replicas.
type trimmer struct {
	s         *store.Store
	log       *slog.Logger
	owner     string
	retention time.Duration
	now       func() time.Time
}

func newTrimmer(s *store.Store, log *slog.Logger, retention time.Duration) *trimmer {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &trimmer{s: s, log: log, retention: retention, now: time.Now,
		owner: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// runTrimmer trims at start and then hourly until ctx ends, then gives the
// lease back.
func runTrimmer(ctx context.Context, log *slog.Logger, s *store.Store, retention time.Duration) {
	tr := newTrimmer(s, log, retention)
	defer tr.release()
	t := time.NewTicker(trimEvery)
	defer t.Stop()
	for {
		if _, err := tr.turn(ctx); err != nil && ctx.Err() == nil {
			log.Warn("trim history", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// turn trims once if this process holds (or takes) the lease, and reports
// whether it did.
func (tr *trimmer) turn(ctx context.Context) (bool, error) {
	ok, err := tr.s.RenewLease(ctx, store.TrimLeaseKey, tr.owner, 3*trimEvery) // takes it when free, extends it when ours
	if err != nil || !ok {
		return false, err
	}
	start := tr.now()
	before := start.Add(-tr.retention)
	if err := tr.s.TrimHistory(ctx, before); err != nil {
		return true, err
	}
	silences, err := tr.s.TrimSilences(ctx, before)
	if err != nil {
		return true, err
	}
	alerts, err := tr.s.TrimAlertState(ctx)
	if err != nil {
		return true, err
	}
	letters, err := tr.s.TrimDeadLetters(ctx, start.Add(-store.DeadLetterMaxAge))
	if err != nil {
		return true, err
	}
	tr.log.Info("history trimmed", "before", before.UTC().Format(time.RFC3339), "silences", silences,
		"alert_states", alerts, "dead_letters", letters, "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// release gives the lease back, so that another replica trims next.
func (tr *trimmer) release() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := tr.s.ReleaseLease(ctx, store.TrimLeaseKey, tr.owner); err != nil {
		tr.log.Warn("release the trimming lease", "error", err)
	}
}
