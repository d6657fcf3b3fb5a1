package alert

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// listedCameras bounds the cameras a group message names one by one
// (WeCom caps a text message at 2048 bytes).
const listedCameras = 10

var reasonZH = map[string]string{
	sharpeyes.ReasonTimeout:     "连接超时",
	sharpeyes.ReasonRefused:     "连接被拒绝",
	sharpeyes.ReasonUnreachable: "网络不可达",
	sharpeyes.ReasonDNS:         "域名解析失败",
	sharpeyes.ReasonRTSP401:     "RTSP认证失败",
	sharpeyes.ReasonRTSP404:     "码流路径不存在",
	sharpeyes.ReasonRTSP5xx:     "RTSP服务异常",
	sharpeyes.ReasonBadResponse: "设备响应异常",
	sharpeyes.ReasonClockDrift:  "设备时钟偏差过大",
	sharpeyes.ReasonNoVideo:     "无视频流",
	sharpeyes.ReasonHTTPStatus:  "HTTP状态异常",
}

func reasonText(r string) string {
	if r == "" {
		return "未知"
	}
	if zh, ok := reasonZH[r]; ok {
		return zh + "（" + r + "）"
	}
	return r
}

// timeText writes a time for people: RFC 3339 in the configured timezone,
// with its offset, so that a reader in another zone is not misled.
func (env *RenderEnv) timeText(t time.Time) string {
	loc := env.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.RFC3339)
}

// durationText writes a duration the way a person reads it: 45秒, 12分钟,
// 3小时5分钟, 2天4小时.
func durationText(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d秒", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d小时%d分钟", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d天%d小时", int(d.Hours())/24, int(d.Hours())%24)
}

// message is an alert composed for people: a title, labelled lines,
// cameras listed by name, a link back and who to @-mention.
type message struct {
	Title    string
	Lines    []string
	Cameras  []string
	More     int // cameras not listed
	Link     string
	Mentions []string
}

// plain is the message as plain text, one item per line.
func (m message) plain() string {
	var b strings.Builder
	b.WriteString(m.Title)
	for _, l := range m.Lines {
		b.WriteString("\n" + l)
	}
	if len(m.Cameras) > 0 {
		b.WriteString("\n摄像机：")
		for _, c := range m.Cameras {
			b.WriteString("\n· " + c)
		}
		if m.More > 0 {
			fmt.Fprintf(&b, "\n……另有 %d 台", m.More)
		}
	}
	if m.Link != "" {
		b.WriteString("\n详情：" + m.Link)
	}
	return b.String()
}

func cameraName(c CameraRef, esc func(string) string) string {
	if c.Name == "" {
		return esc(c.ID)
	}
	return esc(c.Name) + "（" + esc(c.ID) + "）"
}

// field appends "label：value" unless value is empty.
func field(lines []string, label, value string) []string {
	if value == "" {
		return lines
	}
	return append(lines, label+"："+value)
}

// consoleLink is the console's page of a camera, which alert links open
// (SPEC: {public_url}/cameras/{id}); "" without a public URL.
func (env *RenderEnv) consoleLink(id string) string {
	if env.PublicURL == "" {
		return ""
	}
	return env.PublicURL + "/cameras/" + url.PathEscape(id)
}

// groupLink is the console's down list filtered to the group
// ({public_url}/?uplink=… or ?region=…), which a phone can open; "" without
// a public URL.
func (env *RenderEnv) groupLink(g *GroupRef) string {
	if env.PublicURL == "" || g == nil {
		return ""
	}
	q := url.Values{g.By: {g.Name}}
	return env.PublicURL + "/?" + q.Encode()
}

// overviewLink is the console's overview; "" without a public URL.
func (env *RenderEnv) overviewLink() string {
	if env.PublicURL == "" {
		return ""
	}
	return env.PublicURL + "/"
}

// mentions returns the on-call mobiles of the maintainers of cams, each
// once, in the order the maintainers first appear.
func (env *RenderEnv) mentions(cams []CameraRef) []string {
	var out []string
	seen := make(map[string]bool)
	for _, c := range cams {
		for _, m := range env.OnCall[c.Maintainer] {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// reasonsText summarises the reasons of many cameras: 连接超时 38 台、…
func reasonsText(cams []CameraRef) string {
	n := make(map[string]int)
	for _, c := range cams {
		n[c.Reason]++
	}
	keys := make([]string, 0, len(n))
	for r := range n {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool {
		if n[keys[i]] != n[keys[j]] {
			return n[keys[i]] > n[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, r := range keys {
		parts[i] = fmt.Sprintf("%s %d 台", reasonText(r), n[r])
	}
	return strings.Join(parts, "、")
}

func maintainersText(cams []CameraRef, esc func(string) string) string {
	var out []string
	for _, c := range cams {
		if c.Maintainer != "" && !slices.Contains(out, c.Maintainer) {
			out = append(out, c.Maintainer)
		}
	}
	for i := range out {
		out[i] = esc(out[i])
	}
	return strings.Join(out, "、")
}
