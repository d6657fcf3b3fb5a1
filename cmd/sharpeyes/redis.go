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
var errNoRedis = errors.New("no Redis configured and no running `sharpeyes serve` with an embedded one: " +
	"give --redis redis://host:6379 or redis.url in the config")

// storeMode says what a command does when no Redis is configured.
type storeMode int

const (
	// useRunning connects to the embedded Redis of a running serve.
	useRunning storeMode = iota
	// startPublished starts an embedded server and publishes its URL
	// for the other commands (serve).
	startPublished
	// startPrivate starts an embedded server for this command alone
	// (collect --inventory).
	startPrivate
)

// openStore connects to the configured Redis. With none configured it
// starts the in-process server (and warns that data lives in memory only),
// or finds the one of a running serve, as mode says. The returned func
// closes everything.
func openStore(ctx context.Context, e env, cfg config.Config, log *slog.Logger, mode storeMode) (*store.Store, func(), error) {
	if !cfg.Redis.Embedded() {
		return connect(ctx, cfg, log)
	}
	if mode == useRunning {
		url, err := runningEmbedded(e)
		if err != nil {
			return nil, nil, usageError{err}
		}
		if url == "" {
			return nil, nil, usageError{errNoRedis}
		}
		log.Info("no Redis configured: using the embedded one of the running `sharpeyes serve`")
		cfg.Redis.URL = url
		return connect(ctx, cfg, log)
	}
	srv, err := embedded.Start("127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	log.Warn("no Redis configured: using the embedded in-memory server (password-protected, loopback only); "+
		"all data is lost when sharpeyes stops. Set redis.url (or --redis) to a Redis with AOF on for production",
		"addr", srv.Addr())
	cfg.Redis.URL = srv.URL()
	s, closeStore, err := connect(ctx, cfg, log)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	unpublish := func() {}
	if mode == startPublished {
		if unpublish, err = publishEmbedded(e, srv.URL()); err != nil {
			log.Warn("other sharpeyes commands will not find the embedded Redis", "err", err)
			unpublish = func() {}
		}
	}
	return s, func() { unpublish(); closeStore(); srv.Close() }, nil
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
	if n, err := s.MigrateSchema(ctx); err != nil {
		rdb.Close()
		return nil, nil, err
	} else if n > 0 {
		log.Info("moved the inventory to the partitioned key schema", "cameras", n)
	}
	return s, func() { rdb.Close() }, nil
}
