package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func mustLease(t *testing.T, ok bool, err error, want bool, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if ok != want {
		t.Fatalf("%s: got %v, want %v", what, ok, want)
	}
}

func TestLeaseIsExclusiveUntilReleased(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	key := store.SweepLeaseKey("default@1", 7)
	ok, err := s.TryLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a takes")
	ok, err = s.TryLease(ctx, key, "b", time.Minute)
	mustLease(t, ok, err, false, "b takes a held lease")
	ok, err = s.RenewLease(ctx, key, "b", time.Minute)
	mustLease(t, ok, err, false, "b renews a's lease")
	ok, err = s.RenewLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a renews")
	if err := s.ReleaseLease(ctx, key, "b"); err != nil {
		t.Fatal(err)
	}
	ok, err = s.TryLease(ctx, key, "b", time.Minute)
	mustLease(t, ok, err, false, "b takes after b's bogus release")
	if err := s.ReleaseLease(ctx, key, "a"); err != nil {
		t.Fatal(err)
	}
	ok, err = s.TryLease(ctx, key, "b", time.Minute)
	mustLease(t, ok, err, true, "b takes after a released")
}

func TestExpiredLeaseIsTakenByAnother(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	key := store.SweepLeaseKey("default@1", 0)
	ok, err := s.TryLease(ctx, key, "dead", 100*time.Millisecond)
	mustLease(t, ok, err, true, "dead takes")
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := s.TryLease(ctx, key, "alive", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a 100ms lease still held after 5s")
		}
		time.Sleep(20 * time.Millisecond) // waiting for a TTL: nothing to await
	}
	ok, err = s.RenewLease(ctx, key, "dead", time.Minute)
	mustLease(t, ok, err, false, "dead owner renews after losing the lease")
}

func TestDoneShardIsNeverTakenAgain(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	keys := []string{store.SweepLeaseKey("s", 0), store.SweepLeaseKey("s", 1)}
	ok, err := s.TryLease(ctx, keys[0], "a", time.Minute)
	mustLease(t, ok, err, true, "a takes")
	if err := s.MarkDone(ctx, keys[0], "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	ok, err = s.TryLease(ctx, keys[0], "b", time.Minute)
	mustLease(t, ok, err, false, "b takes a done shard")
	ok, err = s.RenewLease(ctx, keys[0], "a", time.Minute)
	mustLease(t, ok, err, false, "a renews a done shard")
	done, err := s.LeasesDone(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if !done[0] || done[1] {
		t.Fatalf("done: %v, want [true false]", done)
	}
}

func TestRenewRetakesVanishedLease(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	key := store.SweepLeaseKey("s", 3)
	ok, err := s.TryLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a takes")
	if err := redistest.FlushAll(ctx, s.Client()); err != nil { // as after a Redis restart
		t.Fatal(err)
	}
	ok, err = s.RenewLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a renews a vanished lease")
	ok, err = s.TryLease(ctx, key, "b", time.Minute)
	mustLease(t, ok, err, false, "b takes the retaken lease")
}

func TestTryLeaseNeverRegrantsToItsHolder(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	key := store.SweepLeaseKey("default@1", 2)
	ok, err := s.TryLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a takes")
	ok, err = s.TryLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, false, "a takes the lease it already holds")
	ok, err = s.RenewLease(ctx, key, "a", time.Minute)
	mustLease(t, ok, err, true, "a renews")
}

func TestOnceSweepIsJoinedUntilEnded(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	got, err := s.JoinOnceSweep(ctx, "once@1-a", time.Minute)
	if err != nil || got != "once@1-a" {
		t.Fatalf("first run: %q, %v; want it to start once@1-a", got, err)
	}
	got, err = s.JoinOnceSweep(ctx, "once@2-b", time.Minute)
	if err != nil || got != "once@1-a" {
		t.Fatalf("second run: %q, %v; want it to join once@1-a", got, err)
	}
	if err := s.EndOnceSweep(ctx, "once@2-b", 0); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.JoinOnceSweep(ctx, "once@3-c", time.Minute); got != "once@1-a" {
		t.Fatalf("after another sweep's end: %q, want once@1-a still running", got)
	}
	ok, err := s.RenewOnceSweep(ctx, "once@1-a", time.Minute)
	mustLease(t, ok, err, true, "a participant renews")
	if err := s.EndOnceSweep(ctx, "once@1-a", 0); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.JoinOnceSweep(ctx, "once@4-d", time.Minute); got != "once@4-d" {
		t.Fatalf("after the end: %q, want a new sweep once@4-d", got)
	}
	ok, err = s.RenewOnceSweep(ctx, "once@1-a", time.Minute)
	mustLease(t, ok, err, false, "a participant of an ended sweep renews")
}

// A sweep's leases and done markers live with their shard's partition, so
// that on a Cluster they spread over the masters like the cameras (under
// one tag, one master held every sweep's 64 leases and done markers).
func TestSweepLeaseKeysShareTheirPartitionsHashTag(t *testing.T) {
	for _, shard := range []int{0, 7, 63, 64, 100} {
		key := store.SweepLeaseKey("default@1796029012", shard)
		part := store.AllPartitionKeys("cam")[shard%store.Partitions]
		tag := part[strings.Index(part, "{") : strings.Index(part, "}")+1]
		if got := key[strings.Index(key, "{") : strings.Index(key, "}")+1]; got != tag {
			t.Errorf("shard %d: lease key %q has tag %s, want %s", shard, key, got, tag)
		}
	}
}
