package alert

import "unicode/utf8"

// The wecom format is a WeCom (企业微信) group robot's text message: text
// rather than markdown, since only text messages can mention by mobile
// (text.mentioned_mobile_list). WeCom robots are not signed (the key in
// the URL is the credential), so a secret is ignored. WeCom answers 200
// with {"errcode":0,"errmsg":"ok"}.
type weComMessage struct {
	MsgType string    `json:"msgtype"`
	Text    weComText `json:"text"`
}

type weComText struct {
	Content             string   `json:"content"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

// weComMaxBytes is WeCom's limit on a text message's content.
const weComMaxBytes = 2048

func renderWeCom(a *Alert, env *RenderEnv) any {
	m := compose(a, env, defangText)
	return weComMessage{MsgType: "text",
		Text: weComText{Content: truncateBytes(m.plain(), weComMaxBytes), MentionedMobileList: m.Mentions}}
}

// truncateBytes cuts s to at most n bytes of whole characters, ending in
// "…" when cut.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
