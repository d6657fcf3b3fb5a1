package probe

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// redacted replaces a password wherever one is hidden.
const redacted = "xxxxx"

// ErrBadURL is wrapped by ParseURL's errors.
var ErrBadURL = errors.New("invalid probe url")

var schemes = map[string]sharpeyes.ProbeKind{
	"rtsp": sharpeyes.ProbeRTSP, "onvif": sharpeyes.ProbeONVIF, "tcp": sharpeyes.ProbeTCP,
	"http": sharpeyes.ProbeHTTP, "https": sharpeyes.ProbeHTTP, "icmp": sharpeyes.ProbeICMP,
}

// ParseURL turns a URL of `sharpeyes probe` into a Target:
// rtsp://user:pw@host[:port]/path, onvif://host[:port][/service/path],
// tcp://host:port, http(s)://host[:port]/path and icmp://host. Ports default
// as for camera records (rtsp 554, onvif and http 80, https 443). It
// returns an error wrapping ErrBadURL, with the password hidden, for an
// unknown scheme, a missing host, a bad port or a malformed URL.
func ParseURL(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	bad := func(why string) (Target, error) {
		return Target{}, fmt.Errorf("%w %s: %s", ErrBadURL, RedactURL(raw), why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		why := err.Error()
		if errors.As(err, &uerr) {
			why = uerr.Err.Error()
		}
		if pw := rawPassword(raw); pw != "" {
			why = strings.ReplaceAll(why, pw, redacted)
		}
		return bad(why)
	}
	kind, ok := schemes[strings.ToLower(u.Scheme)]
	if !ok {
		return bad("scheme must be rtsp, onvif, tcp, http, https or icmp")
	}
	if u.User == nil && strings.Contains(u.Path, "@") {
		return bad("'@' after the host: percent-encode '/', '?', '#' and '@' in user and password")
	}
	t := Target{Kind: kind, Host: u.Hostname(), TLS: strings.EqualFold(u.Scheme, "https")}
	if t.Host == "" {
		return bad("no host")
	}
	if t.Port, err = urlPort(u.Port(), kind, t.TLS); err != nil {
		return bad(err.Error())
	}
	t.Path = u.EscapedPath()
	if u.RawQuery != "" {
		t.Path += "?" + u.RawQuery
	}
	if kind == sharpeyes.ProbeONVIF && t.Path == "/" {
		t.Path = ""
	}
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	return t, nil
}

// urlPort returns the port of a probe URL, or its kind's default.
func urlPort(port string, kind sharpeyes.ProbeKind, tls bool) (int, error) {
	switch {
	case port != "" && kind == sharpeyes.ProbeICMP:
		return 0, errors.New("icmp takes no port")
	case port == "" && kind == sharpeyes.ProbeTCP:
		return 0, errors.New("tcp needs a port")
	case port == "" && tls:
		return 443, nil
	case port == "":
		return sharpeyes.DefaultPort(kind), nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return 0, errors.New("port must be 1-65535")
	}
	return n, nil
}

// RedactURL hides the password of a URL's userinfo and the values of
// query parameters named like secrets (password, passwd, pwd, pass, token,
// secret). It works on the raw text, so it also hides a password containing
// '/' or '@' that a URL parser would misread; when unsure it hides too
// much rather than too little.
func RedactURL(raw string) string {
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
			rest = rest[:c+1] + redacted + rest[at:]
		}
	}
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		return prefix + rest
	}
	return prefix + rest[:q+1] + redactQuery(rest[q+1:])
}

// rawPassword returns what RedactURL would hide in the userinfo, or "".
func rawPassword(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		raw = raw[i+3:]
	}
	at := strings.LastIndexByte(raw, '@')
	if at < 0 {
		return ""
	}
	if c := strings.IndexByte(raw[:at], ':'); c >= 0 {
		return raw[c+1 : at]
	}
	return ""
}

func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, ok := strings.Cut(p, "=")
		switch strings.ToLower(name) {
		case "password", "passwd", "pwd", "pass", "token", "secret":
			if ok {
				parts[i] = name + "=" + redacted
			}
		}
	}
	return strings.Join(parts, "&")
}
