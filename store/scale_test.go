package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// keysMatching lists the keys matching pattern on every master.
func keysMatching(t *testing.T, rdb redis.UniversalClient, pattern string) []string {
	t.Helper()
	ctx := context.Background()
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		ks, err := rdb.Keys(ctx, pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		return ks
	}
	var mu sync.Mutex
	var out []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		ks, err := c.Keys(ctx, pattern).Result()
		mu.Lock()
		out = append(out, ks...)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cams(n int, prefix, region string) []sharpeyes.Camera {
	out := make([]sharpeyes.Camera, n)
	for i := range out {
		out[i] = cam(fmt.Sprintf("%s%06d", prefix, i), region)
	}
	return out
}

func TestOneEditReloadsOnePartition(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	writer, replica := store.New(rdb), store.New(rdb)
	if _, err := writer.PutMany(ctx, cams(2000, "c", "old")); err != nil {
		t.Fatal(err)
	}
	if _, err := replica.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if got := replica.PartitionLoads(); got != store.Partitions {
		t.Fatalf("first snapshot read %d partitions, want all %d", got, store.Partitions)
	}
	edited := cam("c000042", "new")
	if _, err := writer.Put(ctx, edited); err != nil {
		t.Fatal(err)
	}
	before := replica.PartitionLoads()
	snap, err := replica.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := replica.PartitionLoads() - before; got != 1 {
		t.Fatalf("after one edit the replica read %d partitions, want 1", got)
	}
	c, ok := snap.Get("c000042")
	if !ok || c.Region != "new" || snap.Len() != 2000 {
		t.Fatalf("snapshot after the edit: camera %+v (found %v), %d cameras; want region new of 2000", c, ok, snap.Len())
	}
	if other, _ := snap.Get("c000043"); other == nil || other.Region != "old" {
		t.Fatalf("an unedited camera: %+v, want region old", other)
	}
	if err := writer.Delete(ctx, "c000007"); err != nil {
		t.Fatal(err)
	}
	before = replica.PartitionLoads()
	if snap, err = replica.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if got := replica.PartitionLoads() - before; got != 1 || snap.Len() != 1999 {
		t.Fatalf("after a delete the replica read %d partitions and holds %d cameras, want 1 and 1999", got, snap.Len())
	}
	for i := 1; i < snap.Len(); i++ {
		if snap.ID(i-1) >= snap.ID(i) {
			t.Fatalf("snapshot out of id order at %d: %s then %s", i, snap.ID(i-1), snap.ID(i))
		}
	}
}

// cancelOnStaging cancels its context when the n-th pipeline writing
// staging keys starts, before it is sent.
type cancelOnStaging struct {
	n      int32
	seen   atomic.Int32
	cancel context.CancelFunc
}

func (h *cancelOnStaging) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *cancelOnStaging) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *cancelOnStaging) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if len(c.Args()) < 2 || c.Name() != "hset" {
				continue
			}
			if k, ok := c.Args()[1].(string); ok && strings.Contains(k, ":stage:") {
				if h.seen.Add(1) == h.n {
					h.cancel()
				}
				break
			}
		}
		return next(ctx, cmds)
	}
}

func TestInterruptedImportLeavesTheOldInventoryAndNoStaging(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	s := store.New(rdb)
	if _, err := s.PutMany(ctx, cams(3000, "c", "old")); err != nil {
		t.Fatal(err)
	}
	ictx, cancel := context.WithCancel(ctx)
	defer cancel()
	hook := &cancelOnStaging{n: 3, cancel: cancel}
	rdb.AddHook(hook)
	_, err := s.PutMany(ictx, cams(6000, "c", "new"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import cancelled midway: got %v, want context.Canceled", err)
	}
	if hook.seen.Load() < 3 {
		t.Fatalf("the import was cancelled after %d staging rounds, want 3", hook.seen.Load())
	}
	snap, err := store.New(rdb).Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Len() != 3000 {
		t.Fatalf("after the interrupted import: %d cameras, want the old 3000", snap.Len())
	}
	for _, c := range snap.Cameras() {
		if c.Region != "old" {
			t.Fatalf("camera %s has region %q after the interrupted import, want old", c.ID, c.Region)
		}
	}
	if left := keysMatching(t, rdb, "se:*:stage:*"); len(left) > 0 {
		t.Fatalf("staging keys left behind: %v", left)
	}
	if n := rdb.HLen(ctx, "se:{inv}:imports").Val(); n != 0 {
		t.Fatalf("%d imports recorded as under way, want none", n)
	}
}

func TestStagingKeysExpire(t *testing.T) {
	// An import that dies while staging cannot drop its keys: they expire.
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	s := store.New(rdb)
	var ttls []time.Duration
	var mu sync.Mutex
	rdb.AddHook(ttlProbe{rdb: rdb, out: &ttls, mu: &mu})
	if _, err := s.PutMany(ctx, cams(500, "c", "x")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ttls) == 0 {
		t.Fatal("no staging key seen")
	}
	for _, d := range ttls {
		if d <= 0 || d > store.StageTTL {
			t.Fatalf("staging key TTL %v, want within (0, %v]", d, store.StageTTL)
		}
	}
}

// ttlProbe reads the TTL of the staging keys a pipeline wrote, right after
// it ran.
type ttlProbe struct {
	rdb redis.UniversalClient
	out *[]time.Duration
	mu  *sync.Mutex
}

func (h ttlProbe) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h ttlProbe) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h ttlProbe) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			if len(c.Args()) > 1 && c.Name() == "expire" {
				if k, ok := c.Args()[1].(string); ok && strings.Contains(k, ":stage:") {
					d := h.rdb.TTL(context.Background(), k).Val()
					h.mu.Lock()
					*h.out = append(*h.out, d)
					h.mu.Unlock()
				}
			}
		}
		return err
	}
}

