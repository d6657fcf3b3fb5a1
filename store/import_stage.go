package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// An import of cameras of several partitions is staged, then switched in:
//
//	se:{pNN}:stage:<import>:cam    HASH  camera id -> camera JSON to write
//	se:{pNN}:stage:<import>:sec    HASH  camera id -> credentials JSON to write
//	se:{pNN}:stage:<import>:del    SET   cameras whose credentials are dropped
//	se:{pNN}:stage:<import>:relay  LIST  their lifecycle changes (relay entries)
//	se:{inv}:imports               HASH  import -> partitions being switched in
//
// Staging writes bounded batches (stageBatch fields a command, stageRound
// commands a round trip, so that no reply waits on more than a few MB and
// the client's read timeout fits any import); every staging key expires
// after StageTTL. An import that fails while staging deletes what it
// staged and leaves the inventory as it was. Once everything is staged it
// records its partitions in se:{inv}:imports and switches each partition
// in with one script (commitStageScript); replicas see the new inventory
// when the global version changes after the last partition, and an import
// interrupted while switching is finished by ResumeImports (run at start by
// MigrateSchema) from its staging keys.
const (
	keyImports = "se:{inv}:imports"
	stageBatch = 500
	stageRound = 16
	// StageTTL bounds how long the keys of an abandoned import stay.
	StageTTL = time.Hour
	// commitTimeout bounds switching in one import's partitions, which
	// goes on after the caller's context is cancelled.
	commitTimeout = 2 * time.Minute
)

// stagedPart is what an import writes to one partition.
type stagedPart struct {
	cam, sec, relay []any
	del             []string
}

func stageKeys(p int, id string) (cam, sec, del, relay string) {
	pre := fmt.Sprintf("se:{p%02d}:stage:%s:", p, id)
	return pre + "cam", pre + "sec", pre + "del", pre + "relay"
}

// writePartition writes the cameras of one partition in one MULTI/EXEC.
func (s *Store) writePartition(ctx context.Context, pi int, w *stagedPart) error {
	k := &parts[pi]
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i := 0; i < len(w.del); i += batch {
			p.HDel(ctx, k.sec, w.del[i:min(i+batch, len(w.del))]...)
		}
		for i := 0; i < len(w.cam); i += 2 * batch {
			p.HSet(ctx, k.cam, w.cam[i:min(i+2*batch, len(w.cam))]...)
		}
		for i := 0; i < len(w.sec); i += 2 * batch {
			p.HSet(ctx, k.sec, w.sec[i:min(i+2*batch, len(w.sec))]...)
		}
		for i := 0; i < len(w.relay); i += batch {
			p.RPush(ctx, k.relay, w.relay[i:min(i+batch, len(w.relay))]...)
		}
		p.Set(ctx, k.ver, newToken(), 0)
		return nil
	})
	return err
}

// importStaged stages every partition's writes, then switches them in.
func (s *Store) importStaged(ctx context.Context, staged [Partitions]*stagedPart) error {
	id := newToken()
	var touched []string
	if err := s.stage(ctx, id, staged); err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if cerr := s.dropStage(cctx, id, staged); cerr != nil {
			err = errors.Join(err, fmt.Errorf("drop staged import (expires in %s): %w", StageTTL, cerr))
		}
		return err
	}
	for pi, w := range staged {
		if w != nil {
			touched = append(touched, fmt.Sprint(pi))
		}
	}
	// From here the import goes through, whatever the caller's context.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	if err := s.rdb.HSet(cctx, keyImports, id, strings.Join(touched, ",")).Err(); err != nil {
		_ = s.dropStage(cctx, id, staged)
		return fmt.Errorf("record import: %w", err)
	}
	return s.commitImport(cctx, id, touched)
}

