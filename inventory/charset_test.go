package inventory_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sharpeyes/sharpeyes/inventory"
)

func TestDecodeIsIndependentOfReadSizes(t *testing.T) {
	for _, name := range []string{"hetang-cameras-zh-utf8bom.csv", "hetang-cameras-zh-gbk.csv"} {
		t.Run(name, func(t *testing.T) {
			data := mustRead(t, name)
			want, _, err := inventory.Decode(bytes.NewReader(data), inventory.FormatAuto)
			if err != nil || len(want) != 5100 {
				t.Fatalf("decode: %v, %d cameras, want 5100", err, len(want))
			}
			for _, r := range []io.Reader{iotest.OneByteReader(bytes.NewReader(data)), iotest.HalfReader(bytes.NewReader(data))} {
				got, _, err := inventory.Decode(r, inventory.FormatAuto)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("decode through %T: %v, %d cameras differ", r, err, len(got))
				}
			}
		})
	}
}

func TestDecodeReadErrorIsNotBlamedOnTheFile(t *testing.T) {
	errBoom := errors.New("connection reset")
	tests := []struct {
		name, head string
		format     inventory.Format
	}{
		{"csv", "id,name\ncam-1,a\n", inventory.FormatCSV},
		{"csv cut inside a rune", "id,name\ncam-1,东门\ncam-2,\xe4\xb8", inventory.FormatCSV},
		{"gbk", "id,name\ncam-1,\xb6\xab\xc3\xc5\ncam-2,\xb6", inventory.FormatCSV},
		{"json", `[{"id":"cam-1","name":"a"},`, inventory.FormatJSON},
		{"auto", "", inventory.FormatAuto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(strings.NewReader(tt.head), iotest.ErrReader(errBoom))
			_, _, err := inventory.Decode(r, tt.format)
			if !errors.Is(err, errBoom) || errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("got %v, want the read error and not ErrInvalid", err)
			}
		})
	}
}
