package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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

// createScript adds one camera if its id is free, with its credentials
// (or none: secrets of an earlier camera of that id never carry over) and
// its lifecycle change, atomically. KEYS: cameras, secrets, lifecycle,
// version; ARGV: id, camera JSON, credentials JSON or "", lifecycle change,
// its score, version token. It returns 0 when the id is taken.
var createScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
else
  redis.call('HDEL', KEYS[2], ARGV[1])
end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
redis.call('SET', KEYS[4], ARGV[6])
return 1
`)

// Create adds one camera, recording its lifecycle change as an import
// does, or returns ErrExists when its id is taken.
func (s *Store) Create(ctx context.Context, c sharpeyes.Camera) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode camera %q: %w", c.ID, err)
	}
	var sec []byte
	if !c.Secret.Empty() {
		sec, _ = json.Marshal(c.Secret)
	}
	now := s.now().UTC()
	change := encodeLifecycleChange(sharpeyes.LifecycleChange{CameraID: c.ID, To: c.Lifecycle, At: now})
	n, err := createScript.Run(ctx, s.rdb, []string{keyCameras, keySecrets, keyLifecycle, keyVersion},
		c.ID, raw, sec, change, now.UnixMilli(), newToken()).Int()
	if err != nil {
		return fmt.Errorf("create camera %q: %w", c.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("camera %q: %w", c.ID, ErrExists)
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
	// CredentialsCleared counts updated cameras whose host or port changed
	// with no credentials given: their stored ones were dropped.
	CredentialsCleared int `json:"credentials_cleared"`
}

// PutMany upserts cameras by id in one MULTI/EXEC transaction, pipelined in
// batches, so that it lands whole or not at all. An empty username or
// password keeps the stored one, as long as the camera keeps its host and
// port: credentials are bound to the address they were given for (SPEC
// "Camera record"), so a camera moved to another address without new
// credentials loses its stored ones, and given ones are not merged with
// those of the old address.
func (s *Store) PutMany(ctx context.Context, cams []sharpeyes.Camera) (PutResult, error) {
	var res PutResult
	ids := make([]string, len(cams))
	for i, c := range cams {
		ids[i] = c.ID
	}
	prev, err := s.storedOf(ctx, ids)
	if err != nil {
		return res, err
	}
	// Stored credentials matter for cameras given new ones (merged) and
	// for cameras that move (cleared).
	var need []string
	for _, c := range cams {
		if old, ok := prev[c.ID]; ok && (!c.Secret.Empty() || old.Host != c.Host || old.Port != c.Port) {
			need = append(need, c.ID)
		}
	}
	creds, err := s.Credentials(ctx, need)
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	var changes []redis.Z
	camArgs := make([]any, 0, 2*batch)
	secArgs := make([]any, 0, 2*batch)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range cams {
			old, existed := prev[c.ID]
			moved := existed && (old.Host != c.Host || old.Port != c.Port)
			if existed {
				res.Updated++
			} else {
				res.Created++
			}
			if !existed || old.Lifecycle != c.Lifecycle {
				changes = append(changes, redis.Z{Score: float64(now.UnixMilli()),
					Member: encodeLifecycleChange(sharpeyes.LifecycleChange{CameraID: c.ID, From: old.Lifecycle, To: c.Lifecycle, At: now})})
			}
			if _, had := creds[c.ID]; had && moved && c.Secret.Empty() {
				p.HDel(ctx, keySecrets, c.ID)
				res.CredentialsCleared++
			}
			raw, err := json.Marshal(c)
			if err != nil {
				return fmt.Errorf("encode camera %q: %w", c.ID, err)
			}
			camArgs = append(camArgs, c.ID, raw)
			if !c.Secret.Empty() {
				cred := c.Secret
				if !moved {
					cred = mergeCredentials(creds[c.ID], c.Secret)
				}
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

// deleteScript removes one camera and its credentials and records the end
// of its lifecycle, atomically. KEYS: cameras, secrets, lifecycle, version;
// ARGV: id, lifecycle change, its score, version token. It returns 0 when
// the camera is absent.
var deleteScript = redis.NewScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[4])
return 1
`)

// forgetStatusScript drops a deleted camera's live status and, when its
// open outage is still the one read (ARGV[2], "" for none), closes it with
// the outage ARGV[3] scored ARGV[4]. KEYS: status, the three state sets,
// open outages, closed outages, first-known times, probe index. It returns 0 when the
// open outage changed in between.
var forgetStatusScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[5], ARGV[1]) or ''
if cur ~= ARGV[2] then return 0 end
if cur ~= '' then
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[3])
end
redis.call('HDEL', KEYS[1], ARGV[1])
for k = 2, 4 do redis.call('SREM', KEYS[k], ARGV[1]) end
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
return 1
`)

// Delete removes a camera, its credentials and its live status, or returns
// ErrNotFound. Its history stays for reports: the deletion ends its
// lifecycle, and an open outage is closed at the deletion time with the
// reason it went down for (SPEC "Status").
func (s *Store) Delete(ctx context.Context, id string) error {
	old, err := s.storedOf(ctx, []string{id})
	if err != nil {
		return err
	}
	prev, ok := old[id]
	if !ok {
		return fmt.Errorf("camera %q: %w", id, ErrNotFound)
	}
	now := s.now().UTC()
	change := encodeLifecycleChange(sharpeyes.LifecycleChange{CameraID: id, From: prev.Lifecycle, At: now})
	n, err := deleteScript.Run(ctx, s.rdb, []string{keyCameras, keySecrets, keyLifecycle, keyVersion},
		id, change, now.UnixMilli(), newToken()).Int()
	if err != nil {
		return fmt.Errorf("delete camera %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("camera %q: %w", id, ErrNotFound)
	}
	if err := s.forgetStatus(ctx, id, now); err != nil {
		return fmt.Errorf("delete status of %q: %w", id, err)
	}
	return nil
}

// forgetStatus drops a deleted camera's live status, closing its open
// outage at end; a collector writing the camera's status at that moment
// makes it read the outage again.
func (s *Store) forgetStatus(ctx context.Context, id string, end time.Time) error {
	keys := []string{keyStatus, keyState("up"), keyState("degraded"), keyState("down"), keyOpen, keyOutages, keyKnown, keyProbed}
	for attempt := 0; attempt < 5; attempt++ {
		raw, err := s.rdb.HGet(ctx, keyOpen, id).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		var closed []byte
		if raw != "" {
			var o sharpeyes.Outage
			if err := json.Unmarshal([]byte(raw), &o); err != nil {
				return fmt.Errorf("decode open outage: %w", err)
			}
			o.End, o.DurationS = &end, end.Sub(o.Start).Seconds()
			if closed, err = json.Marshal(o); err != nil {
				return fmt.Errorf("encode outage: %w", err)
			}
		}
		n, err := forgetStatusScript.Run(ctx, s.rdb, keys, id, raw, closed, end.UnixMilli()).Int()
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
	}
	return errors.New("its open outage kept changing")
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
