package config

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{RoleViewer, RoleViewer, true},
		{RoleViewer, RoleOperator, false},
		{RoleOperator, RoleViewer, true},
		{RoleOperator, RoleAdmin, false},
		{RoleAdmin, RoleOperator, true},
		{Role("root"), RoleViewer, false},
		{Role(""), RoleViewer, false},
	}
	for _, tc := range tests {
		if got := tc.have.Allows(tc.need); got != tc.want {
			t.Errorf("%q.Allows(%q) = %v, want %v", tc.have, tc.need, got, tc.want)
		}
	}
}

// A plain token and its token_sha256 form give the same digest.
func TestTokenSHA256(t *testing.T) {
	secret := "0123456789abcdef-wall"
	sum := sha256.Sum256([]byte(secret))
	plain := Token{Name: "a", Role: RoleViewer, Token: secret}
	hashed := Token{Name: "a", Role: RoleViewer, TokenSHA256: hex.EncodeToString(sum[:])}
	if plain.SHA256() != sum || hashed.SHA256() != sum {
		t.Errorf("SHA256() = %x / %x, want %x", plain.SHA256(), hashed.SHA256(), sum)
	}
	if bad := (Token{TokenSHA256: "zz"}).SHA256(); bad != [sha256.Size]byte{} {
		t.Errorf("SHA256() of a bad hash = %x, want zero", bad)
	}
}
