package inventory_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/inventory"
)

func TestDecodeBadRowsReportsEachRowOnce(t *testing.T) {
	cams, errs, err := inventory.Decode(bytes.NewReader(mustRead(t, "bad-rows.csv")), inventory.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line   int
		column string
	}{{3, "name"}, {4, "host"}, {5, "port"}, {6, "probe"}, {7, "owner"}, {8, "lat"},
		{9, "id"}, {10, "id"}, {11, "due"}}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if errs[i].Line != w.line || errs[i].Column != w.column || errs[i].Message == "" {
			t.Errorf("error %d: got %+v, want line %d column %s", i, errs[i], w.line, w.column)
		}
	}
	if !strings.Contains(errs[6].Message, "line 2") {
		t.Errorf("duplicate id error should name the first line: %q", errs[6].Message)
	}
	if len(cams) != 1 || cams[0].ID != "43020200001326900001" {
		t.Fatalf("good cameras: got %v, want only line 2's", cams)
	}
}

func TestDecodeRejectsUnreadableFiles(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("设备编码,点位名称\n1,摄像机\n")
	longUTF8 := "id,name,host\n" + strings.Repeat("cam-1,荷塘区月塘街道摄像机,127.0.0.1\n", 3000) // > 64 KiB
	tests := []struct {
		name, data string
		line       int
		want       string
	}{
		{"neither utf-8 nor gbk", "id,name\ncam-1,caf\xe9,x\xff\n", 2, "neither UTF-8 nor GBK"},
		{"utf-16", "\xff\xfei\x00d\x00", 1, "neither UTF-8 nor GBK"},
		{"utf-8 and gbk mixed", "id,name\ncam-1,摄像机\ncam-2," + gbk[len(gbk)-8:], 2, "neither UTF-8 nor GBK"},
		{"utf-8 then gbk", longUTF8 + "cam-x," + gbk[len(gbk)-8:], 3002, "neither UTF-8 nor GBK"},
		{"bare quote", "id,name\ncam-1,ab\"c\n", 2, "broken quoting"},
		{"unclosed quote", "id,name\ncam-1,\"abc\ncam-2,def\n", 2, "breaks on line 3"},
		{"unknown header", "id,name,colour\n", 1, `unknown column "colour"`},
		{"missing name", "id,host\n", 1, "missing required column name"},
		{"missing id", "设备编码x,点位名称\n", 1, `unknown column "设备编码x"`},
		{"repeated column", "id,name,设备编码\n", 1, "appears twice"},
		{"empty", "", 1, "empty"},
		{"json not cameras", `{"id": "x"}`, 0, `no "items" array`},
		{"json truncated", `[{"id": "cam-1", "name": "a"}, {"id"`, 2, "ends early"},
		{"json trailing data", `[] []`, 0, "after the cameras"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := inventory.Decode(strings.NewReader(tt.data), inventory.FormatAuto)
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("got %v, want an error wrapping ErrInvalid", err)
			}
			var re inventory.RowError
			if !errors.As(err, &re) || re.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v (line %d), want line %d and %q", err, re.Line, tt.line, tt.want)
			}
		})
	}
}

