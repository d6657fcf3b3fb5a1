package alert_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
	"github.com/sharpeyes/sharpeyes/api"
)

// apiClient calls the real API router with the dispatcher's routes
// mounted, as the lead wires them.
type apiClient struct {
	t      *testing.T
	router http.Handler
}

func newAPI(t *testing.T, h *harness, d *alert.Dispatcher) *apiClient {
	t.Helper()
	tokens := []api.Token{
		{Name: "admin", Role: api.RoleAdmin, Hash: api.HashToken("admintok")},
		{Name: "张三", Role: api.RoleOperator, Hash: api.HashToken("optok")},
		{Name: "viewer", Role: api.RoleViewer, Hash: api.HashToken("viewtok")},
	}
	r := api.NewRouter(api.Deps{Store: h.store, Tokens: tokens,
		Mount: []func(*gin.RouterGroup, api.Authz){d.Routes}})
	return &apiClient{t: t, router: r}
}

// do sends a request and returns the status and raw body.
func (c *apiClient) do(method, path, token, body string) (int, string) {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.router.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func decodeJSON(t *testing.T, raw string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("response %q: %v", raw, err)
	}
	return m
}

func TestWebhookAPIKeepsSecretsWriteOnly(t *testing.T) {
	h := newHarness(t)
	cfg := alert.Webhook{Name: "值班群", URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=CFGkey", Format: alert.FormatWeCom}
	c := newAPI(t, h, h.dispatcher(h.options(cfg)))
	in := `{"name":"荷塘区","url":"https://oapi.dingtalk.com/robot/send?access_token=TOKsecret","format":"dingtalk",
		"secret":"SECwrite","events":["camera.down","camera.up"],"filter":{"region":"荷塘区/"},"min_duration":"5m"}`
	status, raw := c.do("POST", "/api/v1/webhooks", "admintok", in)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	created := decodeJSON(t, raw)
	if created["has_secret"] != true || created["min_duration"] != "5m0s" || created["filter"].(map[string]any)["region"] != "荷塘区" {
		t.Fatalf("created webhook %v", created)
	}
	id := created["id"].(string)
	_, list := c.do("GET", "/api/v1/webhooks", "admintok", "")
	_, one := c.do("GET", "/api/v1/webhooks/"+id, "admintok", "")
	for _, out := range []string{raw, list, one, h.logs.String()} {
		for _, secret := range []string{"SECwrite", "TOKsecret", "CFGkey"} {
			if strings.Contains(out, secret) {
				t.Fatalf("%q leaks in %s", secret, out)
			}
		}
	}
	if items := decodeJSON(t, list)["items"].([]any); len(items) != 2 {
		t.Fatalf("list has %d webhooks, want the config one and the new one", len(items))
	}
	if status, _ := c.do("DELETE", "/api/v1/webhooks/"+id, "admintok", ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if status, _ := c.do("GET", "/api/v1/webhooks/"+id, "admintok", ""); status != http.StatusNotFound {
		t.Fatalf("get after delete: %d, want 404", status)
	}
	if status, raw := c.do("DELETE", "/api/v1/webhooks/值班群", "admintok", ""); status != http.StatusBadRequest {
		t.Fatalf("delete of a config webhook: %d %s, want 400", status, raw)
	}
}

func TestWebhookAPIRejectsBadFieldsByName(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	cases := []struct{ body, field string }{
		{`{"format":"json"}`, "url"},
		{`{"url":"ftp://example.com/x"}`, "url"},
		{`{"url":"http:///nohost"}`, "url"},
		{`{"url":"https://example.com/x","format":"slack"}`, "format"},
		{`{"url":"https://example.com/x","events":["camera.exploded"]}`, "events[0]"},
		{`{"url":"https://example.com/x","filter":{"owner":"army"}}`, "filter.owner"},
		{`{"url":"https://example.com/x","min_duration":"soon"}`, "min_duration"},
		{`{"url":"https://example.com/x","colour":"red"}`, "colour"},
		{`{"url":"https://example.com/x","format":"wecom","secret":"SECnope"}`, "secret"},
		{`{"url":"https://example.com/x","secret":42}`, "secret"},
		{`[1,2]`, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			status, raw := c.do("POST", "/api/v1/webhooks", "admintok", tc.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d %s, want 400", status, raw)
			}
			e := decodeJSON(t, raw)["error"].(map[string]any)
			if e["field"] != tc.field || strings.Contains(raw, "SECnope") {
				t.Fatalf("error %v, want field %q and no secret", e, tc.field)
			}
		})
	}
}

func TestWebhookAndSilenceRoutesCheckRoles(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	silence := `{"camera_id":"cam-1","duration":"1h"}`
	cases := []struct {
		method, path, token, body string
		want                      int
	}{
		{"GET", "/api/v1/webhooks", "", "", http.StatusUnauthorized},
		{"GET", "/api/v1/webhooks", "viewtok", "", http.StatusForbidden},
		{"POST", "/api/v1/webhooks", "optok", `{"url":"https://example.com"}`, http.StatusForbidden},
		{"GET", "/api/v1/webhooks", "admintok", "", http.StatusOK},
		{"GET", "/api/v1/silences", "viewtok", "", http.StatusOK},
		{"POST", "/api/v1/silences", "viewtok", silence, http.StatusForbidden},
		{"POST", "/api/v1/silences", "optok", silence, http.StatusCreated},
		{"DELETE", "/api/v1/silences/nope", "viewtok", "", http.StatusForbidden},
		{"DELETE", "/api/v1/silences/nope", "optok", "", http.StatusNotFound},
	}
	for _, tc := range cases {
		if got, raw := c.do(tc.method, tc.path, tc.token, tc.body); got != tc.want {
			t.Errorf("%s %s as %q: %d %s, want %d", tc.method, tc.path, tc.token, got, raw, tc.want)
		}
	}
}

func TestSilenceAPIRecordsTheAuthorAndEndsSilencesEarly(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	status, raw := c.do("POST", "/api/v1/silences", "optok",
		`{"uplink":"SW-月塘-001","duration":"2h","comment":"更换交换机","author":"someone else"}`)
	if status != http.StatusBadRequest {
		t.Fatalf("author in the body: %d %s, want 400 (it is the token's name)", status, raw)
	}
	status, raw = c.do("POST", "/api/v1/silences", "optok", `{"uplink":"SW-月塘-001","duration":"2h","comment":"更换交换机"}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	s := decodeJSON(t, raw)
	if s["author"] != "张三" || s["active"] != true || s["comment"] != "更换交换机" {
		t.Fatalf("silence %v, want author 张三, active", s)
	}
	id := s["id"].(string)
	if status, _ := c.do("DELETE", "/api/v1/silences/"+id, "optok", ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	_, raw = c.do("GET", "/api/v1/silences/"+id, "viewtok", "")
	if s := decodeJSON(t, raw); s["active"] != false {
		t.Fatalf("ended silence %v: want kept, inactive", s)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	_, raw = c.do("POST", "/api/v1/silences", "optok", `{"maintainer":"甲公司","start":"`+future+`","duration":3600}`)
	fid := decodeJSON(t, raw)["id"].(string)
	c.do("DELETE", "/api/v1/silences/"+fid, "optok", "")
	if status, _ := c.do("GET", "/api/v1/silences/"+fid, "viewtok", ""); status != http.StatusNotFound {
		t.Fatalf("a silence deleted before it began: %d, want 404", status)
	}
	all, err := h.store.Silences(context.Background())
	if err != nil || len(all) != 1 {
		t.Fatalf("stored silences %v, %v: want the ended one kept", all, err)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"duration":"1h"}`, "camera_id"},
		{`{"camera_id":"x"}`, "end"},
		{`{"camera_id":"x","end":"2001-01-01T00:00:00Z"}`, "end"},
		{`{"camera_id":"x","duration":"2400h"}`, "end"},
	} {
		if status, raw := c.do("POST", "/api/v1/silences", "optok", tc.body); status != 400 ||
			decodeJSON(t, raw)["error"].(map[string]any)["field"] != tc.field {
			t.Errorf("POST %s: %d %s, want 400 naming %s", tc.body, status, raw, tc.field)
		}
	}
}

