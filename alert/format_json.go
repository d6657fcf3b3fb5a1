package alert

// The json format is sharpeyes' own. Its body is the Alert (key, type, at,
// since, duration_s, group, cameras, isolation; see Alert) plus:
//
//	version   "1"
//	title     a one-line Chinese summary
//	text      the whole message as plain Chinese text, as chat formats show it
//	link      the console page of the camera ({public_url}/cameras/{id}), or the console filtered to the group ({public_url}/?uplink=…), or its overview (with public_url)
//	mentions  on-call mobiles of the cameras' maintainers (firing alerts)
//
// Headers: X-Sharpeyes-Event (the type), X-Sharpeyes-Idempotency-Key,
// and with a secret X-Sharpeyes-Timestamp and X-Sharpeyes-Signature (see
// sign.go).
type jsonMessage struct {
	Version string `json:"version"`
	*Alert
	Title    string   `json:"title"`
	Text     string   `json:"text"`
	Link     string   `json:"link,omitempty"`
	Mentions []string `json:"mentions,omitempty"`
}

func renderJSON(a *Alert, env *RenderEnv) any {
	m := compose(a, env, keepText)
	return jsonMessage{Version: "1", Alert: a, Title: m.Title, Text: m.plain(), Link: m.Link, Mentions: m.Mentions}
}
