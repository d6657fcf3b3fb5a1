package collector_test

import (
	"os"
	"testing"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// TestMain lets the tests share one Redis Cluster when
// SHARPEYES_TEST_REDIS=cluster (see redistest.Main).
func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }
