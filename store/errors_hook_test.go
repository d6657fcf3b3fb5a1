package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestOnErrorCountsFailuresButNotMissingKeys(t *testing.T) {
	srv := redistest.Start(t)
	s := store.New(srv.Client())
	var n atomic.Int64
	s.OnError(func(error) { n.Add(1) })
	ctx := context.Background()
	if _, err := s.Camera(ctx, "absent"); err == nil {
		t.Fatal("absent camera found")
	}
	if got := n.Load(); got != 0 {
		t.Fatalf("a missing key counted as %d errors, want 0", got)
	}
	srv.Stop()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("ping of a stopped server succeeded")
	}
	if n.Load() == 0 {
		t.Fatal("a failed ping was not counted")
	}
}
