package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

// assertNoSecret fails if text contains any of secrets.
func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks secret %q:\n%s", what, s, text)
		}
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c := mustLoad(t, "testdata/valid-full.yml")
	c.Redis.URL, c.Redis.Addrs, c.Redis.MasterName = "redis://cache:url-password-1@10.0.0.5:6379/0", nil, ""
	secrets := []string{
		"url-password-1", "correct-horse-battery", "s3cr3t-0p3rat0r-t0k3n", "viewer-token-for-the-wall",
		"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
		"dingtalk-access-token", "SECdingtalk-signing-secret",
	}
	r := c.Redacted()
	for _, text := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v", r), fmt.Sprintf("%+v", &c)} {
		assertNoSecret(t, "printed config", text, secrets...)
	}
	if r.Redis.URL != "redis://cache:xxxxx@10.0.0.5:6379/0" {
		t.Errorf("redacted redis.url = %q, want the password masked and the rest kept", r.Redis.URL)
	}
	if got := r.Alerts.Webhooks[0].URL; got != "https://oapi.dingtalk.com/robot/send?access_token=xxxxx" {
		t.Errorf("redacted webhook url = %q, want the query value masked", got)
	}
	if r.Tokens[0].Name != "ops-desk" || r.Alerts.Webhooks[0].Format != sharpeyes.FormatDingTalk {
		t.Error("Redacted lost non-secret fields")
	}
	// The original is untouched.
	if c.Tokens[0].Token != "s3cr3t-0p3rat0r-t0k3n" || c.Alerts.Webhooks[0].Secret != "SECdingtalk-signing-secret" {
		t.Error("Redacted changed the Config it was called on")
	}
}

// Errors about values that hold secrets never repeat the secret.
func TestErrorsHideSecrets(t *testing.T) {
	tests := []struct {
		name, doc, secret, want string
	}{
		{"redis url bad scheme", "redis:\n  url: http://u:pw-in-url-1@h:6379\n", "pw-in-url-1", "redis.url: must start with redis://"},
		{"redis url bad escape", "redis:\n  url: redis://u:pw%zz-2@h:6379\n", "pw%zz-2", "redis.url: is not a valid URL"},
		{"redis url bad port", "redis:\n  url: redis://u:pw-3@h:99999\n", "pw-3", "redis.url: port must be"},
		{"redis url twice a password", "redis:\n  url: redis://u:pw-4@h:6379\n  password: pw-5-other\n", "pw-4", "redis.password: redis.url already carries a password"},
		{"short token", "listen: 127.0.0.1:1\ntokens: [{name: a, role: admin, token: tiny-secret}]\n", "tiny-secret", "tokens[0].token: must be at least 16"},
		{"token as list", "tokens: [{name: a, role: admin, token: [tok-secret-6]}]\n", "tok-secret-6", "tokens[0].token: must be a string"},
		{"bad token hash", "tokens: [{name: a, role: admin, token_sha256: hash-secret-7}]\n", "hash-secret-7", "tokens[0].token_sha256: must be 64 hex digits"},
		{"duplicate token", "tokens: [{name: a, role: admin, token: same-secret-0123456}, {name: b, role: viewer, token: same-secret-0123456}]\n", "same-secret-0123456", "tokens[1]: has the same secret as tokens[0]"},
		{"webhook url ftp", "alerts: {webhooks: [{name: a, url: 'ftp://h/x?access_token=at-secret-8'}]}\n", "at-secret-8", "alerts.webhooks[0].url: must start with http://"},
		{"webhook url no host", "alerts: {webhooks: [{name: a, url: 'https:///send?access_token=at-secret-9'}]}\n", "at-secret-9", "alerts.webhooks[0].url: needs a host"},
		{"webhook secret as map", "alerts: {webhooks: [{name: a, url: 'https://h/x', secret: {s: wh-secret-10}}]}\n", "wh-secret-10", "alerts.webhooks[0].secret: must be a string"},
		{"password from env as list", "", "env-secret-11", "redis.password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.doc == "" {
				env = []string{"SHARPEYES_REDIS_PASSWORD=env-secret-11", "SHARPEYES_REDIS_URL=redis://u:x@h:6379"}
			}
			_, err := Parse([]byte(tc.doc), env)
			wantErr(t, err, tc.want)
			assertNoSecret(t, "error", err.Error(), tc.secret)
		})
	}
}
