package inventory_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/inventory"
)

// A file with Chinese headers gets its errors in Chinese: the column as
// the file heads it and the Chinese enum values it accepts. The line and
// the SPEC column stay, so that a program reading the errors is not
// affected by the file's language.
func TestDecodeChineseHeaderFileGetsChineseErrors(t *testing.T) {
	_, errs, err := inventory.Decode(bytes.NewReader(mustRead(t, "bad-rows-zh.csv")), inventory.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line           int
		column, header string
		message        string
	}{
		{3, "name", "点位名称", "必填"},
		{4, "host", "IP地址", `"999.1.1.1" 不是有效的 IPv4 地址`},
		{5, "port", "端口", "70000 超出范围 1-65535"},
		{6, "probe", "检测方式", `"smtp" 不是 tcp、rtsp、onvif、http、icmp、gb28181 之一`},
		{7, "owner", "建设类型", `"army" 不是 公安、自建、社会 之一`},
		{8, "lat", "纬度", "95.5 超出范围 -90..90"},
		{9, "id", "设备编码", `重复的设备编码 "43020200001326900001"：第 2 行已有`},
		{10, "id", "设备编码", "不是 20 位的 GB/T 28181 编码"},
		{11, "due", "计划完成日期", `"2026-13-45" 不是日期（应为 YYYY-MM-DD）`},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		e := errs[i]
		if e.Line != w.line || e.Column != w.column || e.Header != w.header || !strings.Contains(e.Message, w.message) {
			t.Errorf("error %d: got %+v, want line %d column %s header %s message with %q", i, e, w.line, w.column, w.header, w.message)
		}
	}
	if got, want := errs[4].Error(), `第 7 行：建设类型：`; !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want it to start with %q", got, want)
	}
}

// English headers keep English errors, naming the SPEC column.
func TestDecodeEnglishHeaderFileKeepsEnglishErrors(t *testing.T) {
	_, errs, err := inventory.Decode(bytes.NewReader(mustRead(t, "bad-rows.csv")), inventory.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	got := errs[4]
	if got.Header != "" || got.Error() != `line 7: owner: "army" is not one of police, government, social` {
		t.Fatalf("got %+v (%q)", got, got.Error())
	}
}
