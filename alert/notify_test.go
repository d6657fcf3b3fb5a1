package alert_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
)

func notifier(t *testing.T, format, url string, timeout time.Duration) *alert.Notifier {
	t.Helper()
	n, err := alert.NewNotifier(&alert.Webhook{ID: "w", URL: url, Format: format}, alert.NewClient(loopback, nil), renderEnv(""), timeout, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOneRetryRule(t *testing.T) {
	cases := []struct {
		name, format string
		status       int
		reply        string
		ok, retry    bool
	}{
		{"200", alert.FormatJSON, 200, "", true, false},
		{"204", alert.FormatJSON, 204, "", true, false},
		{"400 gives up", alert.FormatJSON, 400, "", false, false},
		{"404 gives up", alert.FormatAlertmanager, 404, "", false, false},
		{"429 retries", alert.FormatJSON, 429, "", false, true},
		{"500 retries", alert.FormatJSON, 500, "", false, true},
		{"503 retries", alert.FormatAlertmanager, 503, "", false, true},
		{"dingtalk ok", alert.FormatDingTalk, 200, `{"errcode":0,"errmsg":"ok"}`, true, false},
		{"dingtalk bad sign gives up", alert.FormatDingTalk, 200, `{"errcode":310000,"errmsg":"sign not match"}`, false, false},
		{"dingtalk too fast retries", alert.FormatDingTalk, 200, `{"errcode":130101,"errmsg":"send too fast"}`, false, true},
		{"wecom rate limit retries", alert.FormatWeCom, 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, false, true},
		{"wecom bad key gives up", alert.FormatWeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, false, false},
		{"feishu ok", alert.FormatFeishu, 200, `{"StatusCode":0,"StatusMessage":"success","code":0,"msg":"success"}`, true, false},
		{"feishu bad sign gives up", alert.FormatFeishu, 200, `{"code":19021,"msg":"sign match fail"}`, false, false},
		{"feishu rate limit retries", alert.FormatFeishu, 200, `{"code":9499,"msg":"Too Many Requests"}`, false, true},
		{"feishu 5xx retries", alert.FormatFeishu, 502, "", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.reply))
			}))
			defer srv.Close()
			retry, err := notifier(t, c.format, srv.URL, time.Second).Notify(context.Background(), fixtures()[alert.CameraDown])
			if (err == nil) != c.ok || retry != c.retry {
				t.Fatalf("got retry %v, err %v; want ok %v, retry %v", retry, err, c.ok, c.retry)
			}
		})
	}
}

func TestHangingReceiverTimesOutAndIsRetried(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	retry, err := notifier(t, alert.FormatJSON, srv.URL, 100*time.Millisecond).Notify(context.Background(), fixtures()[alert.CameraDown])
	if err == nil || !retry {
		t.Fatalf("got retry %v, err %v; want a retryable timeout", retry, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("attempt took %v, want about the 100ms timeout", took)
	}
}

func TestRepliesAreDrainedSoTheConnectionIsReused(t *testing.T) {
	var conns atomic.Int32
	big := strings.Repeat("x", 200<<10) // more than the part that is read
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(big))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	n := notifier(t, alert.FormatJSON, srv.URL, time.Second)
	for range 5 {
		if _, err := n.Notify(context.Background(), fixtures()[alert.CameraDown]); err != nil {
			t.Fatal(err)
		}
	}
	if c := conns.Load(); c != 1 {
		t.Fatalf("%d connections for 5 deliveries, want 1 (bodies drained and closed)", c)
	}
}

func TestErrorsNeverShowTheURLToken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connection refused
	_, err = notifier(t, alert.FormatDingTalk, "http://"+addr+"/robot/send?access_token=TOKsecret", time.Second).
		Notify(context.Background(), fixtures()[alert.CameraDown])
	if err == nil || strings.Contains(err.Error(), "TOKsecret") {
		t.Fatalf("error %v: want a failure that hides the token", err)
	}
}
