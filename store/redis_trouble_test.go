package store_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// noEviction is a small Redis that refuses writes once full.
var noEviction = redistest.Args("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")

func TestStoppedRedisGivesErrUnavailable(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := store.New(srv.Client())
	if _, err := s.PutMany(ctx, []sharpeyes.Camera{cam("a", "x")}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	calls := map[string]error{}
	_, calls["camera"] = s.Camera(ctx, "a")
	_, calls["put many"] = s.PutMany(ctx, []sharpeyes.Camera{cam("b", "x")})
	_, calls["snapshot"] = s.Snapshot(ctx)
	calls["ping"] = s.Ping(ctx)
	calls["write probe"] = s.ProbeWrite(ctx)
	for name, err := range calls {
		if !errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrFull) {
			t.Errorf("%s with redis stopped: %v, want ErrUnavailable", name, err)
		}
	}
}

func TestFullRedisGivesErrFull(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, noEviction)
	s := store.New(srv.Client())
	if err := s.ProbeWrite(ctx); err != nil {
		t.Fatalf("write probe of an empty redis: %v", err)
	}
	srv.Fill()
	if s.RecentlyFull(time.Minute) {
		t.Fatal("recently full before any refused write of the store")
	}
	_, err := s.PutMany(ctx, []sharpeyes.Camera{cam("a", "x"), cam("b", "x")})
	if !errors.Is(err, store.ErrFull) {
		t.Fatalf("put many into a full redis: %v, want ErrFull", err)
	}
	if !s.RecentlyFull(time.Minute) {
		t.Fatal("a write refused with OOM does not count as recently full")
	}
	if err := s.Create(ctx, cam("c", "x")); !errors.Is(err, store.ErrFull) {
		t.Fatalf("create in a full redis: %v, want ErrFull", err)
	}
	if err := s.ProbeWrite(ctx); !errors.Is(err, store.ErrFull) {
		t.Fatalf("write probe of a full redis: %v, want ErrFull", err)
	}
	if _, err := s.Snapshot(ctx); err != nil {
		t.Fatalf("reading a full redis: %v", err)
	}
}

func TestCheckEvictionNamesAPolicyThatMayEvict(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		policy string // "" when none may evict
	}{
		{"noeviction", []string{"--maxmemory-policy", "noeviction"}, ""},
		{"allkeys-lru", []string{"--maxmemory-policy", "allkeys-lru"}, "allkeys-lru"},
		{"volatile-ttl", []string{"--maxmemory-policy", "volatile-ttl"}, "volatile-ttl"},
		{"config disabled, read from info", []string{"--maxmemory-policy", "allkeys-lfu", "--rename-command", "CONFIG", ""}, "allkeys-lfu"},
		{"config renamed, noeviction", []string{"--rename-command", "CONFIG", "CONFIG-b1e2"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store.New(redistest.Start(t, redistest.Args(tt.args...)).Client())
			err := s.CheckEviction(context.Background())
			var ev *store.EvictionError
			switch {
			case tt.policy == "" && err != nil:
				t.Fatalf("check: %v, want nil", err)
			case tt.policy == "":
			case !errors.As(err, &ev) || ev.Policy != tt.policy:
				t.Fatalf("check: %v, want an EvictionError naming %s", err, tt.policy)
			case !strings.Contains(err.Error(), "CONFIG SET maxmemory-policy noeviction"):
				t.Fatalf("%v: does not say how to fix it", err)
			}
		})
	}
}

func TestCheckEvictionOfAStoppedRedisIsUnavailable(t *testing.T) {
	srv := redistest.Start(t)
	s := store.New(srv.Client())
	srv.Stop()
	if err := s.CheckEviction(context.Background()); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("check of a stopped redis: %v, want ErrUnavailable", err)
	}
}

// A managed Redis that refuses CONFIG and INFO leaves the policy unknown:
// the check says so every time, without asking again or counting the
// refusals as Redis errors.
func TestCheckEvictionOfARedisRefusingConfigAndInfo(t *testing.T) {
	srv := redistest.Start(t, redistest.Args("--rename-command", "CONFIG", "", "--rename-command", "INFO", ""))
	s := store.New(srv.Client())
	var errs atomic.Int64
	s.OnError(func(error) { errs.Add(1) })
	for range 2 {
		err := s.CheckEviction(context.Background())
		var ev *store.EvictionError
		if err == nil || errors.As(err, &ev) || errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("check: %v, want an error saying the policy cannot be read", err)
		}
	}
	if n := errs.Load(); n != 0 {
		t.Fatalf("%d refusals counted as redis errors, want 0", n)
	}
}
