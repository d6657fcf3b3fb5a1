package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/sharpeyes/sharpeyes/config"
	"github.com/sharpeyes/sharpeyes/embedded"
	"github.com/sharpeyes/sharpeyes/store"
)

// errNoRedis is returned by commands that need a Redis of their own.
var errNoRedis = errors.New("no Redis configured: give --redis redis://host:6379 or redis.url in the config " +
	"(the embedded in-memory server lives only inside `sharpeyes serve`)")

// openStore connects to the configured Redis. With none configured and
// embeddedOK it starts the in-process server and warns that data lives in
// memory only. The returned func closes everything.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, embeddedOK bool) (*store.Store, func(), error) {
	if cfg.Redis.Embedded() {
		if !embeddedOK {
			return nil, nil, usageError{errNoRedis}
		}
		srv, err := embedded.Start("127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		log.Warn("no Redis configured: using the embedded in-memory server; all data is lost when sharpeyes stops. "+
			"Set redis.url (or --redis) to a Redis with AOF on for production", "addr", srv.Addr())
		cfg.Redis.URL = srv.URL()
		s, closeStore, err := connect(ctx, cfg, log)
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		return s, func() { closeStore(); srv.Close() }, nil
	}
	return connect(ctx, cfg, log)
}

func connect(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, func(), error) {
	store.SetRedisLogger(log)
	r := cfg.Redis
	rdb, err := store.Open(ctx, store.Options{
		URL: r.URL, Addrs: r.Addrs, MasterName: r.MasterName, Cluster: r.Cluster,
		Username: r.Username, Password: r.Password,
		DialTimeout: r.DialTimeout.Std(), ReadTimeout: r.ReadTimeout.Std(), WriteTimeout: r.WriteTimeout.Std(),
		PoolSize: r.PoolSize,
	})
	if err != nil {
		return nil, nil, err
	}
	s := store.New(rdb)
	s.SetEventsMax(cfg.History.EventsMax)
	return s, func() { rdb.Close() }, nil
}
