package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Read-side helpers for the report package: they answer what a report over
// 100,000 cameras needs without decoding every camera's status JSON.

// Index returns the position of the camera with id in sn.Cameras.
func (sn *Snapshot) Index(id string) (int, bool) {
	i, ok := sn.index[id]
	return i, ok
}

// StateVersion identifies what the state sets hold: every state change
// appends to the events stream (LastEvent is its last entry's id), and
// Delete changes the sets' sizes (Counts: up, degraded, down). Reports
// cache what they derive from the sets under it.
type StateVersion struct {
	LastEvent string
	Counts    [3]int64
}

// StateVersion returns the current StateVersion.
func (s *Store) StateVersion(ctx context.Context) (StateVersion, error) {
	var v versionCmds
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		v = queueStateVersion(ctx, p)
		return nil
	})
	if err != nil {
		return StateVersion{}, fmt.Errorf("read state version: %w", err)
	}
	return v.version(), nil
}

// versionCmds are the commands whose replies make a StateVersion.
type versionCmds struct {
	last  *redis.XMessageSliceCmd
	cards []*redis.IntCmd
}

func queueStateVersion(ctx context.Context, p redis.Pipeliner) versionCmds {
	v := versionCmds{last: p.XRevRangeN(ctx, keyEvents, "+", "-", 1)}
	for _, st := range knownStates {
		v.cards = append(v.cards, p.SCard(ctx, keyState(string(st))))
	}
	return v
}

func (v versionCmds) version() StateVersion {
	var sv StateVersion
	if m := v.last.Val(); len(m) > 0 {
		sv.LastEvent = m[0].ID
	}
	for i, c := range v.cards {
		sv.Counts[i] = c.Val()
	}
	return sv
}

// knownStates are the states with a set, in the order of
// StateVersion.Counts (and of sharpeyes.States).
var knownStates = []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown}

// StateMembers returns the ids of the cameras in each known state (up,
// degraded, down), read from the state sets, with the StateVersion read in
// the same transaction. A camera in none of the sets has never been probed
// (unknown). Deleted cameras do not appear: Delete removes them from the
// sets.
func (s *Store) StateMembers(ctx context.Context) (map[sharpeyes.State][]string, StateVersion, error) {
	cmds := make([]*redis.StringSliceCmd, len(knownStates))
	var v versionCmds
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, st := range knownStates {
			cmds[i] = p.SMembers(ctx, keyState(string(st)))
		}
		v = queueStateVersion(ctx, p)
		return nil
	})
	if err != nil {
		return nil, StateVersion{}, fmt.Errorf("read state sets: %w", err)
	}
	out := make(map[sharpeyes.State][]string, len(knownStates))
	for i, st := range knownStates {
		out[st] = cmds[i].Val()
	}
	return out, v.version(), nil
}

// StateChange is one camera state change of the events stream, as the
// report cache replays it.
type StateChange struct {
	StreamID string
	CameraID string
	To       sharpeyes.State
}

// StateChanges returns up to limit camera state changes recorded after the
// stream entry after, oldest first, with the StateVersion and whether the
// stream still reaches back to after (false when entries after it may
// have been trimmed away, so that the changes are incomplete), all read in
// one transaction. An empty after (the stream was empty) reads from the
// start and counts as complete: the stream cannot have been trimmed by
// more than its whole length since, which callers check with the sizes of
// the state sets.
func (s *Store) StateChanges(ctx context.Context, after string, limit int) (changes []StateChange, version StateVersion, complete bool, err error) {
	start := "(" + after
	if after == "" {
		start = "-"
	}
	var (
		first *redis.XMessageSliceCmd
		msgs  *redis.XMessageSliceCmd
		v     versionCmds
	)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		first = p.XRangeN(ctx, keyEvents, "-", "+", 1)
		msgs = p.XRangeN(ctx, keyEvents, start, "+", int64(limit))
		v = queueStateVersion(ctx, p)
		return nil
	})
	if err != nil {
		return nil, StateVersion{}, false, fmt.Errorf("read state changes: %w", err)
	}
	complete = after == "" || len(first.Val()) == 0 || !streamIDLess(after, first.Val()[0].ID)
	for _, m := range msgs.Val() {
		id, _ := m.Values["camera_id"].(string)
		to, _ := m.Values["to"].(string)
		if id != "" {
			changes = append(changes, StateChange{StreamID: m.ID, CameraID: id, To: sharpeyes.State(to)})
		}
	}
	return changes, v.version(), complete, nil
}

// streamIDLess compares two stream ids (ms-seq).
func streamIDLess(a, b string) bool {
	am, as := splitStreamID(a)
	bm, bs := splitStreamID(b)
	return am < bm || am == bm && as < bs
}

func splitStreamID(id string) (uint64, uint64) {
	ms, seq, _ := strings.Cut(id, "-")
	m, _ := strconv.ParseUint(ms, 10, 64)
	n, _ := strconv.ParseUint(seq, 10, 64)
	return m, n
}
