package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// defaultEventLimit is how many events Events returns when given no limit.
const defaultEventLimit = 1000

// Events returns up to limit camera state changes recorded at or after
// since (by the time Redis stored them; the zero time means from the
// oldest kept), oldest first. Other entries of the stream (collector.isolated)
// are left out. A limit of 0 or less means 1000. It returns an error when
// Redis fails.
func (s *Store) Events(ctx context.Context, since time.Time, limit int) ([]sharpeyes.Event, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	var out []sharpeyes.Event
	start := streamStart(since)
	for len(out) < limit {
		need := limit - len(out)
		msgs, err := s.rdb.XRangeN(ctx, keyEvents, start, "+", int64(need)).Result()
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		for _, m := range msgs {
			if ev, ok := decodeEvent(m); ok {
				out = append(out, ev)
			}
		}
		if len(msgs) < need {
			break
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
	return out, nil
}

func streamStart(since time.Time) string {
	if since.IsZero() {
		return "-"
	}
	return strconv.FormatInt(since.UnixMilli(), 10)
}

func decodeEvent(m redis.XMessage) (sharpeyes.Event, bool) {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	typ := str("type")
	if len(typ) <= len(EventTypeCameraPrefix) || typ[:len(EventTypeCameraPrefix)] != EventTypeCameraPrefix {
		return sharpeyes.Event{}, false
	}
	at, _ := time.Parse(time.RFC3339Nano, str("at"))
	return sharpeyes.Event{
		ID:       m.ID,
		CameraID: str("camera_id"),
		From:     sharpeyes.State(str("from")),
		To:       sharpeyes.State(str("to")),
		Reason:   str("reason"),
		At:       at,
	}, true
}

// OpenOutages returns the outages still open (cameras down now), oldest
// first, or an error when Redis fails or a record does not decode.
func (s *Store) OpenOutages(ctx context.Context) ([]sharpeyes.Outage, error) {
	var cmds [Partitions]*redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			cmds[i] = p.HGetAll(ctx, parts[i].open)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read open outages: %w", err)
	}
	var out []sharpeyes.Outage
	for _, cmd := range cmds {
		for id, raw := range cmd.Val() {
			var o sharpeyes.Outage
			if err := json.Unmarshal([]byte(raw), &o); err != nil {
				return nil, fmt.Errorf("decode open outage of %q: %w", id, err)
			}
			out = append(out, o)
		}
	}
	sortOutages(out)
	return out, nil
}

// ClosedOutages returns the closed outages that overlap [from, to]: those
// that ended at or after from and started at or before to, ordered by start.
// A zero from or to leaves that side open. It returns an error when Redis
// fails or a record does not decode.
func (s *Store) ClosedOutages(ctx context.Context, from, to time.Time) ([]sharpeyes.Outage, error) {
	lo := "-inf"
	if !from.IsZero() {
		lo = strconv.FormatInt(from.UnixMilli(), 10)
	}
	raws, err := s.rdb.ZRangeByScore(ctx, keyOutages, &redis.ZRangeBy{Min: lo, Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("read outages: %w", err)
	}
	out := make([]sharpeyes.Outage, 0, len(raws))
	for _, raw := range raws {
		var o sharpeyes.Outage
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return nil, fmt.Errorf("decode outage: %w", err)
		}
		if to.IsZero() || !o.Start.After(to) {
			out = append(out, o)
		}
	}
	sortOutages(out)
	return out, nil
}

func sortOutages(out []sharpeyes.Outage) {
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].CameraID < out[j].CameraID
	})
}

// RecordOutages stores outages directly, for backfills, benchmarks and
// tests: closed ones (End set) into the history, open ones as the camera's
// open outage. It does not touch live status or events. It returns an
// error when Redis fails (earlier batches of 1000 may have been stored).
func (s *Store) RecordOutages(ctx context.Context, outages []sharpeyes.Outage) error {
	for i := 0; i < len(outages); i += batch {
		chunk := outages[i:min(i+batch, len(outages))]
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, o := range chunk {
				raw, err := json.Marshal(o)
				if err != nil {
					return fmt.Errorf("encode outage of %q: %w", o.CameraID, err)
				}
				if o.End == nil {
					p.HSet(ctx, parts[partitionOf(o.CameraID)].open, o.CameraID, raw)
					continue
				}
				p.ZAdd(ctx, keyOutages, redis.Z{Score: float64(o.End.UnixMilli()), Member: raw})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("record %d outages: %w", len(chunk), err)
		}
	}
	return nil
}
