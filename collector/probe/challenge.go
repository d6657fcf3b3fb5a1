package probe

import "strings"

// challenge is one usable WWW-Authenticate challenge: Basic, or Digest with
// an algorithm and qop we support.
type challenge struct {
	basic                        bool
	algo                         *digestAlgo
	algoGiven                    string // the algorithm directive as sent, "" if absent
	realm, nonce, opaque, qop    string // qop is the one we chose: "auth", "auth-int" or ""
	qopOffered                   string
	stale, userhash, unsupported bool
}

func (c *challenge) strength() int {
	if c.basic {
		return 1
	}
	return c.algo.strength
}

// name says which scheme was chosen, for a step's detail.
func (c *challenge) name() string {
	if c.basic {
		return "basic"
	}
	return "digest " + c.algo.name
}

// pickChallenge parses WWW-Authenticate values and returns the strongest
// challenge we can answer, or false when there is none.
func pickChallenge(values []string) (challenge, bool) {
	var all []challenge
	for _, v := range values {
		all = parseChallenges(all, v)
	}
	best, found := challenge{}, false
	for i := range all {
		c := &all[i]
		if c.finish() && (!found || c.strength() > best.strength()) {
			best, found = *c, true
		}
	}
	return best, found
}

// finish resolves the algorithm and qop of a Digest challenge and reports
// whether the challenge is usable.
func (c *challenge) finish() bool {
	if c.basic {
		return true
	}
	if c.unsupported || c.nonce == "" {
		return false
	}
	name := c.algoGiven
	if name == "" {
		name = "MD5"
	}
	for i := range digestAlgos {
		if strings.EqualFold(digestAlgos[i].name, name) {
			c.algo = &digestAlgos[i]
		}
	}
	switch {
	case c.qopOffered == "":
		c.qop = ""
	case hasListItem(c.qopOffered, "auth"):
		c.qop = "auth"
	case hasListItem(c.qopOffered, "auth-int"):
		c.qop = "auth-int"
	default:
		return false
	}
	return c.algo != nil
}

// parseChallenges appends the Basic and Digest challenges of one header
// value to dst; other schemes are skipped. It never fails: what it cannot
// read it skips.
func parseChallenges(dst []challenge, header string) []challenge {
	lx := authLexer{s: header}
	cur := -1 // index in dst of the challenge being filled, -1 when skipping
	for {
		lx.skip(" \t,")
		if lx.i >= len(lx.s) {
			return dst
		}
		tok := lx.token()
		if tok == "" {
			lx.i++
			continue
		}
		lx.skip(" \t")
		if lx.i < len(lx.s) && lx.s[lx.i] == '=' {
			lx.i++
			lx.skip(" \t")
			if v := lx.value(); cur >= 0 {
				dst[cur].set(tok, v)
			}
			continue
		}
		cur = -1
		switch {
		case strings.EqualFold(tok, "Basic"):
			dst = append(dst, challenge{basic: true})
			cur = len(dst) - 1
		case strings.EqualFold(tok, "Digest"):
			dst = append(dst, challenge{})
			cur = len(dst) - 1
		}
	}
}

func (c *challenge) set(name, v string) {
	switch {
	case strings.EqualFold(name, "realm"):
		c.realm = v
	case strings.EqualFold(name, "nonce"):
		c.nonce = v
	case strings.EqualFold(name, "opaque"):
		c.opaque = v
	case strings.EqualFold(name, "algorithm"):
		c.algoGiven = v
	case strings.EqualFold(name, "qop"):
		c.qopOffered = v
	case strings.EqualFold(name, "stale"):
		c.stale = strings.EqualFold(v, "true")
	case strings.EqualFold(name, "userhash"):
		c.userhash = strings.EqualFold(v, "true")
	case strings.EqualFold(name, "charset"):
		c.unsupported = !strings.EqualFold(v, "UTF-8")
	}
}

// authLexer reads the auth-param grammar of RFC 7235.
type authLexer struct {
	s string
	i int
}

func (lx *authLexer) skip(set string) {
	for lx.i < len(lx.s) && strings.IndexByte(set, lx.s[lx.i]) >= 0 {
		lx.i++
	}
}

func (lx *authLexer) token() string {
	start := lx.i
	for lx.i < len(lx.s) && isTokenChar(lx.s[lx.i]) {
		lx.i++
	}
	return lx.s[start:lx.i]
}

// value reads a quoted-string (undoing backslash escapes; an unterminated
// one runs to the end) or a bare token.
func (lx *authLexer) value() string {
	if lx.i >= len(lx.s) || lx.s[lx.i] != '"' {
		start := lx.i
		for lx.i < len(lx.s) && strings.IndexByte(", \t", lx.s[lx.i]) < 0 {
			lx.i++
		}
		return lx.s[start:lx.i]
	}
	lx.i++
	start, escaped := lx.i, false
	for lx.i < len(lx.s) && lx.s[lx.i] != '"' {
		if lx.s[lx.i] == '\\' {
			escaped = true
			lx.i++
		}
		lx.i++
	}
	v := lx.s[start:min(lx.i, len(lx.s))]
	lx.i++
	if !escaped {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) < 0
}

// hasListItem reports whether a comma-separated list holds item.
func hasListItem(list, item string) bool {
	for part := range strings.SplitSeq(list, ",") {
		if strings.EqualFold(strings.TrimSpace(part), item) {
			return true
		}
	}
	return false
}
