package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SweepSummary describes one sweep: what one collector did, or, as read
// back by LastSweep, what all collectors that shared the sweep did.
type SweepSummary struct {
	// Slot names the sweep (schedule group and scheduled time); collectors
	// sharing a sweep use the same slot.
	Slot      string    `json:"slot"`
	Instances []string  `json:"instances"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	DurationS float64   `json:"duration_s"`
	Probed    int       `json:"probed"`
	// Failed counts probes whose result was down.
	Failed   int `json:"failed"`
	Up       int `json:"up"`
	Degraded int `json:"degraded"`
	Down     int `json:"down"`
	Unknown  int `json:"unknown"`
	// ByReason counts probe results by reason (successes without a reason
	// are not counted).
	ByReason map[string]int `json:"by_reason,omitempty"`
	// Isolated is set when most probes failed at once and state changes
	// were withheld.
	Isolated bool `json:"isolated"`
}

// keyIsolations is a LIST of the latest collector.isolated entries (JSON,
// newest first), next to the se:{st}:sweep hash.
const keyIsolations = "se:{st}:isolations"

var sweepCounts = []string{"probed", "failed", "up", "degraded", "down", "unknown"}

func (s SweepSummary) counts() []int {
	return []int{s.Probed, s.Failed, s.Up, s.Degraded, s.Down, s.Unknown}
}

// recordSweepScript merges a collector's summary into se:{st}:sweep: the
// first summary of a newer slot replaces the hash, later ones of the same
// slot add their counts. ARGV: slot, instance, start ms, end ms, isolated,
// then field/increment pairs.
var recordSweepScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'slot')
if cur ~= ARGV[1] then
  local st = tonumber(redis.call('HGET', KEYS[1], 'start') or '0')
  if cur and st > tonumber(ARGV[3]) then return 0 end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'slot', ARGV[1], 'instances', ARGV[2], 'start', ARGV[3], 'end', ARGV[4], 'isolated', ARGV[5])
else
  if tonumber(ARGV[3]) < tonumber(redis.call('HGET', KEYS[1], 'start')) then
    redis.call('HSET', KEYS[1], 'start', ARGV[3])
  end
  if tonumber(ARGV[4]) > tonumber(redis.call('HGET', KEYS[1], 'end')) then
    redis.call('HSET', KEYS[1], 'end', ARGV[4])
  end
  local ins = redis.call('HGET', KEYS[1], 'instances')
  if not string.find(',' .. ins .. ',', ',' .. ARGV[2] .. ',', 1, true) then
    redis.call('HSET', KEYS[1], 'instances', ins .. ',' .. ARGV[2])
  end
  if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'isolated', '1') end
end
for i = 6, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i+1]) end
return 1
`)

// RecordSweep adds one collector's summary to the last sweep's (its
// Instances[0] names the collector; instance names must not contain
// commas). A summary of a slot older than the stored one is ignored. It
// returns an error when Redis fails.
func (s *Store) RecordSweep(ctx context.Context, sum SweepSummary) error {
	iso := "0"
	if sum.Isolated {
		iso = "1"
	}
	args := []any{sum.Slot, strings.Join(sum.Instances, ","), sum.Start.UnixMilli(), sum.End.UnixMilli(), iso}
	for i, n := range sum.counts() {
		args = append(args, sweepCounts[i], n)
	}
	for r, n := range sum.ByReason {
		args = append(args, "reason:"+r, n)
	}
	if err := recordSweepScript.Run(ctx, s.rdb, []string{keySweep}, args...).Err(); err != nil {
		return fmt.Errorf("record sweep %s: %w", sum.Slot, err)
	}
	return nil
}

// LastSweep returns the summary of the latest sweep, merged over the
// collectors that shared it, ErrNotFound before the first sweep, or an
// error when Redis fails.
func (s *Store) LastSweep(ctx context.Context) (SweepSummary, error) {
	m, err := s.rdb.HGetAll(ctx, keySweep).Result()
	if err != nil {
		return SweepSummary{}, fmt.Errorf("read last sweep: %w", err)
	}
	if len(m) == 0 {
		return SweepSummary{}, fmt.Errorf("last sweep: %w", ErrNotFound)
	}
	ms := func(k string) time.Time {
		n, _ := strconv.ParseInt(m[k], 10, 64)
		return time.UnixMilli(n).UTC()
	}
	sum := SweepSummary{Slot: m["slot"], Start: ms("start"), End: ms("end"), Isolated: m["isolated"] == "1"}
	if m["instances"] != "" {
		sum.Instances = strings.Split(m["instances"], ",")
		sort.Strings(sum.Instances)
	}
	sum.DurationS = sum.End.Sub(sum.Start).Seconds()
	dst := []*int{&sum.Probed, &sum.Failed, &sum.Up, &sum.Degraded, &sum.Down, &sum.Unknown}
	for i, k := range sweepCounts {
		*dst[i], _ = strconv.Atoi(m[k])
	}
	for k, v := range m {
		if r, ok := strings.CutPrefix(k, "reason:"); ok {
			if sum.ByReason == nil {
				sum.ByReason = make(map[string]int)
			}
			sum.ByReason[r], _ = strconv.Atoi(v)
		}
	}
	return sum, nil
}

// Isolation is a collector.isolated entry of the events stream: one
// collector saw most of its probes fail at once and withheld their state
// changes.
type Isolation struct {
	Instance string    `json:"instance"`
	Slot     string    `json:"slot"`
	At       time.Time `json:"at"`
	Probed   int       `json:"probed"`
	Failed   int       `json:"failed"`
}

// isolationsKept bounds the list of recent isolations.
const isolationsKept = 1000

// RecordIsolation appends a collector.isolated entry (camera_id empty) to
// the events stream, next to the camera events alerting reads, and keeps it
// in the short list se:{st}:isolations that Isolations reads. It returns an
// error when Redis fails (then neither is written).
func (s *Store) RecordIsolation(ctx context.Context, iso Isolation) error {
	raw, err := json.Marshal(iso)
	if err != nil {
		return fmt.Errorf("encode isolation: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{
			Stream: keyEvents, MaxLen: s.eventsMax, Approx: true,
			Values: []any{"type", EventTypeIsolated, "camera_id", "", "instance", iso.Instance,
				"slot", iso.Slot, "at", iso.At.UTC().Format(time.RFC3339Nano),
				"probed", iso.Probed, "failed", iso.Failed},
		})
		p.LPush(ctx, keyIsolations, raw)
		p.LTrim(ctx, keyIsolations, 0, isolationsKept-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record isolation of %s: %w", iso.Instance, err)
	}
	return nil
}

// Isolations returns the isolations (of the last 1000) that happened at or
// after since, oldest first, or an error when Redis fails or an entry does
// not decode.
func (s *Store) Isolations(ctx context.Context, since time.Time) ([]Isolation, error) {
	raws, err := s.rdb.LRange(ctx, keyIsolations, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read isolations: %w", err)
	}
	var out []Isolation
	for i := len(raws) - 1; i >= 0; i-- {
		var iso Isolation
		if err := json.Unmarshal([]byte(raws[i]), &iso); err != nil {
			return nil, fmt.Errorf("decode isolation: %w", err)
		}
		if !iso.At.Before(since) {
			out = append(out, iso)
		}
	}
	return out, nil
}
