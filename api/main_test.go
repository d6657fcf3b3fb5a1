package api_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// The package's tests share one redis-server, started by the first newAPI
// and emptied by each: starting one per test costs time and, on a busy
// machine, sometimes loses the race for the free port redistest picked.
// Fuzz targets need none, so their workers start none.
var (
	pkgTB    = &packageTB{}
	pkgOnce  sync.Once
	pkgErr   error
	pkgRedis *redistest.Server
	pkgStore *store.Store // holds the shared client
)

func TestMain(m *testing.M) {
	code := m.Run()
	pkgTB.cleanup()
	os.Exit(code)
}

// sharedRedis returns the package's redis-server, starting it on first use
// (three attempts, since a lost port race fails one).
func sharedRedis(t testing.TB) (*redistest.Server, *store.Store) {
	t.Helper()
	pkgOnce.Do(func() {
		for attempt := 1; attempt <= 3; attempt++ {
			if pkgRedis, pkgErr = tryStart(pkgTB); pkgErr == nil {
				pkgStore = store.New(pkgRedis.Client())
				return
			}
			t.Logf("start redis-server (attempt %d): %v", attempt, pkgErr)
		}
	})
	if pkgErr != nil {
		t.Fatalf("no redis-server: %v", pkgErr)
	}
	return pkgRedis, pkgStore
}

// tryStart runs redistest.Start, turning its Fatalf into an error.
func tryStart(tb *packageTB) (s *redistest.Server, err error) {
	defer func() {
		if v := recover(); v != nil {
			f, ok := v.(fatal)
			if !ok {
				panic(v)
			}
			err = f
		}
	}()
	return redistest.Start(tb), nil
}

// packageTB lets redistest start a server that outlives any one test. The
// embedded TB is nil: redistest calls only the methods below.
type packageTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

type fatal string

func (f fatal) Error() string { return string(f) }

func (*packageTB) Helper() {}

func (*packageTB) Fatalf(format string, args ...any) { panic(fatal(fmt.Sprintf(format, args...))) }

func (p *packageTB) Cleanup(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cleanups = append(p.cleanups, f)
}

func (p *packageTB) TempDir() string {
	dir, err := os.MkdirTemp("", "sharpeyes-api-redis-")
	if err != nil {
		panic(fatal(err.Error()))
	}
	p.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (p *packageTB) cleanup() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
}
