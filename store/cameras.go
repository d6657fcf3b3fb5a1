package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
)

// Camera returns one camera, without its credentials, or ErrNotFound.
func (s *Store) Camera(ctx context.Context, id string) (sharpeyes.Camera, error) {
	var c sharpeyes.Camera
	raw, err := s.rdb.HGet(ctx, parts[partitionOf(id)].cam, id).Result()
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
	err := s.hmgetBatches(ctx, secKey, ids, func(id, raw string) error {
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
	err := s.hmgetBatches(ctx, camKey, ids, func(id, _ string) error {
		out[id] = true
		return nil
	})
	return out, err
}

// createScript adds one camera if its id is free, with its credentials
// (or none: secrets of an earlier camera of that id never carry over) and
// its lifecycle change (a relay entry), atomically. KEYS: the partition's
// cameras, secrets, relay list, version; ARGV: id, camera JSON,
// credentials JSON or "", relay entry, version token. It returns 0 when
// the id is taken.
var createScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
else
  redis.call('HDEL', KEYS[2], ARGV[1])
end
redis.call('RPUSH', KEYS[3], ARGV[4])
redis.call('SET', KEYS[4], ARGV[5])
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
	pi := partitionOf(c.ID)
	k := &parts[pi]
	n, err := createScript.Run(ctx, s.rdb, []string{k.cam, k.sec, k.relay, k.ver},
		c.ID, raw, sec, lifecycleEntry(change, now, 0), newToken()).Int()
	if err != nil {
		return fmt.Errorf("create camera %q: %w", c.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("camera %q: %w", c.ID, ErrExists)
	}
	if err := s.afterInventoryWrite(ctx, []int{pi}); err != nil {
		return fmt.Errorf("create camera %q: %w", c.ID, err)
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

// PutMany upserts cameras by id so that they land whole or not at all:
// the cameras of one partition in one MULTI/EXEC, those of several staged
// per partition in bounded batches and then switched in partition by
// partition (see importStaged). An empty username or
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
	type partWrite struct {
		cam, sec, relay []any
		del             []string
	}
	var writes [Partitions]*partWrite
	for ci, c := range cams {
		pi := partitionOf(c.ID)
		w := writes[pi]
		if w == nil {
			w = &partWrite{}
			writes[pi] = w
		}
		old, existed := prev[c.ID]
		moved := existed && (old.Host != c.Host || old.Port != c.Port)
		if existed {
			res.Updated++
		} else {
			res.Created++
		}
		if !existed || old.Lifecycle != c.Lifecycle {
			w.relay = append(w.relay, lifecycleEntry(encodeLifecycleChange(sharpeyes.LifecycleChange{
				CameraID: c.ID, From: old.Lifecycle, To: c.Lifecycle, At: now}), now, ci))
		}
		if _, had := creds[c.ID]; had && moved && c.Secret.Empty() {
			w.del = append(w.del, c.ID)
			res.CredentialsCleared++
		}
		raw, err := json.Marshal(c)
		if err != nil {
			return PutResult{}, fmt.Errorf("encode camera %q: %w", c.ID, err)
		}
		w.cam = append(w.cam, c.ID, raw)
		if !c.Secret.Empty() {
			cred := c.Secret
			if !moved {
				cred = mergeCredentials(creds[c.ID], c.Secret)
			}
			sraw, _ := json.Marshal(cred)
			w.sec = append(w.sec, c.ID, sraw)
		}
	}
	var touched []int
	var staged [Partitions]*stagedPart
	for pi, w := range writes {
		if w != nil {
			touched = append(touched, pi)
			staged[pi] = &stagedPart{cam: w.cam, sec: w.sec, relay: w.relay, del: w.del}
		}
	}
	if len(touched) == 1 {
		err = s.writePartition(ctx, touched[0], staged[touched[0]])
	} else {
		err = s.importStaged(ctx, staged)
	}
	if err != nil {
		return PutResult{}, fmt.Errorf("write %d cameras: %w", len(cams), err)
	}
	if err := s.afterInventoryWrite(ctx, touched); err != nil {
		return res, fmt.Errorf("write %d cameras: %w", len(cams), err)
	}
	return res, nil
}

// afterInventoryWrite replaces the global inventory version, after the
// partitions' own, and copies the partitions' lifecycle changes to the
// global history.
func (s *Store) afterInventoryWrite(ctx context.Context, ps []int) error {
	if err := s.rdb.Set(ctx, keyVersion, newToken(), 0).Err(); err != nil {
		return err
	}
	return s.relayPartitions(ctx, ps)
}

// lifecycleEntry is the relay entry of an encoded lifecycle change.
func lifecycleEntry(change string, at time.Time, i int) string {
	return relayEntry("l", relayOrder(time.Now().UnixNano(), i), strconv.FormatInt(at.UnixMilli(), 10), change)
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
// of its lifecycle, atomically. KEYS: the partition's cameras, secrets,
// relay list, version; ARGV: id, relay entry of the lifecycle change,
// version token. It returns 0 when the camera is absent.
var deleteScript = redis.NewScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[3])
return 1
`)

// forgetStatusScript drops a deleted camera's live status and, when its
// open outage is still the one read (ARGV[2], "" for none), closes it with
// the relay entry ARGV[3]; its first-known time goes with the relay entry
// ARGV[4]. KEYS: the partition's status, three state sets, open outages,
// relay list, probe index. It returns 0 when the open outage changed in
// between.
var forgetStatusScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[5], ARGV[1]) or ''
if cur ~= ARGV[2] then return 0 end
if cur ~= '' then
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('RPUSH', KEYS[6], ARGV[3])
end
redis.call('HDEL', KEYS[1], ARGV[1])
for k = 2, 4 do redis.call('SREM', KEYS[k], ARGV[1]) end
redis.call('RPUSH', KEYS[6], ARGV[4])
redis.call('ZREM', KEYS[7], ARGV[1])
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
	pi := partitionOf(id)
	k := &parts[pi]
	n, err := deleteScript.Run(ctx, s.rdb, []string{k.cam, k.sec, k.relay, k.ver},
		id, lifecycleEntry(change, now, 0), newToken()).Int()
	if err != nil {
		return fmt.Errorf("delete camera %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("camera %q: %w", id, ErrNotFound)
	}
	if err := s.forgetStatus(ctx, id, now); err != nil {
		return fmt.Errorf("delete status of %q: %w", id, err)
	}
	if err := s.afterInventoryWrite(ctx, []int{pi}); err != nil {
		return fmt.Errorf("delete camera %q: %w", id, err)
	}
	return nil
}

// forgetStatus drops a deleted camera's live status, closing its open
// outage at end; a collector writing the camera's status at that moment
// makes it read the outage again.
func (s *Store) forgetStatus(ctx context.Context, id string, end time.Time) error {
	k := &parts[partitionOf(id)]
	keys := []string{k.status, k.state[0], k.state[1], k.state[2], k.open, k.relay, k.probed}
	for attempt := 0; attempt < 5; attempt++ {
		raw, err := s.rdb.HGet(ctx, k.open, id).Result()
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
		n, err := forgetStatusScript.Run(ctx, s.rdb, keys, id, raw,
			relayEntry("o", relayOrder(time.Now().UnixNano(), 0), strconv.FormatInt(end.UnixMilli(), 10), string(closed)),
			relayEntry("K", relayOrder(time.Now().UnixNano(), 1), id)).Int()
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
	}
	return errors.New("its open outage kept changing")
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
