package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Reports keep closed outages and lifecycle changes in memory and refresh
// them incrementally: each refresh reads only the members scored at or
// after the last score seen. These pages carry what the reader needs to
// check that its copy still matches the sorted set (its size and lowest
// score, which retention trimming raises).

// PageQuery selects members of a time-scored history by score (unix ms).
type PageQuery struct {
	// MinMS is the lowest score read; with Exclusive, scores above it.
	MinMS     int64
	Exclusive bool
	// MaxMS, with HasMax, is the highest score read.
	MaxMS  int64
	HasMax bool
	// Limit bounds the members read (0: no bound).
	Limit int
}

// HistoryPage is one page of a history read in score order, with the size
// and lowest score of the whole sorted set at the time of the read.
type HistoryPage[T any] struct {
	Items []T
	// Total is the number of members of the set.
	Total int64
	// OldestMS is the lowest score of the set (0 when it is empty).
	OldestMS int64
}

// OutageRecord is a closed outage in the compact form reports keep.
type OutageRecord struct {
	CameraID   string
	Start, End time.Time
	Reason     string
}

// OutagePage reads closed outages by end time (their score). Members are
// decoded by a fast path for the JSON this package writes, falling back to
// encoding/json for anything else. It returns an error when Redis fails or
// a member is not an outage.
func (s *Store) OutagePage(ctx context.Context, q PageQuery) (HistoryPage[OutageRecord], error) {
	var page HistoryPage[OutageRecord]
	raws, err := s.readPage(ctx, keyOutages, q, &page.Total, &page.OldestMS)
	if err != nil {
		return page, fmt.Errorf("read outage history: %w", err)
	}
	page.Items = make([]OutageRecord, 0, len(raws))
	for _, raw := range raws {
		o, err := DecodeOutage(raw)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, o)
	}
	return page, nil
}

// LifecyclePage reads lifecycle changes by time (their score). It returns
// an error when Redis fails or a member is malformed.
func (s *Store) LifecyclePage(ctx context.Context, q PageQuery) (HistoryPage[sharpeyes.LifecycleChange], error) {
	var out HistoryPage[sharpeyes.LifecycleChange]
	raws, err := s.readPage(ctx, keyLifecycle, q, &out.Total, &out.OldestMS)
	if err != nil {
		return out, fmt.Errorf("read lifecycle history: %w", err)
	}
	out.Items = make([]sharpeyes.LifecycleChange, 0, len(raws))
	for _, raw := range raws {
		c, err := decodeLifecycleChange(raw)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, c)
	}
	return out, nil
}

// readPage reads the members of key selected by q and stores the set's
// size and lowest score in total and oldest, in one MULTI/EXEC so that the
// three agree.
func (s *Store) readPage(ctx context.Context, key string, q PageQuery, total, oldestMS *int64) ([]string, error) {
	var members *redis.StringSliceCmd
	err := s.readPageWith(ctx, key, q, total, oldestMS, func(p redis.Pipeliner, by *redis.ZRangeBy) {
		members = p.ZRangeByScore(ctx, key, by)
	})
	if err != nil {
		return nil, err
	}
	return members.Val(), nil
}

// readPageScored is readPage returning the members with their scores.
func (s *Store) readPageScored(ctx context.Context, key string, q PageQuery, total, oldestMS *int64) ([]redis.Z, error) {
	var members *redis.ZSliceCmd
	err := s.readPageWith(ctx, key, q, total, oldestMS, func(p redis.Pipeliner, by *redis.ZRangeBy) {
		members = p.ZRangeByScoreWithScores(ctx, key, by)
	})
	if err != nil {
		return nil, err
	}
	return members.Val(), nil
}

func (s *Store) readPageWith(ctx context.Context, key string, q PageQuery, total, oldestMS *int64,
	read func(redis.Pipeliner, *redis.ZRangeBy)) error {
	by := &redis.ZRangeBy{Min: strconv.FormatInt(q.MinMS, 10), Max: "+inf"}
	if q.Exclusive {
		by.Min = "(" + by.Min
	}
	if q.HasMax {
		by.Max = strconv.FormatInt(q.MaxMS, 10)
	}
	if q.Limit > 0 {
		by.Count = int64(q.Limit)
	}
	var (
		card   *redis.IntCmd
		oldest *redis.ZSliceCmd
	)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		read(p, by)
		card = p.ZCard(ctx, key)
		oldest = p.ZRangeWithScores(ctx, key, 0, 0)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	*total = card.Val()
	if z := oldest.Val(); len(z) > 0 {
		*oldestMS = int64(z[0].Score)
	}
	return nil
}

// KnownRecord is when a camera's state was first known (see keyKnown).
type KnownRecord struct {
	CameraID string
	Since    time.Time
}

// KnownPage reads the first-known times of cameras by time (their score).
// It returns an error when Redis fails.
func (s *Store) KnownPage(ctx context.Context, q PageQuery) (HistoryPage[KnownRecord], error) {
	var out HistoryPage[KnownRecord]
	zs, err := s.readPageScored(ctx, keyKnown, q, &out.Total, &out.OldestMS)
	if err != nil {
		return out, fmt.Errorf("read first-known times: %w", err)
	}
	out.Items = make([]KnownRecord, len(zs))
	for i, z := range zs {
		id, _ := z.Member.(string)
		out.Items[i] = KnownRecord{CameraID: id, Since: time.UnixMilli(int64(z.Score)).UTC()}
	}
	return out, nil
}

// MarkKnown records that the cameras' states were known from the given
// times, unless they already have an earlier record: for backfills and
// tests (status writes record it themselves). It returns an error when
// Redis fails.
func (s *Store) MarkKnown(ctx context.Context, since map[string]time.Time) error {
	if len(since) == 0 {
		return nil
	}
	zs := make([]redis.Z, 0, len(since))
	for id, t := range since {
		zs = append(zs, redis.Z{Score: float64(t.UnixMilli()), Member: id})
	}
	if err := s.rdb.ZAddLT(ctx, keyKnown, zs...).Err(); err != nil {
		return fmt.Errorf("mark %d cameras known: %w", len(since), err)
	}
	return nil
}
