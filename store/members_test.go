package store_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestHeartbeatListsLiveMembersUntilTheyLeaveOrFallSilent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const ttl = 2 * time.Second // long enough that a loaded machine keeps a and b live between calls
	beat := func(instance string) []string {
		t.Helper()
		live, err := s.Heartbeat(ctx, instance, ttl)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(live)
		return live
	}
	if got := beat("a"); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("first heartbeat: live %v, want [a]", got)
	}
	if got := beat("b"); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("second member: live %v, want [a b]", got)
	}
	if err := s.LeaveMembers(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := beat("b"); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after a left: live %v, want [b]", got)
	}
	// c falls silent: b alone is live once c's heartbeat is a TTL old.
	beat("c")
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := beat("b")
		if slices.Equal(got, []string{"b"}) {
			break
		}
		if !slices.Equal(got, []string{"b", "c"}) || time.Now().After(deadline) {
			t.Fatalf("c silent: live %v, want [b c] then [b] within the TTL", got)
		}
		time.Sleep(20 * time.Millisecond) // waiting for Redis' clock to pass the TTL: nothing to await
	}
}
