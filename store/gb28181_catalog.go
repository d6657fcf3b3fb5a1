package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// More GB/T 28181 keys, under the same {gb} tag:
//
//	se:{gb}:cat      HASH  device id -> catalog JSON (GBCatalog): its
//	                       channels with their ON/OFF, and the channels a
//	                       later catalog no longer listed
//	se:{gb}:siglost  HASH  camera id -> reason, for cameras with an active
//	                       probe whose device's signalling is lost; written
//	                       whole by the passive evaluator, read by the
//	                       collector once per sweep
//	se:{gb}:eval     lease of the passive evaluator (one serve replica
//	                       writes passive statuses at a time)
const (
	keyGBCatalogs = "se:{gb}:cat"
	keyGBSigLost  = "se:{gb}:siglost"
	// KeyGBEvalLease is the lease key of the passive evaluator.
	KeyGBEvalLease = "se:{gb}:eval"
)

// GBChannel is one channel of a device's catalog.
type GBChannel struct {
	ID string `json:"id"`
	// Off: the catalog's Status was OFF.
	Off bool `json:"off,omitempty"`
}

// GBCatalog is the last complete catalog of one device.
type GBCatalog struct {
	Device    string      `json:"device"`
	Channels  []GBChannel `json:"channels"`
	UpdatedAt time.Time   `json:"updated_at"`
	// Missing are channels an earlier catalog listed and a later one did
	// not: reported, never deleted. A channel listed again leaves it.
	Missing []string `json:"missing,omitempty"`
}

// PutGBCatalog stores a device's catalog.
func (s *Store) PutGBCatalog(ctx context.Context, c GBCatalog) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode gb28181 catalog %q: %w", c.Device, err)
	}
	if err := s.rdb.HSet(ctx, keyGBCatalogs, c.Device, raw).Err(); err != nil {
		return fmt.Errorf("write gb28181 catalog %q: %w", c.Device, err)
	}
	return nil
}

// GBCatalogs returns every stored catalog by device id.
func (s *Store) GBCatalogs(ctx context.Context) (map[string]GBCatalog, error) {
	all, err := s.rdb.HGetAll(ctx, keyGBCatalogs).Result()
	if err != nil {
		return nil, fmt.Errorf("read gb28181 catalogs: %w", err)
	}
	out := make(map[string]GBCatalog, len(all))
	for id, raw := range all {
		var c GBCatalog
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("decode gb28181 catalog %q: %w", id, err)
		}
		out[id] = c
	}
	return out, nil
}

// GBCatalog returns one device's catalog, or ErrNotFound.
func (s *Store) GBCatalog(ctx context.Context, device string) (GBCatalog, error) {
	raw, err := s.rdb.HGet(ctx, keyGBCatalogs, device).Result()
	if err == redis.Nil {
		return GBCatalog{}, ErrNotFound
	}
	if err != nil {
		return GBCatalog{}, fmt.Errorf("read gb28181 catalog %q: %w", device, err)
	}
	var c GBCatalog
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return GBCatalog{}, fmt.Errorf("decode gb28181 catalog %q: %w", device, err)
	}
	return c, nil
}

// SetGBSignallingLost replaces the set of cameras whose signalling is lost
// (camera id -> reason) in one transaction.
func (s *Store) SetGBSignallingLost(ctx context.Context, lost map[string]string) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, keyGBSigLost)
		if len(lost) > 0 {
			p.HSet(ctx, keyGBSigLost, lost)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write gb28181 signalling: %w", err)
	}
	return nil
}

// GBSignallingLost returns the cameras whose signalling is lost, with the
// reason.
func (s *Store) GBSignallingLost(ctx context.Context) (map[string]string, error) {
	m, err := s.rdb.HGetAll(ctx, keyGBSigLost).Result()
	if err != nil {
		return nil, fmt.Errorf("read gb28181 signalling: %w", err)
	}
	return m, nil
}

// CamerasByID returns the given cameras (absent ids are left out), without
// credentials.
func (s *Store) CamerasByID(ctx context.Context, ids []string) (map[string]sharpeyes.Camera, error) {
	out := make(map[string]sharpeyes.Camera, len(ids))
	err := s.hmgetBatches(ctx, camKey, ids, func(id, raw string) error {
		var c sharpeyes.Camera
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return fmt.Errorf("decode camera %q: %w", id, err)
		}
		out[id] = c
		return nil
	})
	return out, err
}
