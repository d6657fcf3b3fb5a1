package main

import (
	"fmt"
	"log/slog"
	"maps"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/gb28181"
	"github.com/sharpeyes/sharpeyes/store"
)

// mountGB28181 adds GET /api/v1/gb28181/devices to the API (an empty list
// while no device ever registered) and, with gb28181.enabled, starts the
// SIP server. The returned server (nil when disabled) runs its passive
// evaluator with Run; the returned func stops it.
func mountGB28181(cfg config.Config, log *slog.Logger, s *store.Store, d *api.Deps) (*gb28181.Server, func(), error) {
	g := cfg.GB28181
	reg := &gb28181.Registry{Store: s, KeepaliveTimeout: g.KeepaliveTimeout.Std()}
	d.Mount = append(d.Mount, reg.Routes)
	if d.Docs == nil {
		d.Docs = map[string]api.PathItem{}
	}
	maps.Copy(d.Docs, gb28181.Docs())
	if !g.Enabled {
		return nil, func() {}, nil
	}
	srv, err := gb28181.Start(gbOptions(cfg, log, s))
	if err != nil {
		return nil, nil, fmt.Errorf("gb28181: %w", err)
	}
	if config.IsLoopback(g.Listen) {
		log.Warn("gb28181 SIP server listens on loopback only: devices on other hosts cannot register; set gb28181.listen",
			"listen", srv.Addr())
	}
	return srv, func() { srv.Close() }, nil
}

// gbOptions are the SIP server's options from config, for serve and for
// the gb28181 command alike.
func gbOptions(cfg config.Config, log *slog.Logger, s *store.Store) gb28181.Options {
	g := cfg.GB28181
	return gb28181.Options{Store: s, Listen: g.Listen, ID: g.ID, Domain: g.Domain,
		Password: g.Password, Passwords: g.Passwords, KeepaliveTimeout: g.KeepaliveTimeout.Std(),
		Location: cfg.Location(), Regions: cfg.Regions, Instance: cfg.Collector.Instance, Logger: log}
}
