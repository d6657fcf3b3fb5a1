package config

import (
	"go.yaml.in/yaml/v3"

	"github.com/sharpeyes/sharpeyes"
)

// redactedText replaces a secret in Redacted.
const redactedText = "<secret>"

// Redacted returns a copy of c fit for logs: the Redis password and the
// password in redis.url, token secrets and hashes, webhook secrets and the
// query strings of webhook URLs (DingTalk's access_token lives there) and
// the GB/T 28181 registration passwords are replaced. Lists and maps without secrets are shared with c.
func (c Config) Redacted() Config {
	r := c
	r.Redis.URL = sharpeyes.RedactURL(c.Redis.URL)
	r.Redis.Password = mask(c.Redis.Password)
	if c.Tokens != nil {
		r.Tokens = make([]Token, len(c.Tokens))
		for i, t := range c.Tokens {
			t.Token, t.TokenSHA256 = mask(t.Token), mask(t.TokenSHA256)
			r.Tokens[i] = t
		}
	}
	if c.Alerts.Webhooks != nil {
		r.Alerts.Webhooks = make([]sharpeyes.Webhook, len(c.Alerts.Webhooks))
		for i, w := range c.Alerts.Webhooks {
			w.URL, w.Secret = sharpeyes.RedactURL(w.URL), mask(w.Secret)
			r.Alerts.Webhooks[i] = w
		}
	}
	r.GB28181.Password = mask(c.GB28181.Password)
	if c.GB28181.Passwords != nil {
		r.GB28181.Passwords = make(map[string]string, len(c.GB28181.Passwords))
		for id, pw := range c.GB28181.Passwords {
			r.GB28181.Passwords[id] = mask(pw)
		}
	}
	return r
}

// String returns c.Redacted() as YAML, so that printing or logging a Config
// never shows a secret. It returns a one-line error text if c cannot be
// marshalled.
func (c Config) String() string {
	b, err := yaml.Marshal(c.Redacted())
	if err != nil {
		return "config: cannot print: " + err.Error()
	}
	return string(b)
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return redactedText
}