func TestDeadLettersOfExpiredAndRefusedDeliveriesAreListed(t *testing.T) {
	h := newHarness(t)
	refusing, down := newReceiver(t), newReceiver(t)
	refusing.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusBadRequest)
		return true
	})
	down.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	ids := h.cameras("死信", 1, "SW-1", "荷塘区", "")
	clk := newClock(time.Now().UTC())
	o := h.options(jsonHook("refusing", refusing.URL), jsonHook("down", down.URL))
	o.Now, o.MaxAge, o.RetryMax = clk.Now, time.Hour, 10*time.Minute
	d := h.dispatcher(o)
	c := newAPI(t, h, d)
	h.run(d)
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, clk.Now(), ids...)
	deadLetters := func(wh string) []any {
		_, raw := c.do("GET", "/api/v1/webhooks/"+wh+"/deadletters", "admintok", "")
		items, _ := decodeJSON(t, raw)["items"].([]any)
		return items
	}
	advanceUntil(t, clk, time.Minute, "both dead letters", func() bool {
		return len(deadLetters("refusing")) == 1 && len(deadLetters("down")) == 1 && h.idle("refusing", "down")
	})
	for wh, want := range map[string]string{"refusing": "receiver refused it", "down": "older than max_age"} {
		dl := deadLetters(wh)[0].(map[string]any)
		if dl["reason"] != want || dl["type"] != alert.CameraDown || dl["alert"].(map[string]any)["key"] != dl["key"] {
			t.Errorf("%s dead letter %v, want reason %q with its alert", wh, dl, want)
		}
	}
	if n := down.attemptCount(); n < 3 {
		t.Errorf("the down receiver saw %d attempts, want retries until max_age", n)
	}
}

