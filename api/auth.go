package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Role is what a token may do. Roles are ordered: each includes the rights
// of the ones below it.
type Role int

// The roles of SPEC: viewer reads, operator also manages silences (SPEC's
// acknowledgements are not built yet), admin also manages cameras,
// webhooks and imports.
const (
	RoleViewer Role = iota + 1
	RoleOperator
	RoleAdmin
)

var roleNames = map[Role]string{RoleViewer: "viewer", RoleOperator: "operator", RoleAdmin: "admin"}

// ParseRole reads a role name (viewer, operator, admin; case-insensitive).
// It returns an error naming the accepted names for anything else.
func ParseRole(s string) (Role, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for r, name := range roleNames {
		if name == want {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown role %q (want viewer, operator or admin)", s)
}

// String returns the role's name, or "none" for the zero Role.
func (r Role) String() string {
	if name, ok := roleNames[r]; ok {
		return name
	}
	return "none"
}

// MarshalText writes the role's name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a role name as ParseRole does, failing on the same
// inputs.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Token is one configured bearer token. Only the SHA-256 hash of its secret
// is kept, so that a memory dump or a stray %v cannot show the secret.
type Token struct {
	Name string // who holds it, for logs
	Role Role
	Hash [32]byte // sha256 of the secret
}

// HashToken returns the SHA-256 hash of a token secret, as Token.Hash wants.
func HashToken(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// Principal is who made a request: the name of the token that
// authenticated it (or "anonymous" with open access) and its role.
type Principal struct {
	Name string
	Role Role
}

const principalKey = "sharpeyes.principal"

// PrincipalOf returns the principal that Authz.Require stored on the
// request, or false before authentication (public routes).
func PrincipalOf(c *gin.Context) (Principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return Principal{}, false
	}
	p, ok := v.(Principal)
	return p, ok
}

// Authz checks bearer tokens. Other packages receive it through Deps.Mount
// and guard their routes with Require.
type Authz struct {
	tokens []Token
	open   bool
	brake  *brake
}

// NewAuthz returns an Authz over the given tokens. With open set, a request
// without a valid token is treated as an anonymous admin (only for a
// server listening on loopback with no tokens configured).
func NewAuthz(tokens []Token, open bool) Authz { return newAuthz(tokens, open, time.Now) }

func newAuthz(tokens []Token, open bool, now func() time.Time) Authz {
	return Authz{tokens: append([]Token(nil), tokens...), open: open, brake: newBrake(now)}
}

// Authenticate returns the principal of the request's bearer token. It
// returns false when the header is missing or malformed or the token
// matches none; with open access it then returns the anonymous admin.
func (a Authz) Authenticate(r *http.Request) (Principal, bool) {
	secret, ok := bearer(r.Header.Get("Authorization"))
	if ok {
		h := HashToken(secret)
		found := -1
		// Compare against every token, without an early exit, so that the
		// time taken says nothing about which hash came close.
		for i := range a.tokens {
			if subtle.ConstantTimeCompare(h[:], a.tokens[i].Hash[:]) == 1 {
				found = i
			}
		}
		if found >= 0 {
			return Principal{Name: a.tokens[found].Name, Role: a.tokens[found].Role}, true
		}
	}
	if a.open {
		return Principal{Name: "anonymous", Role: RoleAdmin}, true
	}
	return Principal{}, false
}

// Require returns a middleware that lets a request through only with a
// valid token of at least role min. It answers 401 (with
// WWW-Authenticate: Bearer) without a valid token and 403 when the role is
// too low.
func (a Authz) Require(min Role) gin.HandlerFunc {
	return func(c *gin.Context) { a.check(c, min) }
}

// check authenticates c and aborts it on failure; it reports whether the
// request may go on. Bad tokens count against the client's address; an
// address braked for them gets 429 (see brake).
func (a Authz) check(c *gin.Context, min Role) bool {
	if wait := a.brake.wait(c.ClientIP()); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		Fail(c, errTooManyBadTokens)
		return false
	}
	p, ok := a.Authenticate(c.Request)
	if !ok {
		if c.GetHeader("Authorization") != "" {
			a.brake.fail(c.ClientIP())
		}
		challenge := `Bearer realm="sharpeyes"`
		if c.GetHeader("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		c.Header("WWW-Authenticate", challenge)
		Fail(c, errUnauthorized)
		return false
	}
	c.Set(principalKey, p)
	if p.Role < min {
		Fail(c, fmt.Errorf("role %s, needs %s: %w", p.Role, min, errForbidden))
		return false
	}
	return true
}

// bearer extracts the token of an "Authorization: Bearer <token>" header.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
