package alert

import (
	"strconv"
	"strings"
)

// The feishu format is a Feishu (飞书, Lark) custom robot's text message.
// With a secret the body carries Feishu's "timestamp" (unix seconds, as a
// string) and "sign" (sign.go). Feishu robots cannot mention by mobile
// number, only by user id, so the on-call mobiles are written into the
// text. Feishu answers 200 with {"code":0,...}.
type feishuMessage struct {
	Timestamp string        `json:"timestamp,omitempty"`
	Sign      string        `json:"sign,omitempty"`
	MsgType   string        `json:"msg_type"`
	Content   feishuContent `json:"content"`
}

type feishuContent struct {
	Text string `json:"text"`
}

func renderFeishu(a *Alert, env *RenderEnv) any {
	m := compose(a, env, defangText)
	text := m.plain()
	if len(m.Mentions) > 0 {
		text += "\n值班电话：" + strings.Join(m.Mentions, "、")
	}
	msg := feishuMessage{MsgType: "text", Content: feishuContent{Text: text}}
	if env.Secret != "" {
		ts := env.Now.Unix()
		msg.Timestamp = strconv.FormatInt(ts, 10)
		msg.Sign = signFeishu(env.Secret, ts)
	}
	return msg
}
