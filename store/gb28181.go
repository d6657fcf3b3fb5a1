package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// GB/T 28181 keys (package gb28181), under their own hash tag:
//
//	se:{gb}:dev   HASH   device id -> registration JSON (GBDevice without
//	                     LastKeepalive)
//	se:{gb}:ka    HASH   device id -> last keepalive (unix ms)
//
// The last keepalive has its own hash so that a keepalive is one HSET and
// never races a registration's read-modify-write.
const (
	keyGBDevices   = "se:{gb}:dev"
	keyGBKeepalive = "se:{gb}:ka"
)

// GBDevice is what the platform knows of one GB/T 28181 device.
type GBDevice struct {
	ID string `json:"id"`
	// Addr is the host:port the device last registered from.
	Addr string `json:"addr"`
	// Transport is UDP or TCP.
	Transport    string    `json:"transport"`
	RegisteredAt time.Time `json:"registered_at"`
	// ExpiresAt ends the registration; an unregistration (Expires: 0)
	// sets it to the time of the unregistration.
	ExpiresAt time.Time `json:"expires_at"`
	// LastKeepalive is the time of the last Keepalive MESSAGE (zero when
	// none came yet). It is kept in se:{gb}:ka, not in the JSON.
	LastKeepalive time.Time `json:"-"`
}

// PutGBDevice stores a device's registration (LastKeepalive is ignored).
func (s *Store) PutGBDevice(ctx context.Context, d GBDevice) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode gb28181 device %q: %w", d.ID, err)
	}
	if err := s.rdb.HSet(ctx, keyGBDevices, d.ID, raw).Err(); err != nil {
		return fmt.Errorf("write gb28181 device %q: %w", d.ID, err)
	}
	return nil
}

// GBKeepalive records a device's keepalive at t.
func (s *Store) GBKeepalive(ctx context.Context, id string, t time.Time) error {
	if err := s.rdb.HSet(ctx, keyGBKeepalive, id, t.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("write gb28181 keepalive %q: %w", id, err)
	}
	return nil
}

// GBDevice returns one device, or ErrNotFound when it never registered.
func (s *Store) GBDevice(ctx context.Context, id string) (GBDevice, error) {
	pipe := s.rdb.Pipeline()
	dev := pipe.HGet(ctx, keyGBDevices, id)
	ka := pipe.HGet(ctx, keyGBKeepalive, id)
	_, _ = pipe.Exec(ctx) // errors read per command below
	raw, err := dev.Result()
	if errors.Is(err, redis.Nil) {
		return GBDevice{}, ErrNotFound
	}
	if err != nil {
		return GBDevice{}, fmt.Errorf("read gb28181 device %q: %w", id, err)
	}
	var d GBDevice
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return GBDevice{}, fmt.Errorf("decode gb28181 device %q: %w", id, err)
	}
	if v, err := ka.Result(); err == nil {
		d.LastKeepalive = fromMillis(v)
	} else if !errors.Is(err, redis.Nil) {
		return GBDevice{}, fmt.Errorf("read gb28181 keepalive %q: %w", id, err)
	}
	return d, nil
}

// GBDevices returns every device that ever registered, ordered by id.
func (s *Store) GBDevices(ctx context.Context) ([]GBDevice, error) {
	pipe := s.rdb.Pipeline()
	devs := pipe.HGetAll(ctx, keyGBDevices)
	kas := pipe.HGetAll(ctx, keyGBKeepalive)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("read gb28181 devices: %w", err)
	}
	ka := kas.Val()
	out := make([]GBDevice, 0, len(devs.Val()))
	for id, raw := range devs.Val() {
		var d GBDevice
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("decode gb28181 device %q: %w", id, err)
		}
		d.LastKeepalive = fromMillis(ka[id])
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// fromMillis parses unix milliseconds; "" or garbage is the zero time.
func fromMillis(v string) time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
