package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGB28181DefaultsToDisabledOnLoopback(t *testing.T) {
	c, err := Parse(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := c.GB28181
	if g.Enabled || g.Listen != "127.0.0.1:5060" || g.KeepaliveTimeout.Std() != 3*time.Minute {
		t.Errorf("defaults: %+v", g)
	}
}

func TestGB28181ValidationNamesTheBadKey(t *testing.T) {
	const ok = "gb28181: {enabled: true, id: \"43020000002000000001\", domain: \"4302000000\", password: pw}\n"
	tests := []struct {
		name, yaml, env, key string
	}{
		{"valid", ok, "", ""},
		{"disabled needs nothing", "gb28181: {enabled: false}\n", "", ""},
		{"short id", strings.Replace(ok, "43020000002000000001", "4302", 1), "", "gb28181.id"},
		{"letters in domain", strings.Replace(ok, `domain: "4302000000"`, `domain: "43020000ab"`, 1), "", "gb28181.domain"},
		{"no password", strings.Replace(ok, ", password: pw", "", 1), "", "gb28181.password"},
		{"per-device passwords only", strings.Replace(ok, "password: pw", "passwords: {\"43020000001320000001\": x}", 1), "", ""},
		{"bad device id", strings.Replace(ok, "password: pw", "passwords: {\"4302\": x}", 1), "", "gb28181.passwords"},
		{"bad listen", ok, "SHARPEYES_GB28181_LISTEN=5060", "gb28181.listen"},
		{"zero timeout", ok, "SHARPEYES_GB28181_KEEPALIVE_TIMEOUT=0s", "gb28181.keepalive_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env []string
			if tt.env != "" {
				env = []string{tt.env}
			}
			_, err := Parse([]byte(tt.yaml), env)
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("want an error naming %s, got %v", tt.key, err)
			}
			if strings.Contains(err.Error(), "pw") && tt.key != "gb28181.password" {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestRedactedHidesGB28181Passwords(t *testing.T) {
	c, err := Parse([]byte("gb28181: {password: all-devices-pw, passwords: {\"43020000001320000001\": own-device-pw}}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "printed config", c.String(), "all-devices-pw", "own-device-pw")
	if c.GB28181.Passwords["43020000001320000001"] != "own-device-pw" {
		t.Error("Redacted changed the original")
	}
}
