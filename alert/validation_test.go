package alert_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/config"
)

// TestConfigAndAPIRejectABadWebhookAlike sends each bad webhook both ways:
// as an entry of alerts.webhooks in the config file and as the body of
// POST /api/v1/webhooks. Both must refuse it naming the same field with
// the same message, since one function checks both.
func TestConfigAndAPIRejectABadWebhookAlike(t *testing.T) {
	h := newHarness(t)
	o := h.options()
	o.MaxAge = time.Hour
	c := newAPI(t, h, h.dispatcher(o))
	cases := []struct{ name, webhook, field string }{
		{"min_duration past max_age", `"url":"https://h.example.cn/x","min_duration":"30d"`, "min_duration"},
		{"min_duration equal to max_age", `"url":"https://h.example.cn/x","min_duration":"1h"`, "min_duration"},
		{"negative min_duration", `"url":"https://h.example.cn/x","min_duration":"-5m"`, "min_duration"},
		{"min_duration without unit", `"url":"https://h.example.cn/x","min_duration":"30"`, "min_duration"},
		{"no url", `"format":"json"`, "url"},
		{"ftp url", `"url":"ftp://h.example.cn/x?access_token=TOKsecret"`, "url"},
		{"url without host", `"url":"https:///send?access_token=TOKsecret"`, "url"},
		{"url with fragment", `"url":"https://h.example.cn/x#top"`, "url"},
		{"unknown format", `"url":"https://h.example.cn/x","format":"slack"`, "format"},
		{"signed wecom", `"url":"https://h.example.cn/x","format":"wecom","secret":"SECnope"`, "secret"},
		{"unknown event", `"url":"https://h.example.cn/x","events":["camera.down","camera.exploded"]`, "events[1]"},
		{"unknown owner", `"url":"https://h.example.cn/x","filter":{"owner":"army"}`, "filter.owner"},
		{"unknown lifecycle", `"url":"https://h.example.cn/x","filter":{"lifecycle":"gone"}`, "filter.lifecycle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := c.do("POST", "/api/v1/webhooks", "admintok", `{"name":"ops",`+tc.webhook+`}`)
			if status != http.StatusBadRequest {
				t.Fatalf("API: %d %s, want 400", status, raw)
			}
			e := decodeJSON(t, raw)["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if e["field"] != tc.field || !strings.HasPrefix(msg, tc.field+": ") {
				t.Fatalf("API error %v, want field %q", e, tc.field)
			}
			// JSON is YAML: the same object is an entry of the config file.
			doc := "alerts:\n  max_age: 1h\n  webhooks:\n    - {\"name\":\"ops\"," + tc.webhook + "}\n"
			_, err := config.Parse([]byte(doc), nil)
			if err == nil {
				t.Fatalf("config accepted the webhook the API refused with %q", msg)
			}
			if want := "alerts.webhooks[0]." + msg; !strings.Contains(err.Error(), want) {
				t.Fatalf("config error:\n  %v\nwant it to contain the API's message:\n  %s", err, want)
			}
			for _, out := range []string{raw, err.Error()} {
				if strings.Contains(out, "TOKsecret") || strings.Contains(out, "SECnope") {
					t.Fatalf("error shows a secret: %s", out)
				}
			}
		})
	}
}

// TestNewNamesTheBadFieldOfAConfigWebhook checks the error of New about a
// webhook that bypassed config validation: it names the webhook and field.
func TestNewNamesTheBadFieldOfAConfigWebhook(t *testing.T) {
	h := newHarness(t)
	w := jsonHook("ops", "https://h.example.cn/x")
	w.MinDuration = 2 * time.Hour
	o := h.options(w)
	o.MaxAge = time.Hour
	_, err := alert.New(o)
	if err == nil || !strings.Contains(err.Error(), "webhook 0 (ops): min_duration: must be less than alerts.max_age (1h), got 2h") {
		t.Fatalf("New: %v, want the webhook and min_duration named", err)
	}
}
