package inventory_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

// FuzzDecodeCSV checks that no input makes Decode panic, that in-memory
// input fails only by blaming the file, and that what it accepts survives
// an export and re-import unchanged.
func FuzzDecodeCSV(f *testing.F) {
	f.Add(mustReadF(f, "bad-rows.csv"))
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("设备编码,点位名称,IP地址,建设类型,标签\n4302,东门,127.0.0.1,公安,a=1\n")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(gbk))
	f.Add([]byte("\ufeffid,name,host,lat,lon,tags,tag:x\ncam-1,'=a,[::1],-1e2,NaN,\"a\\;=b\",\n"))
	f.Add([]byte("id,name\n\"a\"b,c\n"))
	f.Add([]byte("id,name,,\r\n,,,\r\ncam-1,\"a\nb\",,x\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cams, _, err := inventory.Decode(bytes.NewReader(data), inventory.FormatCSV)
		if err != nil {
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("error not blaming the file: %v", err)
			}
			return
		}
		checkRoundTrip(t, cams, inventory.EncodeCSV)
	})
}

// FuzzDecodeJSON is FuzzDecodeCSV for JSON input.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"items":[{"id":"cam-1","name":"a","host":"127.0.0.1","port":554,"tags":{"k":"v"}}]}`))
	f.Add([]byte(`[{"id":"43020200001326000001","name":"东门","host":"::1","lat":27.8,"owner":"公安"}, 5, null]`))
	f.Add([]byte(`[{"id":"cam-1","port":"x","lat":"1","tags":[1],"username":7}]`))
	f.Add([]byte(`{"next_cursor":"","items":[{"id":"a","status":{"state":"up"}}],"x":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cams, _, err := inventory.Decode(bytes.NewReader(data), inventory.FormatJSON)
		if err != nil {
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("error not blaming the file: %v", err)
			}
			return
		}
		checkRoundTrip(t, cams, inventory.EncodeJSON)
	})
}

func checkRoundTrip(t *testing.T, cams []sharpeyes.Camera, encode func(w io.Writer, cams []*sharpeyes.Camera) error) {
	t.Helper()
	ptrs := make([]*sharpeyes.Camera, len(cams))
	for i := range cams {
		cams[i].Secret = sharpeyes.Credentials{} // exports never carry them
		if len(cams[i].Tags) == 0 {
			cams[i].Tags = nil // an empty map exports as none
		}
		ptrs[i] = &cams[i]
		if _, err := json.Marshal(cams[i]); err != nil {
			t.Fatalf("accepted camera does not marshal: %v", err)
		}
	}
	var buf bytes.Buffer
	if err := encode(&buf, ptrs); err != nil {
		t.Fatalf("encode: %v", err)
	}
	again, errs, err := inventory.Decode(bytes.NewReader(buf.Bytes()), inventory.FormatAuto)
	if err != nil || len(errs) > 0 {
		t.Fatalf("re-import of the export: %v %v\n%q", err, errs, buf.String())
	}
	if len(again) == 0 && len(cams) == 0 {
		return
	}
	if !reflect.DeepEqual(again, cams) {
		t.Fatalf("re-import differs:\n got %+v\nwant %+v\nexport %q", again, cams, buf.String())
	}
}

func mustReadF(f *testing.F, name string) []byte {
	f.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzDecodeXLSX is FuzzDecodeCSV for workbooks: no input makes the
// decoder panic or fail other than by blaming the file, and what it
// accepts survives a Chinese workbook export and re-import unchanged. The
// seeds are a LibreOffice workbook, an export of ours, and broken zips.
func FuzzDecodeXLSX(f *testing.F) {
	lo := mustReadF(f, "hetang-cameras-300-libreoffice.xlsx")
	f.Add(lo)
	f.Add(lo[:len(lo)/2])
	f.Add([]byte("PK\x03\x04"))
	cams, _, err := inventory.Decode(bytes.NewReader(mustReadF(f, "bad-rows.csv")), inventory.FormatCSV)
	if err != nil {
		f.Fatal(err)
	}
	ptrs := make([]*sharpeyes.Camera, len(cams))
	for i := range cams {
		ptrs[i] = &cams[i]
	}
	var buf bytes.Buffer
	if err := inventory.EncodeXLSX(&buf, ptrs, inventory.LangEN); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		cams, _, err := inventory.Decode(bytes.NewReader(data), inventory.FormatXLSX)
		if err != nil {
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("error not blaming the file: %v", err)
			}
			return
		}
		checkRoundTrip(t, cams, func(w io.Writer, cams []*sharpeyes.Camera) error {
			return inventory.EncodeXLSX(w, cams, inventory.LangZH)
		})
	})
}