// stage writes the staging keys in bounded round trips.
func (s *Store) stage(ctx context.Context, id string, staged [Partitions]*stagedPart) error {
	var queued []func(redis.Pipeliner)
	flush := func() error {
		if len(queued) == 0 {
			return nil
		}
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, q := range queued {
				q(p)
			}
			return nil
		})
		queued = queued[:0]
		return err
	}
	add := func(q func(redis.Pipeliner)) error {
		queued = append(queued, q)
		if len(queued) >= stageRound {
			return flush()
		}
		return nil
	}
	for pi, w := range staged {
		if w == nil {
			continue
		}
		cam, sec, del, relay := stageKeys(pi, id)
		for i := 0; i < len(w.cam); i += 2 * stageBatch {
			chunk := w.cam[i:min(i+2*stageBatch, len(w.cam))]
			if err := add(func(p redis.Pipeliner) { p.HSet(ctx, cam, chunk...); p.Expire(ctx, cam, StageTTL) }); err != nil {
				return err
			}
		}
		for i := 0; i < len(w.sec); i += 2 * stageBatch {
			chunk := w.sec[i:min(i+2*stageBatch, len(w.sec))]
			if err := add(func(p redis.Pipeliner) { p.HSet(ctx, sec, chunk...); p.Expire(ctx, sec, StageTTL) }); err != nil {
				return err
			}
		}
		for i := 0; i < len(w.del); i += stageBatch {
			chunk := toAny(w.del[i:min(i+stageBatch, len(w.del))])
			if err := add(func(p redis.Pipeliner) { p.SAdd(ctx, del, chunk...); p.Expire(ctx, del, StageTTL) }); err != nil {
				return err
			}
		}
		for i := 0; i < len(w.relay); i += stageBatch {
			chunk := w.relay[i:min(i+stageBatch, len(w.relay))]
			if err := add(func(p redis.Pipeliner) { p.RPush(ctx, relay, chunk...); p.Expire(ctx, relay, StageTTL) }); err != nil {
				return err
			}
		}
	}
	return flush()
}

// dropStage deletes an import's staging keys.
func (s *Store) dropStage(ctx context.Context, id string, staged [Partitions]*stagedPart) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for pi, w := range staged {
			if w != nil {
				cam, sec, del, relay := stageKeys(pi, id)
				p.Del(ctx, cam, sec, del, relay)
			}
		}
		return nil
	})
	return err
}

// commitStageScript switches one partition's staged writes in. KEYS: the
// partition's cameras, secrets, relay list, version, then the staged
// cameras, secrets, dropped secrets, relay entries; ARGV: version token.
// It returns 0 when nothing was staged (already switched in).
var commitStageScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[5], KEYS[6], KEYS[7], KEYS[8]) == 0 then return 0 end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[7])) do redis.call('HDEL', KEYS[2], id) end
local function merge(src, dst)
  local kv = redis.call('HGETALL', src)
  for i = 1, #kv, 1000 do
    redis.call('HSET', dst, unpack(kv, i, math.min(i + 999, #kv)))
  end
end
merge(KEYS[5], KEYS[1])
merge(KEYS[6], KEYS[2])
local rl = redis.call('LRANGE', KEYS[8], 0, -1)
for i = 1, #rl, 1000 do
  redis.call('RPUSH', KEYS[3], unpack(rl, i, math.min(i + 999, #rl)))
end
redis.call('SET', KEYS[4], ARGV[1])
redis.call('DEL', KEYS[5], KEYS[6], KEYS[7], KEYS[8])
return 1
`)

// commitImport switches in the staged partitions of one import and drops
// its record.
func (s *Store) commitImport(ctx context.Context, id string, partitions []string) error {
	for _, ps := range partitions {
		var pi int
		if _, err := fmt.Sscan(ps, &pi); err != nil || pi < 0 || pi >= Partitions {
			continue
		}
		k := &parts[pi]
		cam, sec, del, relay := stageKeys(pi, id)
		if err := commitStageScript.Run(ctx, s.rdb, []string{k.cam, k.sec, k.relay, k.ver, cam, sec, del, relay},
			newToken()).Err(); err != nil {
			return fmt.Errorf("switch in partition %d of import %s: %w", pi, id, err)
		}
	}
	if err := s.rdb.HDel(ctx, keyImports, id).Err(); err != nil {
		return fmt.Errorf("import %s: %w", id, err)
	}
	return nil
}

// ResumeImports finishes the imports that were interrupted while switching
// their partitions in, and returns how many it finished.
func (s *Store) ResumeImports(ctx context.Context) (int, error) {
	pending, err := s.rdb.HGetAll(ctx, keyImports).Result()
	if err != nil {
		return 0, fmt.Errorf("read interrupted imports: %w", err)
	}
	n := 0
	for id, list := range pending {
		ps := strings.Split(list, ",")
		if err := s.commitImport(ctx, id, ps); err != nil {
			return n, err
		}
		var touched []int
		for _, p := range ps {
			var pi int
			if _, err := fmt.Sscan(p, &pi); err == nil {
				touched = append(touched, pi)
			}
		}
		if err := s.afterInventoryWrite(ctx, touched); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
