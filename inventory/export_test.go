package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

func TestExportCSVStartsWithBOMAndEnglishHeader(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, []byte("id,name,host,username,password\ncam-1,东门,127.0.0.1,admin,s3cret\n"), inventory.Options{})
	got := string(mustExport(t, s, inventory.FormatCSV))
	want := "\ufeffid,name,host,port,probe,path,region,owner,lifecycle,maintainer,uplink,lat,lon,due,installed_at,tags\n" +
		"cam-1,东门,127.0.0.1,554,rtsp,,,,active,,,,,,,\n"
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func TestExportJSONDecodesToTheSameCameras(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, mustRead(t, "hetang-cameras.csv"), inventory.Options{})
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cams := mustDecode(t, string(mustExport(t, s, inventory.FormatJSON)))
	if stored := snap.Cameras(); !reflect.DeepEqual(cams, stored) {
		t.Fatalf("JSON export decodes to %d cameras unlike the %d stored", len(cams), len(stored))
	}
}

func TestExportGuardsFormulasAndReimportsThem(t *testing.T) {
	c := sharpeyes.Camera{ID: "cam-1", Name: "=HYPERLINK(\"http://x\")", Host: "127.0.0.1",
		Maintainer: "'quoted", Uplink: "-SW1", Tags: map[string]string{"+k": "a;b", "n": "=1"}}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := inventory.EncodeCSV(&buf, []*sharpeyes.Camera{&c}); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{`"'=HYPERLINK(""http://x"")"`, ",''quoted,", ",'-SW1,", `'+k=a\;b;n=\=1`} {
		if !strings.Contains(buf.String(), cell) {
			t.Errorf("export lacks the guarded cell %s:\n%s", cell, buf.String())
		}
	}
	got := mustDecode(t, buf.String())
	if !reflect.DeepEqual(got, []sharpeyes.Camera{c}) {
		t.Fatalf("re-import: got %+v, want %+v", got, c)
	}
}

func TestExportFiltersAndRejectsUnknownFormat(t *testing.T) {
	s := newStore(t)
	mustImport(t, s, mustRead(t, "hetang-cameras.csv"), inventory.Options{})
	var buf bytes.Buffer
	err := inventory.Export(context.Background(), s, &buf, inventory.FormatJSON, sharpeyes.Filter{Lifecycle: sharpeyes.Planned}, "")
	if err != nil {
		t.Fatal(err)
	}
	if cams := mustDecode(t, buf.String()); len(cams) != 40 {
		t.Fatalf("planned cameras: got %d, want 40", len(cams))
	}
	buf.Reset()
	if err := inventory.Export(context.Background(), s, &buf, "JSON", sharpeyes.Filter{Owner: sharpeyes.OwnerPolice}, ""); err != nil {
		t.Fatal(err)
	}
	if cams := mustDecode(t, buf.String()); len(cams) != 600 {
		t.Fatalf("police cameras: got %d, want 600", len(cams))
	}
	if err := inventory.Export(context.Background(), s, &buf, "xml", sharpeyes.Filter{}, ""); !errors.Is(err, inventory.ErrInvalid) {
		t.Fatalf("export as xml: got %v, want ErrInvalid", err)
	}
}
