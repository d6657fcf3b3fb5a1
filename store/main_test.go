package store_test

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// TestMain lets the tests share one Redis Cluster when
// SHARPEYES_TEST_REDIS=cluster (see redistest.Main).
func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// sumOver adds up an integer reply over keys (one per partition).
func sumOver(t *testing.T, keys []string, read func(key string) *redis.IntCmd) int64 {
	t.Helper()
	var n int64
	for _, k := range keys {
		v, err := read(k).Result()
		if err != nil {
			t.Fatal(err)
		}
		n += v
	}
	return n
}
