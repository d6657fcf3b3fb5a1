package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Status writes are compare-and-set on Status.Seq, so that two collectors
// that computed the same transition from the same previous status cannot
// both record it: the second finds a newer Seq and gets a conflict instead
// of writing a second event.
//
// Each entry of se:{st}:events (copied there from the partition's relay
// list, see partition.go) is flat, readable with XRANGE or a consumer
// group:
//
//	type       camera.up | camera.degraded | camera.down (camera.<to>),
//	           or collector.isolated (see RecordIsolation)
//	camera_id  the camera ("" for collector.isolated)
//	from, to   states
//	reason     the reason of the new state
//	at         RFC 3339 time of the change, as the collector saw it
//
// Outages are kept for down only: an outage opens on any change to down and
// closes on the next change from down to up or degraded, since a degraded
// camera answers again (its stream may still be unhealthy, which its state
// says). A change between up and degraded touches no outage.

// EventsCap is the default bound of the events stream when SetEventsMax
// was not called: each append trims it to about that many entries (XADD
// MAXLEN ~, which cuts whole nodes, so it may run ~100 over), and
// TrimHistory trims it to exactly that many as well as by age.
const EventsCap = 1_000_000

// Event types of the events stream.
const (
	EventTypeCameraPrefix = "camera."
	EventTypeIsolated     = "collector.isolated"
)

// statusBatch is how many writes one script call carries.
const statusBatch = 500

// StatusWrite is one camera's new status, computed from Prev as it was read.
type StatusWrite struct {
	ID string
	// Prev is the status as read (with its Seq; Seq 0 for a camera never
	// written).
	Prev sharpeyes.Status
	// Next is written with Seq = Prev.Seq+1; its own Seq is ignored.
	Next sharpeyes.Status
	// Event is set when the state changes; its To must be Next.State.
	Event *sharpeyes.Event
}

// applyScript checks and writes a batch of statuses of one partition
// atomically. 9 arguments per write: id, prev seq, status JSON, new state,
// event relay entry ("" for none), outage op ("", "open", "close"),
// outage JSON (open) or its relay entry (close), probe time (unix ms),
// relay order.
// KEYS: the partition's status, up, degraded, down, open outages, probe
// index, relay list.
// The state sets change only when the stored state differs from the new
// one; the new state's set is always (idempotently) added to, and a camera
// that was in no known state records its first known time (a relay entry
// for ZADD NX). The probe index takes the probe time, or loses the camera
// when the status has none. It returns the writes applied, the conflicts
// and the relay list's length.
var applyScript = redis.NewScript(`
local sets = {up = KEYS[2], degraded = KEYS[3], down = KEYS[4]}
local conflicts = {}
local applied = 0
for i = 1, #ARGV, 9 do
  local id = ARGV[i]
  local raw = redis.call('HGET', KEYS[1], id)
  local seq, from = 0, nil
  if raw then
    local ok, st = pcall(cjson.decode, raw)
    if ok and type(st) == 'table' then
      if type(st.seq) == 'number' then seq = st.seq end
      from = st.state
    end
  end
  if seq == tonumber(ARGV[i+1]) + 1 and raw == ARGV[i+2] then
    applied = applied + 1
  elseif seq ~= tonumber(ARGV[i+1]) then
    conflicts[#conflicts+1] = id
  else
    local to = ARGV[i+3]
    redis.call('HSET', KEYS[1], id, ARGV[i+2])
    if from ~= to then
      for s, key in pairs(sets) do
        if s ~= to then redis.call('SREM', key, id) end
      end
    end
    if sets[to] then
      redis.call('SADD', sets[to], id)
      if not (type(from) == 'string' and sets[from]) then
        redis.call('RPUSH', KEYS[7], cjson.encode({'k', ARGV[i+8], ARGV[i+7], id}))
      end
    end
    if tonumber(ARGV[i+7]) > 0 then
      redis.call('ZADD', KEYS[6], ARGV[i+7], id)
    else
      redis.call('ZREM', KEYS[6], id)
    end
    if ARGV[i+4] ~= '' then
      redis.call('RPUSH', KEYS[7], ARGV[i+4])
    end
    if ARGV[i+5] == 'open' then
      redis.call('HSET', KEYS[5], id, ARGV[i+6])
    elseif ARGV[i+5] == 'close' then
      redis.call('HDEL', KEYS[5], id)
      redis.call('RPUSH', KEYS[7], ARGV[i+6])
    end
    applied = applied + 1
  end
end
return {applied, conflicts, redis.call('LLEN', KEYS[7])}
`)

func statusKeys(p int) []string {
	k := &parts[p]
	return []string{k.status, k.state[0], k.state[1], k.state[2], k.open, k.probed, k.relay}
}

// statusCall is one script call: a batch of writes of one partition.
type statusCall struct {
	part int
	args []any
}

