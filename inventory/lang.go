package inventory

import (
	"regexp"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// The Chinese enum values SPEC names; an export in Chinese writes them and
// an import reads them (see ownerAliases and lifecycleAliases).
var (
	ownerZH = map[sharpeyes.Owner]string{
		sharpeyes.OwnerPolice: "公安", sharpeyes.OwnerGovernment: "自建", sharpeyes.OwnerSocial: "社会",
	}
	lifecycleZH = map[sharpeyes.Lifecycle]string{
		sharpeyes.Planned: "规划", sharpeyes.Building: "在建", sharpeyes.Active: "已建", sharpeyes.Retired: "撤除",
	}
)

// zhOwner returns o's Chinese value, or o itself when it has none.
func zhOwner(o sharpeyes.Owner) string {
	if v, ok := ownerZH[o]; ok {
		return v
	}
	return string(o)
}

// zhLifecycle returns l's Chinese value, or l itself when it has none.
func zhLifecycle(l sharpeyes.Lifecycle) string {
	if v, ok := lifecycleZH[l]; ok {
		return v
	}
	return string(l)
}

// zhMessages turns the common English messages of a bad field into
// Chinese, for a file whose headers are Chinese. Messages not listed stay
// English: they are rare (limits, control characters) and still name the
// column in the file's own words.
var zhMessages = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^is required$`), "必填"},
	{regexp.MustCompile(`^is required for a (planned|building|active|retired) camera$`), "建设状态为 ${1} 的设备必填"},
	{regexp.MustCompile(`^is required for a tcp probe$`), "检测方式为 tcp 时必填"},
	{regexp.MustCompile(`^(".*") is not one of police, government, social$`), "${1} 不是 公安、自建、社会 之一"},
	{regexp.MustCompile(`^(".*") is not one of planned, building, active, retired$`), "${1} 不是 规划、在建、已建、撤除 之一"},
	{regexp.MustCompile(`^(".*") is not one of tcp, rtsp, onvif, http, icmp, gb28181$`), "${1} 不是 tcp、rtsp、onvif、http、icmp、gb28181 之一"},
	{regexp.MustCompile(`^(".*") is not a valid (IPv4|IPv6) address$`), "${1} 不是有效的 ${2} 地址"},
	{regexp.MustCompile(`^(".*") is not a valid host name$`), "${1} 不是有效的主机名"},
	{regexp.MustCompile(`^(".*") is longer than 253 characters$`), "${1} 超过 253 个字符"},
	{regexp.MustCompile(`^(\S+) is out of range (\S+)$`), "${1} 超出范围 ${2}"},
	{regexp.MustCompile(`^(".*") is not a whole number$`), "${1} 不是整数"},
	{regexp.MustCompile(`^(".*") is not a decimal number$`), "${1} 不是数字"},
	{regexp.MustCompile(`^(".*") is not a date \(want YYYY-MM-DD\)$`), "${1} 不是日期（应为 YYYY-MM-DD）"},
	{regexp.MustCompile(`^duplicate id (".*"): already on line (\d+)$`), "重复的设备编码 ${1}：第 ${2} 行已有"},
	{regexp.MustCompile(`^(".*") is all digits but not a 20-digit GB/T 28181 code \(it has (\d+) digits\)$`),
		"${1} 全是数字，但不是 20 位的 GB/T 28181 编码（只有 ${2} 位）"},
	{regexp.MustCompile(`^(".*") is not a GB/T 28181 code: it must be 20 digits$`), "${1} 不是 20 位的 GB/T 28181 编码"},
	{regexp.MustCompile(`^(".*") must be 1-64 characters of A-Z a-z 0-9 \. _ -$`), "${1} 须为 1-64 个 A-Z a-z 0-9 . _ - 字符"},
	{regexp.MustCompile(`^is (\d+) characters long, at most (\d+)$`), "长 ${1} 个字符，最多 ${2} 个"},
	{regexp.MustCompile(`^has (\d+) fields, the header has (\d+)$`), "有 ${1} 列，表头有 ${2} 列"},
	{regexp.MustCompile(`^column (\d+) has a value but no header$`), "第 ${1} 列有值但没有表头"},
	{regexp.MustCompile(`^camera (".*") already exists \(create-only import\)$`), "设备 ${1} 已存在（仅新建导入）"},
}

// lifecycleWords are replaced inside a translated message.
var lifecycleWords = strings.NewReplacer("为 planned ", "为规划", "为 building ", "为在建", "为 active ", "为已建", "为 retired ", "为撤除")

// toChinese returns msg in Chinese when it is one of zhMessages, else msg.
func toChinese(msg string) string {
	for _, m := range zhMessages {
		if m.re.MatchString(msg) {
			return lifecycleWords.Replace(m.re.ReplaceAllString(msg, m.repl))
		}
	}
	return msg
}

// columnZH returns the Chinese header of a column name, or name.
func columnZH(name string) string {
	for _, cols := range [][]column{exportColumns, importOnlyColumns} {
		for _, c := range cols {
			if c.name == name {
				return c.zh
			}
		}
	}
	return name
}
