package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// On a Cluster the readiness write probe writes on every master, so that a
// master that takes no writes (dead, not yet replaced) makes it fail even
// when the other masters, the one of {co} among them, are fine.
func TestWriteProbeOnAClusterWritesOnEveryMaster(t *testing.T) {
	ctx := context.Background()
	cl := redistest.StartCluster(t)
	rdb := cl.Client(t)
	s := store.New(rdb)
	if err := s.ProbeWrite(ctx); err != nil {
		t.Fatalf("write probe of a healthy cluster: %v", err)
	}
	written := map[string]bool{}
	var mu sync.Mutex // ForEachMaster calls its func concurrently
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		keys, err := m.Keys(ctx, "se:*:ready:*").Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if len(keys) == 1 {
			written[m.Options().Addr] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("one readiness key on %d masters (%v), want on each of 3", len(written), written)
	}

	// Kill a master other than the one of {co}: its peers have not
	// noticed yet (cluster-node-timeout 5 s) and serve their own slots.
	co, err := rdb.MasterForKey(ctx, "se:{co}:x")
	if err != nil {
		t.Fatal(err)
	}
	victim := ""
	for _, a := range cl.Addrs {
		if a != co.Options().Addr {
			victim = a
			break
		}
	}
	if err := cl.Kill(victim); err != nil {
		t.Fatal(err)
	}
	err = s.ProbeWrite(ctx)
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), victim) {
		t.Fatalf("write probe with master %s dead: %v, want ErrUnavailable naming it", victim, err)
	}
}

// What cluster-require-full-coverage means for sharpeyes (docs/scale.md):
// with a master dead and no replica to take over, "yes" (Redis's default)
// stops every master (CLUSTERDOWN, even for keys whose master is up) once
// the peers agree it failed; "no" keeps the others serving their slots.
// Either way the readiness write probe fails: the dead master's slots take
// no writes.
func TestADeadMasterWithoutReplicaAndFullCoverage(t *testing.T) {
	for _, full := range []string{"yes", "no"} {
		t.Run("cluster-require-full-coverage "+full, func(t *testing.T) {
			ctx := context.Background()
			cl := redistest.StartClusterWith(t, redistest.ClusterConfig{NodeTimeout: time.Second,
				Args: []string{"--cluster-require-full-coverage", full}})
			rdb := cl.Client(t)
			s := store.New(rdb)
			co, err := rdb.MasterForKey(ctx, "se:{co}:x")
			if err != nil {
				t.Fatal(err)
			}
			victim := ""
			for _, a := range cl.Addrs {
				if a != co.Options().Addr {
					victim = a
					break
				}
			}
			if err := cl.Kill(victim); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				failed, err := redistest.MarkedFailed(ctx, co.Options().Addr, victim)
				if err != nil {
					t.Fatal(err)
				}
				if failed {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s never marked %s failed", co.Options().Addr, victim)
				}
				time.Sleep(50 * time.Millisecond) // polling the cluster's gossip: nothing to await
			}
			err = rdb.Set(ctx, "se:{co}:x", "1", time.Minute).Err()
			switch full {
			case "yes":
				if !redis.HasErrorPrefix(err, "CLUSTERDOWN") || !errors.Is(err, store.ErrUnavailable) {
					t.Errorf("write on a live master: %v, want CLUSTERDOWN (ErrUnavailable)", err)
				}
			case "no":
				if err != nil {
					t.Errorf("write on a live master: %v, want it taken", err)
				}
			}
			if err := s.ProbeWrite(ctx); !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("write probe: %v, want ErrUnavailable", err)
			}
		})
	}
}
