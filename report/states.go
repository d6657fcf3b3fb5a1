package report

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// fleetCache keeps the state of every camera of the current snapshot and
// the selections of recent filters. A dashboard asking for coverage every
// few seconds then costs two small Redis round trips, not a read of
// 100,000 ids: the states are refreshed only when the store's
// StateVersion moves, and then by replaying the state changes of the
// events stream since the version held. A full read of the state sets
// happens on the first load, after a new snapshot, when the stream was
// trimmed past the version held, or when the replay does not reproduce
// the sets' sizes.
type fleetCache struct {
	mu    sync.Mutex
	snap  *store.Snapshot
	ver   store.StateVersion
	codes []uint8 // state code by snapshot index, replaced (never changed) on refresh
	// extra counts, per known state, set members that are not cameras of
	// the snapshot (a status written just as its camera was deleted).
	extra [3]int64
	// sels are the selections of filters without a state (valid for the
	// snapshot), stateSels those with one (valid for codes).
	sels, stateSels map[sharpeyes.Filter]*selection
	// fullReads counts reads of the whole sets, for tests and logs.
	fullReads int
}

// Bounds of the cache: selections kept per map, and state changes replayed
// before a full read is cheaper.
const (
	maxSelections = 32
	maxReplay     = 20_000
)

// refresh brings codes up to date with the store, replaying state changes
// when it can and reading the sets in full when it must.
func (c *fleetCache) refresh(ctx context.Context, s *store.Store, log *slog.Logger) error {
	c.stateSels = make(map[sharpeyes.Filter]*selection)
	if c.codes != nil {
		ok, err := c.replay(ctx, s)
		if err != nil || ok {
			return err
		}
		log.Debug("report states out of step, reading the state sets")
	}
	members, ver, err := s.StateMembers(ctx)
	if err != nil {
		return fmt.Errorf("report states: %w", err)
	}
	codes := make([]uint8, c.snap.Len())
	for i := range codes {
		codes[i] = stUnknown
	}
	for st, ids := range members {
		code := stateCode(st)
		for _, id := range ids {
			if i, ok := c.snap.Index(id); ok {
				codes[i] = code
			}
		}
	}
	held := countCodes(codes)
	for i := range c.extra {
		c.extra[i] = ver.Counts[i] - held[i]
	}
	c.codes, c.ver = codes, ver
	c.fullReads++
	return nil
}

// replay applies the state changes since c.ver to a copy of codes and
// keeps it when the result agrees with the sets' sizes.
func (c *fleetCache) replay(ctx context.Context, s *store.Store) (bool, error) {
	changes, ver, complete, err := s.StateChanges(ctx, c.ver.LastEvent, maxReplay)
	if err != nil {
		return false, fmt.Errorf("report states: %w", err)
	}
	if !complete || len(changes) >= maxReplay {
		return false, nil
	}
	codes := slices.Clone(c.codes)
	for _, ch := range changes {
		if i, ok := c.snap.Index(ch.CameraID); ok {
			codes[i] = stateCode(ch.To)
		}
	}
	held := countCodes(codes)
	for i := range held {
		if held[i]+c.extra[i] != ver.Counts[i] {
			return false, nil
		}
	}
	c.codes, c.ver = codes, ver
	return true, nil
}

// countCodes counts codes in each known state (up, degraded, down).
func countCodes(codes []uint8) [3]int64 {
	var n [3]int64
	for _, c := range codes {
		if c < stUnknown {
			n[c]++
		}
	}
	return n
}
