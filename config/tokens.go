package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Role is what a token may do. Each role includes the ones below it.
type Role string

// Roles of SPEC, lowest first.
const (
	RoleViewer   Role = "viewer"   // read
	RoleOperator Role = "operator" // + silences
	RoleAdmin    Role = "admin"    // + cameras, webhooks, import
)

var roleRank = map[Role]int{RoleViewer: 1, RoleOperator: 2, RoleAdmin: 3}

// Allows reports whether r may do what needs at least role need. An unknown
// role allows nothing.
func (r Role) Allows(need Role) bool {
	have, ok := roleRank[r]
	return ok && have >= roleRank[need]
}

// MinTokenLength is the shortest plain token accepted: 16 characters keep a
// random token out of reach of guessing over HTTP.
const MinTokenLength = 16

// Token is one bearer token of the API. Exactly one of Token and TokenSHA256
// is set.
type Token struct {
	// Name identifies the token in logs and audit events; unique.
	Name string `yaml:"name"`
	// Role is viewer, operator or admin.
	Role Role `yaml:"role"`
	// Token is the secret itself, at least 16 characters.
	Token string `yaml:"token" secret:"true"`
	// TokenSHA256 is the hex SHA-256 of the secret, so the file need not
	// hold it: `printf %s "$TOKEN" | sha256sum`.
	TokenSHA256 string `yaml:"token_sha256" secret:"true"`
}

// SHA256 returns the SHA-256 of the token's secret, for constant-time
// comparison with the hash of a presented bearer token. It returns the zero
// array for a token that fails Validate.
func (t Token) SHA256() [sha256.Size]byte {
	if t.Token != "" {
		return sha256.Sum256([]byte(t.Token))
	}
	var sum [sha256.Size]byte
	b, err := hex.DecodeString(t.TokenSHA256)
	if err != nil || len(b) != sha256.Size {
		return sum
	}
	copy(sum[:], b)
	return sum
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

func validateTokens(tokens []Token, e *errorList) {
	names := map[string]int{}
	sums := map[[sha256.Size]byte]int{}
	for i, t := range tokens {
		key := fmt.Sprintf("tokens[%d]", i)
		checkName(e, key+".name", t.Name, i, names, "tokens")
		if _, ok := roleRank[t.Role]; !ok {
			e.add(key+".role", "must be viewer, operator or admin, got %q", clip(string(t.Role)))
		}
		switch {
		case t.Token != "" && t.TokenSHA256 != "":
			e.add(key, "set token or token_sha256, not both")
			continue
		case t.Token == "" && t.TokenSHA256 == "":
			e.add(key, "needs token or token_sha256")
			continue
		case t.Token != "" && len([]rune(t.Token)) < MinTokenLength:
			e.add(key+".token", "must be at least %d characters, got %d", MinTokenLength, len([]rune(t.Token)))
			continue
		case t.TokenSHA256 != "" && !hexSHA256.MatchString(t.TokenSHA256):
			e.add(key+".token_sha256", "must be 64 hex digits (the SHA-256 of the token)")
			continue
		}
		sum := t.SHA256()
		if j, dup := sums[sum]; dup {
			e.add(key, "has the same secret as tokens[%d]", j)
			continue
		}
		sums[sum] = i
	}
}

// checkName checks the name of entry i of a list and records it in seen;
// list names the list for the duplicate message.
func checkName(e *errorList, key, name string, i int, seen map[string]int, list string) {
	switch {
	case name == "":
		e.add(key, "is required")
		return
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > 64 || strings.ContainsFunc(name, isSpaceOrControl):
		e.add(key, "must be 1-64 characters without spaces, got %q", clip(name))
		return
	}
	if j, dup := seen[name]; dup {
		e.add(key, "%q is already used by %s[%d]", name, list, j)
		return
	}
	seen[name] = i
}
