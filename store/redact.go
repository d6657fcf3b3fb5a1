package store

import "net/url"

// RedactURL returns u with any password replaced by "xxxxx", for logs and
// errors. An unparsable URL is returned as "<unparsable url>", since it may
// still hold a secret.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "<unparsable url>"
	}
	if p.User != nil {
		if _, ok := p.User.Password(); ok {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	return p.String()
}
