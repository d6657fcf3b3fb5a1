package sharpeyes

import "net/url"

// RedactURL returns raw fit for logs, errors and API answers: its password
// and every query value (chat webhooks and some Redis URLs carry a token
// there) replaced by "xxxxx", its fragment dropped. An empty raw stays
// empty; one that does not parse, or is opaque ("redis:pw@host"), is
// returned as "<unparsable url>", since it may still hold a secret.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "<unparsable url>"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"xxxxx"}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
