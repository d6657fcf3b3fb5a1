package embedded_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/embedded"
	"github.com/sharpeyes/sharpeyes/store"
)

func start(t *testing.T) (*embedded.Server, *redis.Client) {
	t.Helper()
	s, err := embedded.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	opts, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return s, c
}

// Another local user who finds the port cannot read the camera
// credentials: the server refuses every command until AUTH with its
// random password, which only its URL carries.
func TestEmbeddedServerRefusesUnauthenticatedClients(t *testing.T) {
	s, authed := start(t)
	ctx := context.Background()
	if err := authed.HSet(ctx, store.PartitionKey("cam-1", "sec"), "cam-1", `{"password":"pw"}`).Err(); err != nil {
		t.Fatalf("authenticated write: %v", err)
	}
	for _, pw := range []string{"", "guess"} {
		c := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: pw, MaxRetries: -1})
		err := c.Ping(ctx).Err()
		_, herr := c.HGet(ctx, store.PartitionKey("cam-1", "sec"), "cam-1").Result()
		c.Close()
		if err == nil || herr == nil {
			t.Fatalf("password %q: PING %v, HGET %v; want both refused", pw, err, herr)
		}
	}
	if s.Addr() == "" || !strings.Contains(s.URL(), "@"+s.Addr()) {
		t.Fatalf("URL %q does not carry the password for %s", "redacted", s.Addr())
	}
}

// The embedded server's clock follows the wall clock, so a key with a TTL
// disappears without anyone moving it by hand.
func TestKeysWithTTLExpire(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	if err := c.Set(ctx, "lease", "x", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond) // the wall clock is what is under test
	defer tick.Stop()
	for range tick.C {
		_, err := c.Get(ctx, "lease").Result()
		if errors.Is(err, redis.Nil) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("key with a 300ms TTL still there after 5s")
		}
	}
}

// The same store code runs against the embedded server as against a real
// redis-server.
func TestStoreRunsOnEmbedded(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	s := store.New(c)
	cam := sharpeyes.Camera{ID: "cam-1", Name: "东门", Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP}
	if err := cam.Normalize(); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, cam); err != nil {
		t.Fatal(err)
	}
	p, err := s.List(ctx, sharpeyes.Filter{Q: "东"}, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cameras) != 1 || p.Cameras[0].ID != "cam-1" {
		t.Fatalf("list: got %d cameras, want cam-1", len(p.Cameras))
	}
}