func TestDecodeGBKAfterLongASCIIPrefix(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,host\n")
	for i := range 5000 { // about 80 KiB of ASCII before the first GBK byte
		b.WriteString("cam-" + itoa(i) + ",ascii name,127.0.0.1\n")
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("last,荷塘区摄像机,127.0.0.1\n")
	if err != nil {
		t.Fatal(err)
	}
	cams := mustDecode(t, b.String()+gbk)
	if got := cams[len(cams)-1].Name; got != "荷塘区摄像机" {
		t.Fatalf("last name: got %q, want 荷塘区摄像机", got)
	}
}

func TestDecodeChineseEnumsAndTags(t *testing.T) {
	data := "\ufeff设备编码,点位名称,IP地址,检测方式,建设类型,建设状态,计划完成日期,标签,tag:brand,用户名,密码\n" +
		`cam-1,东门,127.0.0.1,PING,公安,在建,2026/7/1,"floor=3;note=a\;b\=c",海康,admin,pw` + "\n"
	cams := mustDecode(t, data)
	c := cams[0]
	want := sharpeyes.Camera{ID: "cam-1", Name: "东门", Host: "127.0.0.1", Probe: sharpeyes.ProbeICMP,
		Owner: sharpeyes.OwnerPolice, Lifecycle: sharpeyes.Building, Due: "2026-07-01",
		Tags:   map[string]string{"floor": "3", "note": "a;b=c", "brand": "海康"},
		Secret: sharpeyes.Credentials{Username: "admin", Password: "pw"}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestDecodeFieldErrorsNameTheColumn(t *testing.T) {
	tests := []struct {
		name, row, column, want string
	}{
		{"port not a number", "cam-1,a,127.0.0.1,abc,,,", "port", "not a whole number"},
		{"lat not a number", "cam-1,a,127.0.0.1,,x1,,", "lat", "not a decimal number"},
		{"lat NaN", "cam-1,a,127.0.0.1,,NaN,,", "lat", "not a decimal number"},
		{"tags malformed", "cam-1,a,127.0.0.1,,,novalue,", "tags", "not key=value"},
		{"short row", "cam-1,a", "", "has 2 fields, the header has 7"},
		{"value without header", "cam-1,a,127.0.0.1,,,,x", "", "column 7 has a value but no header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := "id,name,host,port,lat,tags,\n" + tt.row + "\n"
			_, errs, err := inventory.Decode(strings.NewReader(data), inventory.FormatCSV)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) != 1 || errs[0].Line != 2 || errs[0].Column != tt.column || !strings.Contains(errs[0].Message, tt.want) {
				t.Fatalf("got %+v, want one error on line 2 column %q with %q", errs, tt.column, tt.want)
			}
		})
	}
}

func TestDecodeJSONWrongTypes(t *testing.T) {
	tests := []struct {
		name, elem, column, want string
	}{
		{"port as string", `{"id":"cam-2","name":"b","host":"127.0.0.1","port":"554"}`, "port", "want a whole number, got string"},
		{"name as number", `{"id":"cam-2","name":5,"host":"127.0.0.1"}`, "name", "want a string, got number"},
		{"lat as string", `{"id":"cam-2","name":"b","host":"127.0.0.1","lat":"27.8"}`, "lat", "want a number, got string"},
		{"tags as array", `{"id":"cam-2","name":"b","host":"127.0.0.1","tags":["a"]}`, "tags", "want an object, got array"},
		{"unknown field", `{"id":"cam-2","name":"b","host":"127.0.0.1","lifecyle":"active"}`, "", `unknown field "lifecyle"`},
		{"not an object", `"cam-2"`, "", "is a string, want an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := `{"items": [{"id":"cam-1","name":"a","host":"127.0.0.1"}, ` + tt.elem + `]}`
			cams, errs, err := inventory.Decode(strings.NewReader(data), inventory.FormatJSON)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) != 1 || errs[0].Line != 2 || errs[0].Column != tt.column || !strings.Contains(errs[0].Message, tt.want) {
				t.Fatalf("got %+v, want one error for element 2, column %q, with %q", errs, tt.column, tt.want)
			}
			if len(cams) != 1 || cams[0].ID != "cam-1" {
				t.Fatalf("good cameras: got %v, want cam-1 only", cams)
			}
		})
	}
}

func TestDecodeDetectsFormatAndLayout(t *testing.T) {
	tests := []struct{ name, data string }{
		{"csv", "id,name,host\ncam-1,a,127.0.0.1\n"},
		{"csv with empty columns and rows from excel", "id,name,host,,\r\n,,,,\r\ncam-1,a,127.0.0.1\r\n"},
		{"json array", "\ufeff \n [{\"id\":\"cam-1\",\"name\":\"a\",\"host\":\"127.0.0.1\"}]"},
		{"json items with status", `{"next_cursor":"","items":[{"id":"cam-1","name":"a","host":"127.0.0.1","status":{"state":"up"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cams := mustDecode(t, tt.data)
			if len(cams) != 1 || cams[0].ID != "cam-1" || cams[0].Port != 554 {
				t.Fatalf("got %+v, want cam-1 with the rtsp default port", cams)
			}
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
