package report

import (
	"log/slog"
	"strings"
	"time"

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

// lifeChange is a lifecycle change as the report cache holds it: 24
// bytes (with its time in the entry's score) instead of 72 and the stored
// member it was cut from. Lifecycles are codes (lcPlanned…; lcNone for
// none or one this version does not know).
type lifeChange struct {
	cam      string
	from, to uint8
}

const lcNone = lcRetired + 1 // codeOf gives len(sharpeyes.Lifecycles) for what is not in it

// change returns c as the lifecycle change it stands for, made at ms.
func (c lifeChange) change(ms int64) sharpeyes.LifecycleChange {
	lc := func(code uint8) sharpeyes.Lifecycle {
		if code < lcNone {
			return sharpeyes.Lifecycles[code]
		}
		return ""
	}
	return sharpeyes.LifecycleChange{CameraID: c.cam, From: lc(c.from), To: lc(c.to), At: time.UnixMilli(ms).UTC()}
}

// newLifecycleHistory caches lifecycle changes as they are stored. Their
// times are whole milliseconds, the members' scores.
func newLifecycleHistory(s *store.Store, log *slog.Logger) *history[sharpeyes.LifecycleChange, lifeChange] {
	return &history[sharpeyes.LifecycleChange, lifeChange]{
		name: "lifecycle", log: log, read: s.LifecyclePage, reset: func() {}, page: pageSize,
		conv: func(c sharpeyes.LifecycleChange) (lifeChange, int64) {
			// The id is cut from the whole member: a copy keeps only it.
			return lifeChange{cam: strings.Clone(c.CameraID), from: codeOf(c.From, sharpeyes.Lifecycles),
				to: codeOf(c.To, sharpeyes.Lifecycles)}, c.At.UnixMilli()
		},
	}
}

// newKnownHistory caches when each camera's state was first known: the
// camera id, with the time (whole milliseconds) as the entry's score.
func newKnownHistory(s *store.Store, log *slog.Logger) *history[store.KnownRecord, string] {
	return &history[store.KnownRecord, string]{
		name: "known", log: log, read: s.KnownPage, reset: func() {}, page: pageSize,
		conv: func(k store.KnownRecord) (string, int64) {
			return k.CameraID, k.Since.UnixMilli()
		},
	}
}
