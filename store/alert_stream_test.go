package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestEventGroupKeepsUnackedEntriesPending(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.EnsureEventGroup(ctx, "alert", false); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for _, inst := range []string{"a", "b"} {
		if err := s.RecordIsolation(ctx, store.Isolation{Instance: inst, Slot: "s1", At: at, Probed: 100, Failed: 95}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ReadEventGroup(ctx, "alert", "c", "", 10, 0)
	if err != nil || len(got) != 2 {
		t.Fatalf("read: %+v, %v; want 2 entries", got, err)
	}
	if e := got[0]; e.Type != store.EventTypeIsolated || e.Instance != "a" || e.Failed != 95 || !e.At.Equal(at) {
		t.Fatalf("entry: %+v", e)
	}
	if err := s.AckEvents(ctx, "alert", got[0].ID); err != nil {
		t.Fatal(err)
	}
	pending, err := s.ReadEventGroup(ctx, "alert", "c", "0", 10, 0)
	if err != nil || len(pending) != 1 || pending[0].ID != got[1].ID {
		t.Fatalf("pending: %+v, %v; want the unacked entry", pending, err)
	}
	again, err := s.ReadEventGroup(ctx, "alert", "c", "", 10, 0)
	if err != nil || len(again) != 0 {
		t.Fatalf("read again: %+v, %v; want nothing new", again, err)
	}
}

func TestEventGroupComesBackAfterRedisRestartsEmpty(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := store.New(srv.Client())
	if err := s.EnsureEventGroup(ctx, "alert", false); err != nil {
		t.Fatal(err)
	}
	srv.Restart()
	if err := s.RecordIsolation(ctx, store.Isolation{Instance: "a", Slot: "s2", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadEventGroup(ctx, "alert", "c", "", 10, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("read after restart: %+v, %v; want the entry written after it", got, err)
	}
}

func TestAlertStateFields(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.SetAlertState(ctx, "w", map[string]string{"cam:1": "x", "cam:2": "y"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAlertState(ctx, "w", "cam:1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.AlertState(ctx, "w", []string{"cam:1", "cam:2", "cam:3"})
	if err != nil || len(got) != 1 || got["cam:2"] != "y" {
		t.Fatalf("state: %v, %v; want only cam:2", got, err)
	}
	global, err := s.AlertState(ctx, "", []string{"cam:2"})
	if err != nil || len(global) != 0 {
		t.Fatalf("global state: %v, %v; want apart from w's", global, err)
	}
}
