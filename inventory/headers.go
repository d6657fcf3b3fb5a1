package inventory

import (
	"strings"
)

// column is one CSV column: its SPEC (English) name, which is also the
// RowError column, and the header the Chinese inventory spreadsheet uses.
type column struct {
	name, zh string
}

// exportColumns are the columns of an export, in SPEC order.
var exportColumns = []column{
	{"id", "设备编码"}, {"name", "点位名称"}, {"host", "IP地址"}, {"port", "端口"},
	{"probe", "检测方式"}, {"path", "路径"}, {"region", "所属区域"}, {"owner", "建设类型"},
	{"lifecycle", "建设状态"}, {"maintainer", "运维单位"}, {"uplink", "上联设备"},
	{"lat", "纬度"}, {"lon", "经度"}, {"due", "计划完成日期"}, {"installed_at", "建成日期"},
	{"tags", "标签"},
}

// importOnlyColumns are accepted by an import but never exported.
var importOnlyColumns = []column{{"username", "用户名"}, {"password", "密码"}}

// tagPrefix heads a column holding one tag: "tag:camera_brand".
const tagPrefix = "tag:"

// headerNames maps every accepted header (English in lower case, and
// Chinese) to its column name.
var headerNames = func() map[string]string {
	m := make(map[string]string)
	for _, cols := range [][]column{exportColumns, importOnlyColumns} {
		for _, c := range cols {
			m[c.name], m[strings.ToLower(c.zh)] = c.name, c.name // "IP地址" is looked up as "ip地址"
		}
	}
	return m
}()

// required are the columns a file must have.
var required = []column{{"id", "设备编码"}, {"name", "点位名称"}}

// colSpec says what one column of a file holds: a field, one tag, or
// nothing (a column without a header, which Excel leaves after a
// formatted but empty column; its cells must be empty).
type colSpec struct {
	field string // column name, or "" for a tag column
	tag   string
	blank bool
}

// parseHeader maps a CSV header record to columns. It fails, naming the
// header, on an unknown or repeated column or a missing required one.
func parseHeader(rec []string, line int) ([]colSpec, error) {
	specs := make([]colSpec, len(rec))
	seen := make(map[colSpec]bool)
	for i, h := range rec {
		raw := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		var sp colSpec
		if raw == "" {
			specs[i] = colSpec{blank: true}
			continue
		}
		if len(raw) >= len(tagPrefix) && strings.EqualFold(raw[:len(tagPrefix)], tagPrefix) {
			sp.tag = strings.TrimSpace(raw[len(tagPrefix):]) // the key keeps its case
			if sp.tag == "" {
				return nil, errFile(line, "", "column %d: %q names no tag", i+1, h)
			}
		} else if name, ok := headerNames[strings.ToLower(raw)]; ok {
			sp.field = name
		} else {
			return nil, errFile(line, "", "unknown column %q (column %d); known columns: %s",
				truncate(h, 64), i+1, knownHeaders())
		}
		if seen[sp] {
			return nil, errFile(line, sp.field, "column %q appears twice", truncate(h, 64))
		}
		seen[sp] = true
		specs[i] = sp
	}
	for _, c := range required {
		if !seen[colSpec{field: c.name}] {
			return nil, errFile(line, c.name, "missing required column %s (%s)", c.name, c.zh)
		}
	}
	return specs, nil
}

func knownHeaders() string {
	var names []string
	for _, cols := range [][]column{exportColumns, importOnlyColumns} {
		for _, c := range cols {
			names = append(names, c.name+"/"+c.zh)
		}
	}
	return strings.Join(names, ", ") + ", tag:<key>"
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
