package alert_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/alert"
)

// The verifiers below are written from each scheme's documentation, not
// from package alert, so that a mistake shared by signer and verifier
// cannot hide.

func hmacSHA256(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// verifyJSON checks X-Sharpeyes-Signature as documented in sign.go.
func verifyJSON(r received, secret string, now time.Time) bool {
	ts := r.Header.Get("X-Sharpeyes-Timestamp")
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(n, 0)).Abs() > 5*time.Minute {
		return false
	}
	want := "sha256=" + hex.EncodeToString(hmacSHA256(secret, ts+"."+string(r.Body)))
	return hmac.Equal([]byte(r.Header.Get("X-Sharpeyes-Signature")), []byte(want))
}

// verifyDingTalk checks the timestamp and sign query parameters:
// sign = urlencode(base64(HmacSHA256(key=secret, timestamp+"\n"+secret))).
func verifyDingTalk(r received, secret string) bool {
	q, err := url.ParseQuery(r.Query)
	if err != nil || q.Get("access_token") != "tok123" {
		return false
	}
	ts := q.Get("timestamp")
	want := base64.StdEncoding.EncodeToString(hmacSHA256(secret, ts+"\n"+secret))
	return ts != "" && q.Get("sign") == want
}

// verifyFeishu checks the body's timestamp and sign:
// sign = base64(HmacSHA256(key=timestamp+"\n"+secret, message="")).
func verifyFeishu(r received, secret string) bool {
	var b struct{ Timestamp, Sign string }
	if json.Unmarshal(r.Body, &b) != nil || b.Timestamp == "" {
		return false
	}
	want := base64.StdEncoding.EncodeToString(hmacSHA256(b.Timestamp+"\n"+secret, ""))
	return b.Sign == want
}

func TestEachSignatureVerifiesIndependently(t *testing.T) {
	now := time.Now()
	const secret = "SECabc123"
	cases := []struct {
		format string
		verify func(r received, secret string) bool
	}{
		{alert.FormatJSON, func(r received, s string) bool { return verifyJSON(r, s, now) }},
		{alert.FormatAlertmanager, func(r received, s string) bool { return verifyJSON(r, s, now) }},
		{alert.FormatAlertmanagerWebhook, func(r received, s string) bool { return verifyJSON(r, s, now) }},
		{alert.FormatDingTalk, verifyDingTalk},
		{alert.FormatFeishu, verifyFeishu},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			rc := newReceiver(t)
			w := &alert.Webhook{ID: "w", URL: rc.URL + "/robot/send?access_token=tok123", Format: c.format, Secret: secret}
			n, err := alert.NewNotifier(w, alert.NewClient(loopback, nil), renderEnv(""), time.Second, func() time.Time { return now })
			if err != nil {
				t.Fatal(err)
			}
			if retry, err := n.Notify(context.Background(), fixtures()[alert.CameraDown]); err != nil {
				t.Fatalf("notify: retry %v, %v", retry, err)
			}
			got := rc.received()
			if len(got) != 1 || got[0].Key != "k-down" {
				t.Fatalf("receiver got %+v, want one delivery with key k-down", got)
			}
			if !c.verify(got[0], secret) {
				t.Fatalf("signature does not verify: headers %v query %q body %s", got[0].Header, got[0].Query, got[0].Body)
			}
			if c.verify(got[0], secret+"x") {
				t.Fatal("signature verifies with a wrong secret too")
			}
		})
	}
}

func TestUnsignedDeliveriesCarryNoSignature(t *testing.T) {
	rc := newReceiver(t)
	for _, w := range []*alert.Webhook{
		{ID: "plain", URL: rc.URL, Format: alert.FormatJSON},
		{ID: "wecom", URL: rc.URL + "?key=k", Format: alert.FormatWeCom, Secret: "ignored"},
	} {
		n, err := alert.NewNotifier(w, alert.NewClient(loopback, nil), renderEnv(""), time.Second, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Notify(context.Background(), fixtures()[alert.CameraDown]); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rc.received() {
		if r.Header.Get("X-Sharpeyes-Signature") != "" || r.Header.Get("X-Sharpeyes-Idempotency-Key") != "k-down" {
			t.Fatalf("headers %v: want no signature and the idempotency key", r.Header)
		}
	}
}
