package report

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

// history is an in-process copy of a time-scored sorted set of the store
// (closed outages, lifecycle changes), refreshed incrementally: each
// refresh reads only the members scored above the newest one held, and
// drops those retention trimmed (scored below the set's lowest score).
//
// After a refresh the copy must have as many members as the set. When the
// counts differ, a member may have come late with a score not above the newest held
// (collectors on several hosts, a sweep writing results minutes after
// probing, two members of the same millisecond): the members of the last
// look-back period are read again and the missing ones merged in. When
// that does not make the counts agree either, the set changed in a way an
// incremental read cannot follow (flushed, rewritten, a member far out of
// order) and the copy is loaded again in full.
type history[S any, T comparable] struct {
	name string
	log  *slog.Logger
	read func(context.Context, store.PageQuery) (store.HistoryPage[S], error)
	// conv turns a stored member into its compact form and returns its
	// score (unix ms); reset clears conv's state before a full load.
	conv  func(S) (T, int64)
	reset func()
	page  int // members per read (pageSize; tests use less)

	mu      sync.RWMutex
	loaded  bool
	entries []entry[T] // in score order
	// delta is how many members the set held beyond the copy after the
	// last full load (members equal in compact form).
	delta int64
	// loads counts full loads, for tests and logs.
	loads int
}

type entry[T any] struct {
	ms int64
	v  T
}

// Reading pages of pageSize members; lookBack as above.
const (
	pageSize = 50_000
	lookBack = 15 * time.Minute
)

// histVersion identifies the content of a history's copy, for caches of
// what is derived from it.
type histVersion struct {
	loads, n    int
	first, last int64
}

// view refreshes the copy and calls fn with it and its version under a
// read lock; fn must not keep the slice. It returns the refresh's error
// without calling fn.
func (h *history[S, T]) view(ctx context.Context, fn func([]entry[T], histVersion)) error {
	if err := h.refresh(ctx); err != nil {
		return err
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	v := histVersion{loads: h.loads, n: len(h.entries)}
	if v.n > 0 {
		v.first, v.last = h.entries[0].ms, h.entries[v.n-1].ms
	}
	fn(h.entries, v)
	return nil
}

func (h *history[S, T]) refresh(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.loaded && len(h.entries) > 0 {
		last := h.entries[len(h.entries)-1].ms
		for _, from := range []int64{last, last - lookBack.Milliseconds()} {
			// First what is newer than the newest held, then the look-back.
			total, err := h.merge(ctx, from, from == last)
			if err != nil {
				return err
			}
			if int64(len(h.entries))+h.delta == total {
				return nil
			}
		}
		h.log.Info("report history out of step, reloading", "history", h.name, "held", len(h.entries))
	}
	start := time.Now()
	h.loaded, h.entries, h.delta = false, nil, 0
	h.reset()
	total, err := h.merge(ctx, math.MinInt64, false)
	if err != nil {
		return err
	}
	h.loaded, h.delta = true, total-int64(len(h.entries))
	h.loads++
	h.log.Debug("report history loaded", "history", h.name, "members", len(h.entries),
		"took", time.Since(start), "loads", h.loads)
	return nil
}

// merge reads the members scored from `from` on (above it when
// exclusive), adds those not held yet, drops those retention trimmed, and
// returns the set's size.
func (h *history[S, T]) merge(ctx context.Context, from int64, exclusive bool) (int64, error) {
	cut := len(h.entries)
	for !exclusive && cut > 0 && h.entries[cut-1].ms >= from {
		cut--
	}
	held := make(map[T]struct{}, len(h.entries)-cut)
	for _, e := range h.entries[cut:] {
		held[e.v] = struct{}{}
	}
	total, oldest, err := h.readFrom(ctx, store.PageQuery{MinMS: from, Exclusive: exclusive}, func(v T, ms int64) {
		if _, dup := held[v]; !dup {
			h.entries = append(h.entries, entry[T]{ms, v})
		}
	})
	// Late members make the new part unsorted; sort it even after an
	// error, since what was read stays.
	if region := h.entries[cut:]; !slices.IsSortedFunc(region, byMS) {
		slices.SortStableFunc(region, byMS)
	}
	if err != nil {
		return 0, err
	}
	if total == 0 {
		h.entries = h.entries[:0]
	} else if i, _ := slices.BinarySearchFunc(h.entries, oldest, cmpMS); i > 0 {
		h.entries = slices.Delete(h.entries, 0, i)
	}
	return total, nil
}

// readFrom reads every member from q's start on in pages and calls add for
// each once, even when a page ends inside a run of equal scores.
func (h *history[S, T]) readFrom(ctx context.Context, q store.PageQuery, add func(T, int64)) (total, oldest int64, err error) {
	q.Limit = h.page
	for {
		page, err := h.read(ctx, q)
		if err != nil {
			return 0, 0, err
		}
		if len(h.entries) == 0 && page.Total > 0 {
			h.entries = slices.Grow(h.entries, int(page.Total))
		}
		var last int64
		for _, s := range page.Items {
			v, ms := h.conv(s)
			add(v, ms)
			last = ms
		}
		if len(page.Items) < h.page {
			return page.Total, page.OldestMS, nil
		}
		// The page may end inside a run of equal scores: read that score
		// whole, skipping what the page held, then go on above it.
		seen := make(map[T]struct{})
		for i := len(page.Items) - 1; i >= 0; i-- {
			v, ms := h.conv(page.Items[i])
			if ms != last {
				break
			}
			seen[v] = struct{}{}
		}
		whole, err := h.read(ctx, store.PageQuery{MinMS: last, MaxMS: last, HasMax: true})
		if err != nil {
			return 0, 0, err
		}
		for _, s := range whole.Items {
			if v, ms := h.conv(s); ms == last {
				if _, dup := seen[v]; !dup {
					add(v, ms)
				}
			}
		}
		q = store.PageQuery{MinMS: last, Exclusive: true, Limit: h.page}
	}
}

func byMS[T any](a, b entry[T]) int { return compareInt(a.ms, b.ms) }

func cmpMS[T any](e entry[T], ms int64) int { return compareInt(e.ms, ms) }