func TestMigrateSchemaMovesTheFirstSchema(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	// A store written by the first schema: one key per kind.
	const n = 300
	for i := range n {
		c := cam(fmt.Sprintf("old-%03d", i), "r")
		raw, _ := json.Marshal(c)
		rdb.HSet(ctx, "se:{inv}:cam", c.ID, raw)
		rdb.HSet(ctx, "se:{inv}:sec", c.ID, `{"username":"u","password":"pw"}`)
		st := sharpeyes.Status{State: sharpeyes.StateUp, Since: t0, LastProbe: t0, Seq: 3}
		if i%10 == 0 {
			st.State, st.Reason = sharpeyes.StateDown, sharpeyes.ReasonTimeout
			o, _ := json.Marshal(sharpeyes.Outage{CameraID: c.ID, Start: t0, Reason: sharpeyes.ReasonTimeout})
			rdb.HSet(ctx, "se:{st}:open", c.ID, o)
		}
		sraw, _ := json.Marshal(st)
		rdb.HSet(ctx, "se:{st}:status", c.ID, sraw)
		rdb.SAdd(ctx, "se:{st}:state:"+string(st.State), c.ID)
		rdb.ZAdd(ctx, "se:{st}:probed", redis.Z{Score: float64(t0.UnixMilli()), Member: c.ID})
	}
	rdb.Set(ctx, "se:{inv}:ver", "old", 0)
	s := store.New(rdb)
	moved, err := s.MigrateSchema(ctx)
	if err != nil || moved != n {
		t.Fatalf("migrate: %d cameras, %v; want %d", moved, err, n)
	}
	snap, err := s.Snapshot(ctx)
	if err != nil || snap.Len() != n {
		t.Fatalf("snapshot after migration: %d cameras, %v; want %d", snap.Len(), err, n)
	}
	creds, err := s.Credentials(ctx, []string{"old-007"})
	if err != nil || creds["old-007"].Password != "pw" {
		t.Fatalf("credentials after migration: %+v, %v", creds, err)
	}
	st, err := s.Status(ctx, "old-010")
	if err != nil || st.State != sharpeyes.StateDown || st.Seq != 3 {
		t.Fatalf("status after migration: %+v, %v; want down seq 3", st, err)
	}
	members, ver, err := s.StateMembers(ctx)
	if err != nil || len(members[sharpeyes.StateUp]) != n-n/10 || len(members[sharpeyes.StateDown]) != n/10 {
		t.Fatalf("state sets after migration: %d up %d down (%v), want %d and %d", len(members[sharpeyes.StateUp]),
			len(members[sharpeyes.StateDown]), err, n-n/10, n/10)
	}
	if ver.Counts != [3]int64{n - n/10, 0, n / 10} {
		t.Fatalf("state counts %v", ver.Counts)
	}
	open, err := s.OpenOutages(ctx)
	if err != nil || len(open) != n/10 {
		t.Fatalf("open outages after migration: %d, %v; want %d", len(open), err, n/10)
	}
	sum, err := s.ReadSummary(ctx, time.Time{})
	if err != nil || sum.Probed != n {
		t.Fatalf("probe index after migration: %d, %v; want %d", sum.Probed, err, n)
	}
	if left := keysMatching(t, rdb, "se:{inv}:c*"); len(left) > 0 {
		t.Fatalf("old inventory keys left: %v", left)
	}
	for _, k := range []string{"se:{inv}:sec", "se:{st}:status", "se:{st}:open", "se:{st}:probed", "se:{st}:state:up", "se:{st}:state:down"} {
		if rdb.Exists(ctx, k).Val() != 0 {
			t.Fatalf("old key %s left after migration", k)
		}
	}
	// A status write after the migration finds the migrated Seq.
	mustApply(t, s, change("old-001", st, sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0.Add(time.Minute)))
	if again, err := store.New(rdb).MigrateSchema(ctx); err != nil || again != 0 {
		t.Fatalf("second migration: %d, %v; want 0 (done once)", again, err)
	}
}

func TestLargeImportSpreadsOverPartitions(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 cameras")
	}
	n := 100_000
	if raceOn {
		n = 20_000 // ~5x slower under the race detector
	}
	ctx := context.Background()
	target := redistest.StartTarget(t)
	rdb := target.Client()
	s := store.New(rdb)
	res, err := s.PutMany(ctx, cams(n, "p", "r"))
	if err != nil || res.Created != n {
		t.Fatalf("import of %d: %+v, %v", n, res, err)
	}
	snap, err := store.New(rdb).Snapshot(ctx)
	if err != nil || snap.Len() != n {
		t.Fatalf("snapshot: %d cameras, %v; want %d", snap.Len(), err, n)
	}
	if left := keysMatching(t, rdb, "se:*:stage:*"); len(left) > 0 {
		t.Fatalf("staging keys left behind: %v", left)
	}
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return
	}
	// No master holds more than half of the cameras.
	var mu sync.Mutex
	var shares []int64
	err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		var held int64
		for _, k := range store.AllPartitionKeys("cam") {
			if v, err := c.HLen(ctx, k).Result(); err == nil {
				held += v
			}
		}
		mu.Lock()
		shares = append(shares, held)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, h := range shares {
		total += h
		if h > int64(n/2) {
			t.Fatalf("one master holds %d of %d cameras: %v", h, n, shares)
		}
	}
	if total != int64(n) {
		t.Fatalf("masters hold %d cameras in all (%v), want %d", total, shares, n)
	}
	t.Logf("cameras per master: %v", shares)
}
