package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// format is one webhook format: how an alert becomes a body, how the
// request is signed and how the receiver's answer is read. Adding a
// format is one file and one line of formats.
type format struct {
	// render returns the value whose JSON is the body.
	render func(a *Alert, env *RenderEnv) any
	// sign adds the signature to a request whose body is final (headers
	// or query); nil when the format signs inside render or not at all.
	sign func(req *http.Request, body []byte, secret string, now time.Time)
	// vendor is set for chat robots that answer 200 with an error code in
	// the body.
	vendor bool
	// endpoint, when set, maps the webhook's url to the one posted to.
	endpoint func(url string) string
}

var formats = map[string]format{
	FormatJSON:                {render: renderJSON, sign: signHeaders},
	FormatAlertmanager:        {render: renderAlertmanager, sign: signHeaders, endpoint: amEndpoint},
	FormatAlertmanagerWebhook: {render: renderAlertmanagerWebhook, sign: signHeaders},
	FormatDingTalk:            {render: renderDingTalk, sign: signDingTalkURL, vendor: true},
	FormatWeCom:               {render: renderWeCom, vendor: true},
	FormatFeishu:              {render: renderFeishu, vendor: true},
}

// Render returns the body a webhook of the given format receives for a,
// signed for secret at now where the format signs inside the body. It
// returns an error for an unknown format.
func Render(formatName string, a *Alert, env RenderEnv) ([]byte, error) {
	f, ok := formats[formatName]
	if !ok {
		return nil, fmt.Errorf("unknown webhook format %q", formatName)
	}
	return encode(f.render(a, &env))
}

// RenderEnv is the exported form of what rendering needs: the public URL
// for links, the on-call mobiles per maintainer, the webhook's name, the
// time and secret of body signatures (feishu), and the zone message texts
// write their times in (nil: UTC).
type RenderEnv struct {
	PublicURL string
	OnCall    map[string][]string
	Receiver  string
	Now       time.Time
	Secret    string
	Location  *time.Location
}

// encode writes v as compact JSON without HTML escaping (message text
// keeps its < and &), with no trailing newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