func TestDocsDescribeEveryRoute(t *testing.T) {
	h := newHarness(t)
	d := h.dispatcher(h.options())
	r := api.NewRouter(api.Deps{Store: h.store, OpenAccess: true, Docs: alert.Docs(),
		Mount: []func(*gin.RouterGroup, api.Authz){d.Routes}})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	req.Host = "localhost" // open access serves loopback names only
	r.ServeHTTP(rec, req)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rt := range r.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/webhooks") && !strings.HasPrefix(rt.Path, "/api/v1/silences") {
			continue
		}
		n++
		p := strings.ReplaceAll(rt.Path, ":id", "{id}")
		if _, ok := doc.Paths[p][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", rt.Method, p)
		}
	}
	if n != 9 {
		t.Fatalf("found %d alert routes, want 9", n)
	}
}

// TestSilenceDurationReadsDaysAsTheDocsSay checks that API durations are
// read by the same parser as the config file: "2d" is two days.
func TestSilenceDurationReadsDaysAsTheDocsSay(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	for _, tc := range []struct {
		duration string
		want     time.Duration
	}{{`"2d"`, 48 * time.Hour}, {`"1d12h"`, 36 * time.Hour}, {`"90m"`, 90 * time.Minute}, {`7200`, 2 * time.Hour}} {
		status, raw := c.do("POST", "/api/v1/silences", "optok", `{"camera_id":"cam-1","duration":`+tc.duration+`}`)
		if status != http.StatusCreated {
			t.Errorf("duration %s: %d %s, want 201", tc.duration, status, raw)
			continue
		}
		s := decodeJSON(t, raw)
		start, _ := time.Parse(time.RFC3339Nano, s["start"].(string))
		end, _ := time.Parse(time.RFC3339Nano, s["end"].(string))
		if got := end.Sub(start); got != tc.want {
			t.Errorf("duration %s: silence lasts %v, want %v", tc.duration, got, tc.want)
		}
	}
}

func TestWebhookNamesAreUniqueAcrossConfigAndAPI(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options(jsonHook("值班群", "https://h.example.cn/cfg"))))
	if status, raw := c.do("POST", "/api/v1/webhooks", "admintok", `{"name":"荷塘区","url":"https://h.example.cn/a"}`); status != http.StatusCreated {
		t.Fatalf("first: %d %s", status, raw)
	}
	for _, name := range []string{"荷塘区", " 荷塘区 ", "值班群"} {
		status, raw := c.do("POST", "/api/v1/webhooks", "admintok", `{"name":"`+name+`","url":"https://h.example.cn/b?key=TOKdup"}`)
		e, _ := decodeJSON(t, raw)["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if status != http.StatusConflict || e["code"] != "conflict" || !strings.HasPrefix(msg, "name: ") || strings.Contains(raw, "TOKdup") {
			t.Fatalf("%q again: %d %s; want 409 conflict naming name", name, status, raw)
		}
	}
	_, list := c.do("GET", "/api/v1/webhooks", "admintok", "")
	if items := decodeJSON(t, list)["items"].([]any); len(items) != 2 {
		t.Fatalf("list has %d webhooks, want 2", len(items))
	}
}

// Two admins creating a webhook of one name at the same moment: exactly
// one gets it, the others get 409 naming the field, and one webhook of
// that name is stored.
func TestWebhookNameRaceCreatesOne(t *testing.T) {
	h := newHarness(t)
	c := newAPI(t, h, h.dispatcher(h.options()))
	const racers = 8
	statuses := make([]int, racers)
	raws := make([]string, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			statuses[i], raws[i] = c.do("POST", "/api/v1/webhooks", "admintok",
				`{"name":"夜班","url":"https://h.example.cn/`+strconv.Itoa(i)+`"}`)
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i, status := range statuses {
		switch status {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			e, _ := decodeJSON(t, raws[i])["error"].(map[string]any)
			if e["field"] != "name" {
				t.Errorf("409 without field name: %s", raws[i])
			}
		default:
			t.Errorf("racer %d: %d %s", i, status, raws[i])
		}
	}
	_, list := c.do("GET", "/api/v1/webhooks", "admintok", "")
	if items := decodeJSON(t, list)["items"].([]any); created != 1 || len(items) != 1 {
		t.Fatalf("%d created, %d stored; want one of each", created, len(items))
	}
	// The name is free again once its webhook is deleted.
	id := decodeJSON(t, list)["items"].([]any)[0].(map[string]any)["id"].(string)
	if status, raw := c.do("DELETE", "/api/v1/webhooks/"+id, "admintok", ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, raw)
	}
	if status, raw := c.do("POST", "/api/v1/webhooks", "admintok", `{"name":"夜班","url":"https://h.example.cn/x"}`); status != http.StatusCreated {
		t.Fatalf("name after delete: %d %s", status, raw)
	}
}
