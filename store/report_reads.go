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

// StateVersion identifies what the state sets hold: every state change
// appends to the events stream (LastEvent is its last entry's id), and
// Delete changes the sets' sizes (Counts: up, degraded, down). Reports
// cache what they derive from the sets under it. The sets of a partition
// change before their events reach the stream (see partition.go), so
// readers read the version before the sets: data newer than its version
// is read again at the next change, never the other way round.
type StateVersion struct {
	LastEvent string
	Counts    [3]int64
}

// StateVersion returns the current StateVersion.
func (s *Store) StateVersion(ctx context.Context) (StateVersion, error) {
	var v versionCmds
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
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
	cards [3][Partitions]*redis.IntCmd
}

func queueStateVersion(ctx context.Context, p redis.Pipeliner) versionCmds {
	v := versionCmds{last: p.XRevRangeN(ctx, keyEvents, "+", "-", 1)}
	for i := range knownStates {
		for pi := range parts {
			v.cards[i][pi] = p.SCard(ctx, parts[pi].state[i])
		}
	}
	return v
}

func (v versionCmds) version() StateVersion {
	var sv StateVersion
	if m := v.last.Val(); len(m) > 0 {
		sv.LastEvent = m[0].ID
	}
	for i := range v.cards {
		for _, c := range v.cards[i] {
			sv.Counts[i] += c.Val()
		}
	}
	return sv
}

// knownStates are the states with a set, in the order of
// StateVersion.Counts (and of sharpeyes.States).
var knownStates = []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown}

// StateMembers returns the ids of the cameras in each known state (up,
// degraded, down), read from the state sets, with their StateVersion. A camera in none of the sets has never been probed
// (unknown). Deleted cameras do not appear: Delete removes them from the
// sets. The version's last event is read before the sets and its counts
// are the sizes of the sets read.
func (s *Store) StateMembers(ctx context.Context) (map[sharpeyes.State][]string, StateVersion, error) {
	last, err := s.rdb.XRevRangeN(ctx, keyEvents, "+", "-", 1).Result()
	if err != nil {
		return nil, StateVersion{}, fmt.Errorf("read state version: %w", err)
	}
	var v StateVersion
	if len(last) > 0 {
		v.LastEvent = last[0].ID
	}
	cmds, err := s.readStateSets(ctx)
	if err != nil {
		return nil, StateVersion{}, err
	}
	out := make(map[sharpeyes.State][]string, len(knownStates))
	for i, st := range knownStates {
		var ids []string
		for _, c := range cmds[i] {
			ids = append(ids, c.Val()...)
		}
		out[st] = ids
		v.Counts[i] = int64(len(ids))
	}
	return out, v, nil
}

// readStateSets reads every partition's state sets (up, degraded, down).
func (s *Store) readStateSets(ctx context.Context) ([3][Partitions]*redis.StringSliceCmd, error) {
	var cmds [3][Partitions]*redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range knownStates {
			for pi := range parts {
				cmds[i][pi] = p.SMembers(ctx, parts[pi].state[i])
			}
		}
		return nil
	})
	if err != nil {
		return cmds, fmt.Errorf("read state sets: %w", err)
	}
	return cmds, nil
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
// have been trimmed away, so that the changes are incomplete), the stream
// read in one transaction. An empty after (the stream was empty) reads from the
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
		last  *redis.XMessageSliceCmd
	)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		first = p.XRangeN(ctx, keyEvents, "-", "+", 1)
		msgs = p.XRangeN(ctx, keyEvents, start, "+", int64(limit))
		last = p.XRevRangeN(ctx, keyEvents, "+", "-", 1)
		return nil
	})
	if err != nil {
		return nil, StateVersion{}, false, fmt.Errorf("read state changes: %w", err)
	}
	// The sets' sizes are read after the stream: a change whose event is
	// not copied yet makes them disagree with the changes, and the caller
	// reads the sets in full.
	v := versionCmds{last: last}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		v.cards = queueStateVersion(ctx, p).cards
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
