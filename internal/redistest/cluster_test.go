package redistest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

func TestStartClusterServesEverySlotAndFlushes(t *testing.T) {
	ctx := context.Background()
	c := redistest.StartCluster(t)
	rdb := c.Client(t)
	masters := map[string]bool{}
	for i := range 50 {
		key := fmt.Sprintf("k%d", i)
		if err := rdb.Set(ctx, key, "v", 0).Err(); err != nil {
			t.Fatalf("set %s: %v", key, err)
		}
		m, err := rdb.MasterForKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		masters[m.Options().Addr] = true
	}
	if len(masters) != 3 {
		t.Fatalf("50 keys landed on %d masters, want 3", len(masters))
	}
	if err := redistest.FlushAll(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("after FlushAll: dbsize %d, %v; want 0", n, err)
	}
}

func TestClusterClientRefusesTransactionsOverSeveralHashTags(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.StartCluster(t).Client(t)
	cases := []struct {
		name string
		keys []string
		ok   bool
	}{
		{"one tag", []string{"se:{st}:a", "se:{st}:b"}, true},
		{"two tags", []string{"se:{st}:a", "se:{inv}:b"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for _, k := range tc.keys {
					p.Set(ctx, k, "v", 0)
				}
				return nil
			})
			if (err == nil) != tc.ok {
				t.Fatalf("MULTI over %v: %v; want ok=%v", tc.keys, err, tc.ok)
			}
		})
	}
}
