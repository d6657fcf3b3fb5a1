package alert_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	t0       = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	renderAt = time.Date(2025, 3, 1, 8, 0, 45, 0, time.UTC)
)

func fixtureCamera(i int, reason string) alert.CameraRef {
	return alert.CameraRef{ID: fmt.Sprintf("430202000013200000%02d", i), Name: fmt.Sprintf("月塘路与车站路口%d号", i),
		Region: "荷塘区/月塘街道/网格12", Owner: sharpeyes.OwnerPolice, Maintainer: "湖南联通运维",
		Uplink: "SW-月塘-001", State: sharpeyes.StateDown, Reason: reason, Since: t0}
}

// fixtures are one alert of each type, as the dispatcher queues them.
func fixtures() map[string]*alert.Alert {
	since := t0
	cam := fixtureCamera(1, sharpeyes.ReasonTimeout)
	up := cam
	up.State, up.Reason, up.Since = sharpeyes.StateUp, "", t0.Add(65*time.Minute)
	degraded := cam
	degraded.State, degraded.Reason = sharpeyes.StateDegraded, sharpeyes.ReasonRTSP401
	var group []alert.CameraRef
	for i := 1; i <= 12; i++ {
		r := sharpeyes.ReasonTimeout
		if i%4 == 0 {
			r = sharpeyes.ReasonUnreachable
		}
		group = append(group, fixtureCamera(i, r))
	}
	var groupUp []alert.CameraRef
	for _, c := range group {
		c.State, c.Reason = sharpeyes.StateUp, ""
		groupUp = append(groupUp, c)
	}
	g := &alert.GroupRef{ID: "uplink:SW-月塘-001@1740816000000-0", By: "uplink", Name: "SW-月塘-001"}
	return map[string]*alert.Alert{
		alert.CameraDown:     {Key: "k-down", Type: alert.CameraDown, At: t0, Cameras: []alert.CameraRef{cam}},
		alert.CameraDegraded: {Key: "k-degraded", Type: alert.CameraDegraded, At: t0, Cameras: []alert.CameraRef{degraded}},
		alert.CameraUp: {Key: "k-up", Type: alert.CameraUp, At: t0.Add(65 * time.Minute), Since: &since,
			DurationS: 3900, Resolves: alert.CameraDown, Cameras: []alert.CameraRef{up}},
		alert.GroupDown: {Key: "k-group", Type: alert.GroupDown, At: t0, Group: g, Cameras: group},
		alert.GroupUp: {Key: "k-group-up", Type: alert.GroupUp, At: t0.Add(3 * time.Hour), Since: &since,
			DurationS: 10800, Group: g, Cameras: groupUp},
		alert.CollectorIsolated: {Key: "k-iso", Type: alert.CollectorIsolated, At: t0,
			Isolation: &alert.IsolationRef{Instance: "collector-1", Slot: "default@2025-03-01T08:00:00Z", Probed: 4000, Failed: 3712}},
	}
}

// renderEnv is a webhook's environment in the default timezone.
func renderEnv(secret string) alert.RenderEnv {
	return alert.RenderEnv{PublicURL: "https://se.example.com", Receiver: "荷塘区运维群",
		OnCall: map[string][]string{"湖南联通运维": {"13800138000", "13900139000"}}, Now: renderAt, Secret: secret,
		Location: shanghai}
}

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestEachFormatsBodyMatchesItsGoldenFile(t *testing.T) {
	for _, format := range sharpeyes.WebhookFormats {
		for typ, a := range fixtures() {
			t.Run(format+"/"+typ, func(t *testing.T) {
				got, err := alert.Render(format, a, renderEnv(""))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "golden", format, typ+".json"), got)
			})
		}
	}
	t.Run("alertmanager/resend", func(t *testing.T) {
		fx := fixtures()
		a := &alert.Alert{Key: "k-resend", Type: alert.Resend, At: renderAt, Alerts: []alert.Alert{
			*fx[alert.CameraDown], *fx[alert.CameraDegraded], *fx[alert.GroupDown], *fx[alert.CollectorIsolated]}}
		got, err := alert.Render(alert.FormatAlertmanager, a, renderEnv(""))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "golden", alert.FormatAlertmanager, "resend.json"), got)
	})
	t.Run("feishu/signed", func(t *testing.T) {
		got, err := alert.Render(alert.FormatFeishu, fixtures()[alert.CameraDown], renderEnv("SECfeishu"))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "golden", "feishu", "signed.json"), got)
	})
}

// golden compares body, indented for reading, with the golden file (or
// rewrites the file with -update). Bodies must be valid JSON.
func golden(t *testing.T, path string, body []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	pretty.WriteByte('\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, pretty.Bytes(), want)
	}
}

