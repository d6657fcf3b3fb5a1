package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// maxReply bounds how much of a receiver's answer is read (the rest is
// drained and dropped).
const maxReply = 64 << 10

// Notifier sends alerts to one webhook: render, sign, POST, read the
// answer. It is safe for concurrent use.
type Notifier struct {
	w       *Webhook
	f       format
	client  *http.Client
	env     RenderEnv
	timeout time.Duration
	now     func() time.Time
}

// NewNotifier returns the notifier of w, or an error for an unknown
// format.
func NewNotifier(w *Webhook, client *http.Client, env RenderEnv, timeout time.Duration, now func() time.Time) (*Notifier, error) {
	f, ok := formats[w.Format]
	if !ok {
		return nil, fmt.Errorf("unknown webhook format %q", w.Format)
	}
	env.Receiver = w.Name
	if env.Receiver == "" {
		env.Receiver = w.ID
	}
	env.Secret = w.Secret
	return &Notifier{w: w, f: f, client: client, env: env, timeout: timeout, now: now}, nil
}

// Notify delivers a within one attempt's timeout. It returns nil when the
// receiver took it (2xx, and for chat robots error code 0); otherwise an
// error, with retry set when trying again may help (network errors,
// timeouts, 429, 5xx, a robot's rate limit) and clear when it cannot
// (other 4xx, a redirect, an address the SSRF rules refuse, a robot
// refusing the message or signature). The error never shows the URL's
// query or the secret.
func (n *Notifier) Notify(ctx context.Context, a *Alert) (retry bool, err error) {
	env := n.env
	env.Now = n.now()
	body, err := encode(n.f.render(a, &env))
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	target := n.w.URL
	if n.f.endpoint != nil {
		target = n.f.endpoint(target)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("build request: %w", redactErr(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "sharpeyes-alert/1")
	req.Header.Set(HeaderIdempotencyKey, a.Key)
	req.Header.Set(HeaderEvent, a.Type)
	if n.f.sign != nil && n.w.Secret != "" {
		n.f.sign(req, body, n.w.Secret, env.Now)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		// A refused address is refused again next time: no retry.
		return !errors.Is(err, sharpeyes.ErrTargetRefused), fmt.Errorf("post: %w", redactErr(err))
	}
	defer drain(resp)
	if resp.StatusCode/100 == 3 {
		// Not followed (NewClient), and not retried: the receiver gives
		// the same answer next time, and a redirect is how a receiver
		// would steer deliveries to an address the rules refuse.
		return false, fmt.Errorf("receiver answered %d, a redirect to %q, which is not followed: set the webhook's url to the final address",
			resp.StatusCode, sharpeyes.RedactURL(resp.Header.Get("Location")))
	}
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	return check(resp.StatusCode, n.redact(reply), n.f.vendor)
}

// answerStart is how much of a refusing receiver's answer its error (and
// so the dead letter) shows.
const answerStart = 512

// redact replaces in a receiver's answer what it may echo of the
// webhook's secrets: the signing secret, the URL's password and query
// values (robots' tokens) and a long last path segment (Feishu's hook id).
func (n *Notifier) redact(reply []byte) []byte {
	var secrets []string
	if n.w.Secret != "" {
		secrets = append(secrets, n.w.Secret)
	}
	if u, err := url.Parse(n.w.URL); err == nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
		for _, vs := range u.Query() {
			secrets = append(secrets, vs...)
		}
		if last := path.Base(u.Path); len(last) >= 16 {
			secrets = append(secrets, last)
		}
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			reply = bytes.ReplaceAll(reply, []byte(s), []byte("xxxxx"))
		}
	}
	return reply
}

// drain reads what is left of the body and closes it, so that the
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

// check is the one retry rule: 2xx ok, 429 and 5xx retry, other 4xx (and
// anything else) give up. Chat robots answer 2xx with an error code,
// which is read too. The error of a refusal shows the start of the
// (redacted) answer, which usually says what the receiver disliked.
func check(status int, reply []byte, vendor bool) (bool, error) {
	if status/100 == 2 {
		if vendor {
			return vendorCheck(reply)
		}
		return false, nil
	}
	err := fmt.Errorf("receiver answered %d", status)
	if start := strings.TrimSpace(truncateBytes(strings.ToValidUTF8(string(reply), "\uFFFD"), answerStart)); start != "" {
		err = fmt.Errorf("receiver answered %d: %s", status, start)
	}
	return status == http.StatusTooManyRequests || status/100 == 5, err
}

// vendorReply covers the answers of DingTalk and WeCom (errcode, errmsg)
// and Feishu (code, msg; older robots StatusCode).
type vendorReply struct {
	ErrCode    *int   `json:"errcode"`
	ErrMsg     string `json:"errmsg"`
	Code       *int   `json:"code"`
	Msg        string `json:"msg"`
	StatusCode *int   `json:"StatusCode"`
}

// vendorRetry lists the robots' error codes that mean "try later": system
// busy (-1), DingTalk 130101 (too fast), WeCom 45009 (rate limit), Feishu
// 9499, 11232, 11233 (rate limits).
var vendorRetry = []int{-1, 130101, 45009, 9499, 11232, 11233}

func vendorCheck(reply []byte) (bool, error) {
	var r vendorReply
	if len(bytes.TrimSpace(reply)) == 0 || json.Unmarshal(reply, &r) != nil {
		return false, nil // a 2xx the robot did not explain: taken as delivered
	}
	code, msg := 0, ""
	for _, c := range []struct {
		code *int
		msg  string
	}{{r.ErrCode, r.ErrMsg}, {r.Code, r.Msg}, {r.StatusCode, r.Msg}} {
		if c.code != nil && *c.code != 0 {
			code, msg = *c.code, c.msg
			break
		}
	}
	if code == 0 {
		return false, nil
	}
	if len(msg) > 200 {
		msg = truncateBytes(msg, 200)
	}
	return slices.Contains(vendorRetry, code), fmt.Errorf("robot refused: code %d: %s", code, msg)
}

// redactErr hides the URL (whose query may hold a robot's token) in
// errors of the HTTP client.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = sharpeyes.RedactURL(ue.URL)
	}
	return err
}
