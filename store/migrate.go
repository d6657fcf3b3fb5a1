package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The first key schema kept the per-camera data in one key per kind (one
// hash for the whole inventory, one for every status...). MigrateSchema
// moves such a store into the partitions of partition.go once; a store
// that was never written, or already moved, is only marked.
const (
	keySchema      = "se:{inv}:schema"
	keyMigrateLock = "se:{inv}:migrate"
	schemaVersion  = "2"
)

// Keys of the first schema, by hash tag.
var (
	oldInventoryKeys = []string{"se:{inv}:cam", "se:{inv}:sec"}
	oldStatusKeys    = []string{"se:{st}:status", "se:{st}:state:up", "se:{st}:state:degraded",
		"se:{st}:state:down", "se:{st}:open", "se:{st}:probed"}
)

// migrateLockTTL bounds how long a migration may hold the lock without
// renewing it; other processes wait for it up to migrateWait.
const (
	migrateLockTTL = 10 * time.Minute
	migrateWait    = 15 * time.Minute
)

// MigrateSchema moves a store written by the first key schema (se:{inv}:cam,
// se:{st}:status...) into the partitioned one and returns how many cameras
// it moved. Only one process migrates; others wait for it. It is safe to
// run again after an interruption: fields already moved are kept, and the
// old keys are deleted only once everything is copied. Every process that
// opens the store calls it before use (cmd/sharpeyes does, at start). It
// also finishes imports interrupted while switching in (ResumeImports).
func (s *Store) MigrateSchema(ctx context.Context) (int, error) {
	v, err := s.rdb.Get(ctx, keySchema).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("read key schema version: %w", err)
	}
	if v == schemaVersion {
		_, err := s.ResumeImports(ctx)
		return 0, err
	}
	if v != "" {
		return 0, fmt.Errorf("key schema version %q is newer than this sharpeyes knows (%s): upgrade sharpeyes", v, schemaVersion)
	}
	token := newToken()
	deadline := time.Now().Add(migrateWait)
	for {
		ok, err := s.rdb.SetNX(ctx, keyMigrateLock, token, migrateLockTTL).Result()
		if err != nil {
			return 0, fmt.Errorf("lock key schema migration: %w", err)
		}
		if ok {
			break
		}
		// Another process migrates: wait for it to finish.
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if v, _ := s.rdb.Get(ctx, keySchema).Result(); v == schemaVersion {
			_, err := s.ResumeImports(ctx)
			return 0, err
		}
		if time.Now().After(deadline) {
			return 0, errors.New("key schema migration: another process holds the lock " + keyMigrateLock)
		}
	}
	defer s.rdb.Del(context.WithoutCancel(ctx), keyMigrateLock)
	n, err := s.migrate(ctx)
	if err != nil {
		return n, fmt.Errorf("migrate key schema (run again to resume): %w", err)
	}
	_, err = s.ResumeImports(ctx)
	return n, err
}

func (s *Store) migrate(ctx context.Context) (int, error) {
	// Hashes: field by field into the partition, keeping what is there.
	hashes := []struct {
		old  string
		part func(*partKeys) string
	}{
		{"se:{inv}:cam", camKey}, {"se:{inv}:sec", secKey},
		{"se:{st}:status", statusKey}, {"se:{st}:open", func(k *partKeys) string { return k.open }},
	}
	cameras := 0
	for _, h := range hashes {
		n, err := s.migrateHash(ctx, h.old, h.part)
		if err != nil {
			return cameras, err
		}
		if h.old == "se:{inv}:cam" {
			cameras = n
		}
	}
	for i, st := range knownStates {
		if err := s.migrateSet(ctx, "se:{st}:state:"+string(st), i); err != nil {
			return cameras, err
		}
	}
	if err := s.migrateProbed(ctx); err != nil {
		return cameras, err
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range parts {
			p.Set(ctx, parts[i].ver, newToken(), 0)
		}
		return nil
	})
	if err == nil {
		err = s.rdb.Set(ctx, keyVersion, newToken(), 0).Err()
	}
	if err == nil {
		err = s.unlinkEach(ctx, append(append([]string{}, oldInventoryKeys...), oldStatusKeys...))
	}
	if err == nil {
		err = s.rdb.Set(ctx, keySchema, schemaVersion, 0).Err()
	}
	return cameras, err
}

// unlinkEach deletes keys one by one (they span two slots).
func (s *Store) unlinkEach(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if err := s.rdb.Unlink(ctx, k).Err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) migrateHash(ctx context.Context, old string, part func(*partKeys) string) (int, error) {
	var cursor uint64
	moved := 0
	for {
		kv, next, err := s.rdb.HScan(ctx, old, cursor, "*", batch).Result()
		if err != nil {
			return moved, fmt.Errorf("scan %s: %w", old, err)
		}
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := 0; i+1 < len(kv); i += 2 {
				p.HSetNX(ctx, part(&parts[partitionOf(kv[i])]), kv[i], kv[i+1])
			}
			return nil
		})
		if err != nil {
			return moved, fmt.Errorf("copy %s: %w", old, err)
		}
		moved += len(kv) / 2
		if cursor = next; cursor == 0 {
			return moved, nil
		}
	}
}

func (s *Store) migrateSet(ctx context.Context, old string, state int) error {
	var cursor uint64
	for {
		ids, next, err := s.rdb.SScan(ctx, old, cursor, "*", batch).Result()
		if err != nil {
			return fmt.Errorf("scan %s: %w", old, err)
		}
		grouped := byPartition(ids)
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for pi, pids := range grouped {
				if len(pids) > 0 {
					p.SAdd(ctx, parts[pi].state[state], toAny(pids)...)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copy %s: %w", old, err)
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

func (s *Store) migrateProbed(ctx context.Context) error {
	const old = "se:{st}:probed"
	var cursor uint64
	for {
		kv, next, err := s.rdb.ZScan(ctx, old, cursor, "*", batch).Result()
		if err != nil {
			return fmt.Errorf("scan %s: %w", old, err)
		}
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := 0; i+1 < len(kv); i += 2 {
				p.ZAddGT(ctx, parts[partitionOf(kv[i])].probed, redis.Z{Score: parseScore(kv[i+1]), Member: kv[i]})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copy %s: %w", old, err)
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
