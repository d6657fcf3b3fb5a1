package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Camera returns one camera, without its credentials, or ErrNotFound.
func (s *Store) Camera(ctx context.Context, id string) (sharpeyes.Camera, error) {
	var c sharpeyes.Camera
	raw, err := s.rdb.HGet(ctx, keyCameras, id).Result()
	if errors.Is(err, redis.Nil) {
		return c, fmt.Errorf("camera %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("get camera %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return c, fmt.Errorf("decode camera %q: %w", id, err)
	}
	return c, nil
}

// Credentials returns the stored login of the given cameras (absent ids are
// left out). Only the collector calls this: the API never does.
func (s *Store) Credentials(ctx context.Context, ids []string) (map[string]sharpeyes.Credentials, error) {
	out := make(map[string]sharpeyes.Credentials)
	err := s.hmgetBatches(ctx, keySecrets, ids, func(id, raw string) error {
		var c sharpeyes.Credentials
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return fmt.Errorf("decode credentials of %q: %w", id, err)
		}
		out[id] = c
		return nil
	})
	return out, err
}

// Existing returns which of ids are already in the inventory.
func (s *Store) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool)
	err := s.hmgetBatches(ctx, keyCameras, ids, func(id, _ string) error {
		out[id] = true
		return nil
	})
	return out, err
}

// Create adds one camera, or returns ErrExists when its id is taken.
func (s *Store) Create(ctx context.Context, c sharpeyes.Camera) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode camera %q: %w", c.ID, err)
	}
	var added *redis.BoolCmd
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		added = p.HSetNX(ctx, keyCameras, c.ID, raw)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create camera %q: %w", c.ID, err)
	}
	if !added.Val() {
		return fmt.Errorf("camera %q: %w", c.ID, ErrExists)
	}
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{c}); err != nil {
		return err
	}
	return nil
}

// Put replaces one camera (creating it if absent). Empty credentials keep
// the stored ones. It reports whether the camera was created.
func (s *Store) Put(ctx context.Context, c sharpeyes.Camera) (created bool, err error) {
	res, err := s.PutMany(ctx, []sharpeyes.Camera{c})
	return res.Created == 1, err
}

// PutResult counts what PutMany did.
type PutResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// PutMany upserts cameras by id in one MULTI/EXEC transaction, pipelined in
// batches, so that it lands whole or not at all. An empty username or
// password keeps the stored one.
func (s *Store) PutMany(ctx context.Context, cams []sharpeyes.Camera) (PutResult, error) {
	var res PutResult
	ids := make([]string, len(cams))
	var withSecret []string
	for i, c := range cams {
		ids[i] = c.ID
		if !c.Secret.Empty() {
			withSecret = append(withSecret, c.ID)
		}
	}
	prevLife, err := s.lifecycles(ctx, ids)
	if err != nil {
		return res, err
	}
	stored, err := s.Credentials(ctx, withSecret)
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	var changes []redis.Z
	camArgs := make([]any, 0, 2*batch)
	secArgs := make([]any, 0, 2*batch)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range cams {
			prev, existed := prevLife[c.ID]
			if existed {
				res.Updated++
			} else {
				res.Created++
			}
			if !existed || prev != c.Lifecycle {
				changes = append(changes, redis.Z{Score: float64(now.UnixMilli()),
					Member: encodeLifecycleChange(sharpeyes.LifecycleChange{CameraID: c.ID, From: prev, To: c.Lifecycle, At: now})})
			}
			raw, err := json.Marshal(c)
			if err != nil {
				return fmt.Errorf("encode camera %q: %w", c.ID, err)
			}
			camArgs = append(camArgs, c.ID, raw)
			if !c.Secret.Empty() {
				cred := mergeCredentials(stored[c.ID], c.Secret)
				sraw, _ := json.Marshal(cred)
				secArgs = append(secArgs, c.ID, sraw)
			}
			if len(camArgs) >= 2*batch || i == len(cams)-1 {
				p.HSet(ctx, keyCameras, camArgs...)
				camArgs = camArgs[:0:0]
			}
			if len(secArgs) >= 2*batch || (i == len(cams)-1 && len(secArgs) > 0) {
				p.HSet(ctx, keySecrets, secArgs...)
				secArgs = secArgs[:0:0]
			}
		}
		for i := 0; i < len(changes); i += batch {
			p.ZAdd(ctx, keyLifecycle, changes[i:min(i+batch, len(changes))]...)
		}
		p.Set(ctx, keyVersion, newToken(), 0)
		return nil
	})
	if err != nil {
		return PutResult{}, fmt.Errorf("write %d cameras: %w", len(cams), err)
	}
	return res, nil
}

func mergeCredentials(old, upd sharpeyes.Credentials) sharpeyes.Credentials {
	if upd.Username != "" {
		old.Username = upd.Username
	}
	if upd.Password != "" {
		old.Password = upd.Password
	}
	return old
}

// Delete removes a camera, its credentials and its live status, or returns
// ErrNotFound. Its history (events, closed outages) stays for reports.
func (s *Store) Delete(ctx context.Context, id string) error {
	var n *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.HDel(ctx, keyCameras, id)
		p.HDel(ctx, keySecrets, id)
		p.Set(ctx, keyVersion, newToken(), 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete camera %q: %w", id, err)
	}
	if n.Val() == 0 {
		return fmt.Errorf("camera %q: %w", id, ErrNotFound)
	}
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, keyStatus, id)
		p.HDel(ctx, keyOpen, id)
		for _, st := range []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown} {
			p.SRem(ctx, keyState(string(st)), id)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("delete status of %q: %w", id, err)
	}
	return nil
}

// hmgetBatches calls fn for every id of ids present in the hash key, reading
// in pipelined HMGET batches.
func (s *Store) hmgetBatches(ctx context.Context, key string, ids []string, fn func(id, raw string) error) error {
	if len(ids) == 0 {
		return nil
	}
	var cmds []*redis.SliceCmd
	var chunks [][]string
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := 0; i < len(ids); i += batch {
			chunk := ids[i:min(i+batch, len(ids))]
			chunks = append(chunks, chunk)
			cmds = append(cmds, p.HMGet(ctx, key, chunk...))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	for ci, cmd := range cmds {
		for i, v := range cmd.Val() {
			if raw, ok := v.(string); ok {
				if err := fn(chunks[ci][i], raw); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