func TestWeComMessagesStayWithinItsSizeLimit(t *testing.T) {
	a := fixtures()[alert.GroupDown]
	for i := range a.Cameras {
		a.Cameras[i].Maintainer = fmt.Sprintf("运维单位第%d号有限责任公司长沙分公司荷塘区项目部", i)
	}
	got, err := alert.Render(alert.FormatWeCom, a, renderEnv(""))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Text struct{ Content string } `json:"text"`
	}
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Text.Content); n > 2048 || n < 1500 {
		t.Fatalf("content is %d bytes, want cut to at most 2048", n)
	}
}

// hostileFixtures are a camera.down and a group.down whose records carry
// markup: a phishing link, a colour, @-mentions, a Feishu <at> tag,
// headings, list markers, code and bare links (issue 9.7).
func hostileFixtures() map[string]*alert.Alert {
	cam := fixtureCamera(1, sharpeyes.ReasonTimeout)
	cam.Name = "[紧急：点此登录处理](http://evil.example/login)<font color=red>已恢复</font>"
	cam.Maintainer = `@all <@zhangsan> <at user_id="all">所有人</at>`
	cam.Region = "# 标题/`代码`/&lt;b&gt;"
	cam.Uplink = "**加粗** ~~删除~~ __下划线__ www.evil.example"
	var group []alert.CameraRef
	for i, name := range []string{"- 伪造列表项", "1. 有序", "> 引用", "+ 加号", "= 等号", "![图](http://evil.example/x.png)"} {
		c := fixtureCamera(i+1, sharpeyes.ReasonTimeout)
		c.Name, c.Maintainer = name, cam.Maintainer
		group = append(group, c)
	}
	g := &alert.GroupRef{ID: "uplink:x@1", By: "uplink", Name: "<font color=green>SW</font>"}
	return map[string]*alert.Alert{
		"hostile." + alert.CameraDown: {Key: "k-h", Type: alert.CameraDown, At: t0, Cameras: []alert.CameraRef{cam}},
		"hostile." + alert.GroupDown:  {Key: "k-hg", Type: alert.GroupDown, At: t0, Group: g, Cameras: group},
	}
}

func TestHostileRecordTextMatchesItsGoldenFile(t *testing.T) {
	for _, format := range sharpeyes.WebhookFormats {
		for name, a := range hostileFixtures() {
			t.Run(format+"/"+name, func(t *testing.T) {
				got, err := alert.Render(format, a, renderEnv(""))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "golden", format, name+".json"), got)
			})
		}
	}
}

// TestHostileRecordTextCannotForgeMarkup renders the hostile records for
// each chat format and looks for markup the vendor would act on.
func TestHostileRecordTextCannotForgeMarkup(t *testing.T) {
	forged := map[string][]string{
		// DingTalk markdown: raw HTML, a link or image, a heading or list
		// item opened by a record, code, emphasis.
		alert.FormatDingTalk: {"<font", "<@", "<at", "](http://evil", "\n- - ", "\n- 1. ", "\n- > ", "\n- + ", "# 标题", "`代码`", "**加粗", "~~删除", "http://evil"},
		// Feishu and WeCom text: tags (mentions), links, emphasis.
		alert.FormatFeishu: {"<font", "<at", "<@", "](http", "**加粗", "~~删除", "__下划线", "http://evil", "www.evil"},
		alert.FormatWeCom:  {"<font", "<at", "<@", "](http", "**加粗", "~~删除", "__下划线", "http://evil", "www.evil"},
	}
	for format, bad := range forged {
		for name, a := range hostileFixtures() {
			body, err := alert.Render(format, a, renderEnv(""))
			if err != nil {
				t.Fatal(err)
			}
			text := messageText(t, body)
			for _, b := range bad {
				if strings.Contains(unescapedOnly(format, text), b) {
					t.Errorf("%s %s: text holds %q unescaped:\n%s", format, name, b, text)
				}
			}
		}
	}
}

// messageText returns the text a chat robot renders from body.
func messageText(t *testing.T, body []byte) string {
	t.Helper()
	var m struct {
		Markdown struct{ Title, Text string } `json:"markdown"`
		Text     struct{ Content string }     `json:"text"`
		Content  struct{ Text string }        `json:"content"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m.Markdown.Title + "\n" + m.Markdown.Text + m.Text.Content + m.Content.Text
}

// unescapedOnly drops, for markdown, every backslash-escaped character
// (so "\<font" no longer reads "<font"), keeping the rest as is.
func unescapedOnly(format, s string) string {
	if format != alert.FormatDingTalk {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteByte(0) // an escaped character is no markup
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