// ApplyStatuses writes each status whose stored Seq still equals Prev.Seq,
// with its event and outage change, in batches of at most 500 writes of
// one partition that each apply atomically (one Lua script, pipelined
// EVALSHA with a fallback to loading the script), then copies the events
// and closed outages to the global history (see partition.go). Ids whose
// stored status changed since it was read are returned in conflicts and
// not written. On a Redis error some batches may have been applied:
// retrying the same writes is safe: a write whose very status is already
// stored (with Seq = Prev.Seq+1) counts as applied and records nothing
// again. go-redis itself re-sends a pipeline that outlived its read
// timeout, and such a retry used to report the first attempt's writes as
// conflicts.
func (s *Store) ApplyStatuses(ctx context.Context, writes []StatusWrite) (applied int, conflicts []string, err error) {
	var grouped [Partitions][]int
	for i, w := range writes {
		p := partitionOf(w.ID)
		grouped[p] = append(grouped[p], i)
	}
	base := time.Now().UnixNano()
	var calls []statusCall
	for p, idx := range grouped {
		for i := 0; i < len(idx); i += statusBatch {
			args, err := statusArgs(writes, idx[i:min(i+statusBatch, len(idx))], base)
			if err != nil {
				return 0, nil, err
			}
			calls = append(calls, statusCall{part: p, args: args})
		}
	}
	var relay []int
	for attempt := 0; len(calls) > 0; attempt++ {
		cmds, err := s.evalBatches(ctx, calls)
		if err != nil && !isNoScript(err) {
			return applied, conflicts, fmt.Errorf("write statuses: %w", err)
		}
		var again []statusCall
		for i, cmd := range cmds {
			if isNoScript(cmd.Err()) {
				again = append(again, calls[i])
				continue
			}
			n, c, pending, err := decodeApplied(cmd)
			if err != nil {
				return applied, conflicts, err
			}
			applied += n
			conflicts = append(conflicts, c...)
			if pending > 0 && !slices.Contains(relay, calls[i].part) {
				relay = append(relay, calls[i].part)
			}
		}
		if len(again) > 0 && attempt > 0 {
			return applied, conflicts, errors.New("write statuses: script cache keeps being flushed")
		}
		if len(again) > 0 {
			if err := loadEverywhere(ctx, s.rdb, applyScript); err != nil {
				return applied, conflicts, fmt.Errorf("load status script: %w", err)
			}
		}
		calls = again
	}
	if err := s.relayPartitions(ctx, relay); err != nil {
		return applied, conflicts, fmt.Errorf("write statuses: %w", err)
	}
	return applied, conflicts, nil
}

// loadEverywhere loads a script on every master (a Cluster's, or the one
// node): EVALSHA goes to the master of its keys' slot.
func loadEverywhere(ctx context.Context, rdb redis.UniversalClient, sc *redis.Script) error {
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			return sc.Load(ctx, m).Err()
		})
	}
	return sc.Load(ctx, rdb).Err()
}

func (s *Store) evalBatches(ctx context.Context, calls []statusCall) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, len(calls))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			cmds[i] = applyScript.EvalSha(ctx, p, statusKeys(c.part), c.args...)
		}
		return nil
	})
	return cmds, err
}

func isNoScript(err error) bool { return redis.HasErrorPrefix(err, "NOSCRIPT") }

func decodeApplied(cmd *redis.Cmd) (n int, conflicts []string, pending int64, err error) {
	res, err := cmd.Slice()
	if err != nil {
		return 0, nil, 0, fmt.Errorf("write statuses: %w", err)
	}
	if len(res) != 3 {
		return 0, nil, 0, fmt.Errorf("write statuses: unexpected reply %v", res)
	}
	applied, _ := res[0].(int64)
	list, _ := res[1].([]any)
	conflicts = make([]string, 0, len(list))
	for _, v := range list {
		if id, ok := v.(string); ok {
			conflicts = append(conflicts, id)
		}
	}
	pending, _ = res[2].(int64)
	return int(applied), conflicts, pending, nil
}

// statusArgs flattens writes into the script's ARGV.
func statusArgs(writes []StatusWrite, idx []int, base int64) ([]any, error) {
	args := make([]any, 0, 9*len(idx))
	for _, wi := range idx {
		w := writes[wi]
		order := relayOrder(base, wi)
		next := w.Next
		next.Seq = w.Prev.Seq + 1
		raw, err := json.Marshal(next)
		if err != nil {
			return nil, fmt.Errorf("encode status of %q: %w", w.ID, err)
		}
		event := ""
		if ev := w.Event; ev != nil {
			if ev.To != next.State {
				return nil, fmt.Errorf("status of %q: event to %s but state %s", w.ID, ev.To, next.State)
			}
			event = relayEntry("e", order, EventTypeCameraPrefix+string(ev.To), w.ID, string(ev.From), string(ev.To),
				ev.Reason, ev.At.UTC().Format(time.RFC3339Nano))
		}
		op, outage, score, err := outageChange(w)
		if err != nil {
			return nil, err
		}
		outageArg := string(outage)
		if op == "close" {
			outageArg = relayEntry("o", order, score, string(outage))
		}
		args = append(args, w.ID, w.Prev.Seq, raw, string(next.State),
			event, op, outageArg, next.LastProbe.UnixMilli(), order)
	}
	return args, nil
}

// outageChange returns what the write does to the camera's outage: open one
// when it goes down, close the open one when it comes back from down. The
// closed outage starts at Prev.Since (when the camera went down, since the
// CAS guarantees Prev is what is stored) and keeps the reason it went down
// for.
func outageChange(w StatusWrite) (op string, outage []byte, score string, err error) {
	ev := w.Event
	if ev == nil {
		return "", nil, "", nil
	}
	var o sharpeyes.Outage
	switch {
	case ev.To == sharpeyes.StateDown && ev.From != sharpeyes.StateDown:
		op = "open"
		o = sharpeyes.Outage{CameraID: w.ID, Start: ev.At.UTC(), Reason: ev.Reason}
	case ev.From == sharpeyes.StateDown && ev.To != sharpeyes.StateDown:
		op = "close"
		end := ev.At.UTC()
		o = sharpeyes.Outage{CameraID: w.ID, Start: w.Prev.Since.UTC(), End: &end,
			DurationS: end.Sub(w.Prev.Since).Seconds(), Reason: w.Prev.Reason}
		score = strconv.FormatInt(end.UnixMilli(), 10)
	default:
		return "", nil, "", nil
	}
	outage, err = json.Marshal(o)
	if err != nil {
		return "", nil, "", fmt.Errorf("encode outage of %q: %w", w.ID, err)
	}
	return op, outage, score, nil
}
