package inventory_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/inventory"
	"github.com/sharpeyes/sharpeyes/store"
)

// testdata is the repository's shared fixture folder; the sample inventories
// are described in its README.md.
const testdata = "../testdata/inventory"

func newStore(t testing.TB) *store.Store {
	t.Helper()
	return store.New(redistest.Start(t).Client())
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustImport(t testing.TB, s *store.Store, data []byte, opts inventory.Options) inventory.Result {
	t.Helper()
	res, err := inventory.Import(context.Background(), s, bytes.NewReader(data), inventory.FormatAuto, opts)
	if err != nil {
		t.Fatalf("import: %v (errors %v)", err, res.Errors)
	}
	return res
}

func mustExport(t testing.TB, s *store.Store, format inventory.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := inventory.Export(context.Background(), s, &buf, format, sharpeyes.Filter{}, ""); err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

func mustDecode(t testing.TB, data string) []sharpeyes.Camera {
	t.Helper()
	cams, errs, err := inventory.Decode(bytes.NewReader([]byte(data)), inventory.FormatAuto)
	if err != nil || len(errs) > 0 {
		t.Fatalf("decode: %v %v", err, errs[:min(len(errs), 5)])
	}
	return cams
}

func storedCount(t testing.TB, s *store.Store) int {
	t.Helper()
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap.Len()
}
