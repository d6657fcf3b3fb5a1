package config

import (
	"sort"
	"strings"
	"time"
)

// GB28181Config configures the GB/T 28181 SIP server (package gb28181),
// where devices register and send keepalives.
type GB28181Config struct {
	// Enabled starts the SIP server with serve. Default false.
	Enabled bool `yaml:"enabled"`
	// Listen is the host:port of both the UDP and the TCP listener.
	// Default "127.0.0.1:5060": loopback only, so devices on other hosts
	// cannot reach it until this is set to an address of the camera
	// network (e.g. "0.0.0.0:5060").
	Listen string `yaml:"listen"`
	// ID is the platform's 20-digit SIP id (SIP服务器ID), as configured on
	// the devices. Required when enabled.
	ID string `yaml:"id"`
	// Domain is the platform's 10-digit SIP domain (SIP服务器域), the
	// Digest realm. Required when enabled.
	Domain string `yaml:"domain"`
	// Password is the registration password of every device that
	// Passwords does not name. Default "".
	Password string `yaml:"password" secret:"true"`
	// Passwords maps a device id to its own registration password.
	// Default none.
	Passwords map[string]string `yaml:"passwords,omitempty" secret:"true"`
	// KeepaliveTimeout: a registered device with no keepalive for longer
	// is offline. Default 3m (three missed keepalives at the usual 60 s).
	KeepaliveTimeout Duration `yaml:"keepalive_timeout"`
}

func defaultGB28181() GB28181Config {
	return GB28181Config{Listen: "127.0.0.1:5060", KeepaliveTimeout: Duration(3 * time.Minute)}
}

func (g *GB28181Config) validate(e *errorList) {
	positive(e, "gb28181.keepalive_timeout", g.KeepaliveTimeout)
	if msg := checkHostPort(g.Listen); msg != "" {
		e.add("gb28181.listen", "%s", msg)
	}
	if !g.Enabled {
		return
	}
	if !allDigits(g.ID, 20) {
		e.add("gb28181.id", "must be the platform's 20-digit SIP id, got %q", clip(g.ID))
	}
	if !allDigits(g.Domain, 10) {
		e.add("gb28181.domain", "must be the platform's 10-digit SIP domain, got %q", clip(g.Domain))
	}
	if g.Password == "" && len(g.Passwords) == 0 {
		e.add("gb28181.password", "is required when gb28181 is enabled (or give passwords per device)")
	}
	ids := make([]string, 0, len(g.Passwords))
	for id := range g.Passwords {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !allDigits(id, 20) {
			e.add("gb28181.passwords", "%q is not a 20-digit device id", clip(id))
		} else if g.Passwords[id] == "" {
			e.add("gb28181.passwords."+id, "must not be empty")
		}
	}
}

func allDigits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}
