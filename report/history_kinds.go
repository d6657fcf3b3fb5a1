package report

import (
	"log/slog"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// closedOutage is a closed outage as the report cache holds it: 24 bytes
// instead of about 200, since a province keeps millions. Camera ids and
// reasons are interned in the cache's tables.
type closedOutage struct {
	cam        int32 // index into outageTables.ids
	reason     int32 // index into outageTables.reasons
	start, end int64 // unix ns
}

// outageTables intern camera ids and reasons. They only grow until the
// next full load, and are read under the history's lock.
type outageTables struct {
	ids       []string
	idIndex   map[string]int32
	reasons   []string
	reasonIdx map[string]int32
}

func (t *outageTables) clear() {
	*t = outageTables{idIndex: make(map[string]int32), reasonIdx: make(map[string]int32)}
}

func intern(s string, list *[]string, index map[string]int32) int32 {
	if i, ok := index[s]; ok {
		return i
	}
	i := int32(len(*list))
	*list = append(*list, s)
	index[s] = i
	return i
}

// outageHistory is the closed-outage cache with its tables.
type outageHistory struct {
	*history[store.OutageRecord, closedOutage]
	tables *outageTables
}

func newOutageHistory(s *store.Store, log *slog.Logger) outageHistory {
	t := &outageTables{}
	t.clear()
	h := &history[store.OutageRecord, closedOutage]{
		name: "outages", log: log, read: s.OutagePage, reset: t.clear, page: pageSize,
		conv: func(o store.OutageRecord) (closedOutage, int64) {
			return closedOutage{
				cam:    intern(o.CameraID, &t.ids, t.idIndex),
				reason: intern(o.Reason, &t.reasons, t.reasonIdx),
				start:  o.Start.UnixNano(),
				end:    o.End.UnixNano(),
			}, o.End.UnixMilli()
		},
	}
	return outageHistory{history: h, tables: t}
}

// newLifecycleHistory caches lifecycle changes as they are stored; their
// times come back from the store in UTC, so equal changes compare equal.
func newLifecycleHistory(s *store.Store, log *slog.Logger) *history[sharpeyes.LifecycleChange, sharpeyes.LifecycleChange] {
	return &history[sharpeyes.LifecycleChange, sharpeyes.LifecycleChange]{
		name: "lifecycle", log: log, read: s.LifecyclePage, reset: func() {}, page: pageSize,
		conv: func(c sharpeyes.LifecycleChange) (sharpeyes.LifecycleChange, int64) {
			return c, c.At.UnixMilli()
		},
	}
}

// newKnownHistory caches when each camera's state was first known.
func newKnownHistory(s *store.Store, log *slog.Logger) *history[store.KnownRecord, store.KnownRecord] {
	return &history[store.KnownRecord, store.KnownRecord]{
		name: "known", log: log, read: s.KnownPage, reset: func() {}, page: pageSize,
		conv: func(k store.KnownRecord) (store.KnownRecord, int64) {
			return k, k.Since.UnixMilli()
		},
	}
}
