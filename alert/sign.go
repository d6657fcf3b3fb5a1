package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Headers of every delivery, and of signed json and alertmanager ones.
//
// A json (or alertmanager) webhook with a secret is signed so:
//
//	X-Sharpeyes-Timestamp: <unix time in seconds, decimal>
//	X-Sharpeyes-Signature: sha256=<lowercase hex HMAC-SHA256>
//
// where the HMAC is keyed by the secret (its UTF-8 bytes) over the
// timestamp's decimal digits, one ".", then the raw request body, byte for
// byte. A receiver recomputes it, compares in constant time, rejects a
// timestamp more than 5 minutes from its clock, and drops a delivery whose
// X-Sharpeyes-Idempotency-Key it has already handled: deliveries are
// at-least-once, and a retry carries the same key (and a new timestamp and
// signature).
const (
	HeaderIdempotencyKey = "X-Sharpeyes-Idempotency-Key"
	HeaderEvent          = "X-Sharpeyes-Event"
	HeaderTimestamp      = "X-Sharpeyes-Timestamp"
	HeaderSignature      = "X-Sharpeyes-Signature"
)

// SignJSON returns the X-Sharpeyes-Signature value for body sent at
// timestamp ts (unix seconds) with secret.
func SignJSON(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func signHeaders(req *http.Request, body []byte, secret string, now time.Time) {
	ts := now.Unix()
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, SignJSON(secret, ts, body))
}

// signDingTalk is DingTalk's robot signature: HMAC-SHA256 keyed by the
// secret over "<timestamp ms>\n<secret>", base64 (standard, padded).
func signDingTalk(secret string, tsMillis int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(tsMillis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signDingTalkURL adds DingTalk's timestamp and sign query parameters (the
// sign URL-encoded, as DingTalk wants) to the request URL.
func signDingTalkURL(req *http.Request, _ []byte, secret string, now time.Time) {
	ts := now.UnixMilli()
	q := req.URL.Query()
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", signDingTalk(secret, ts))
	req.URL.RawQuery = q.Encode()
}

// signFeishu is Feishu's (Lark's) robot signature: HMAC-SHA256 keyed by
// "<timestamp s>\n<secret>" over an empty message, base64 (standard). It
// goes into the body as "timestamp" and "sign".
func signFeishu(secret string, ts int64) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(ts, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
