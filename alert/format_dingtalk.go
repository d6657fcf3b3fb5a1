package alert

import (
	"strconv"
	"strings"
)

// The dingtalk format is a DingTalk group robot's markdown message. The
// on-call mobiles of the cameras' maintainers go into at.atMobiles and, as
// DingTalk requires for the mention to show, as "@<mobile>" into the text.
// With a secret the URL gets DingTalk's timestamp and sign parameters
// (sign.go). DingTalk answers 200 with {"errcode":0,"errmsg":"ok"}; any
// other errcode is a failure (see notify.go).
type dingTalkMessage struct {
	MsgType  string           `json:"msgtype"`
	Markdown dingTalkMarkdown `json:"markdown"`
	At       dingTalkAt       `json:"at"`
}

type dingTalkMarkdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type dingTalkAt struct {
	AtMobiles []string `json:"atMobiles"`
	IsAtAll   bool     `json:"isAtAll"`
}

// renderDingTalk escapes record text as markdown in the text, and defangs
// it in the title, which DingTalk shows as plain text in notifications.
func renderDingTalk(a *Alert, env *RenderEnv) any {
	m := compose(a, env, escapeMarkdown)
	title := compose(a, env, defangText).Title
	var b strings.Builder
	b.WriteString("#### " + m.Title + "\n")
	for _, l := range m.Lines {
		b.WriteString("\n- " + l)
	}
	if len(m.Cameras) > 0 {
		b.WriteString("\n\n摄像机：\n")
		for _, c := range m.Cameras {
			b.WriteString("\n- " + c)
		}
		if m.More > 0 {
			b.WriteString("\n- ……另有 " + strconv.Itoa(m.More) + " 台")
		}
	}
	if m.Link != "" {
		b.WriteString("\n\n[查看详情](" + markdownLink(m.Link) + ")")
	}
	if len(m.Mentions) > 0 {
		b.WriteString("\n\n")
		for i, mob := range m.Mentions {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString("@" + mob)
		}
	}
	mentions := m.Mentions
	if mentions == nil {
		mentions = []string{}
	}
	return dingTalkMessage{MsgType: "markdown", Markdown: dingTalkMarkdown{Title: title, Text: b.String()},
		At: dingTalkAt{AtMobiles: mentions}}
}
