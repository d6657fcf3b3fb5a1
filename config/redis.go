package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// RedisConfig says where the shared state lives.
type RedisConfig struct {
	// URL of a single Redis: redis://[user:password@]host:port/db or
	// rediss:// for TLS. Default "": with no URL and no Addrs, an embedded
	// Redis-compatible server runs in-process (one small site, first run).
	URL string `yaml:"url" secret:"url"`
	// Addrs lists host:port seeds of a Sentinel set (with MasterName) or a
	// Cluster (with Cluster). Default none. Exclusive with URL.
	Addrs []string `yaml:"addrs,omitempty"`
	// MasterName is the Sentinel master to follow. Default "".
	MasterName string `yaml:"master_name"`
	// Cluster treats Addrs as Redis Cluster seeds. Default false.
	Cluster bool `yaml:"cluster"`
	// Username for Redis ACLs; with URL, used when the URL names none.
	// Default "".
	Username string `yaml:"username"`
	// Password for Redis AUTH; with URL, used when the URL has none, so the
	// secret can come from SHARPEYES_REDIS_PASSWORD. Default "".
	Password string `yaml:"password" secret:"true"`
	// DialTimeout bounds connecting. Default 5s.
	DialTimeout Duration `yaml:"dial_timeout"`
	// ReadTimeout bounds each reply. Default 3s.
	ReadTimeout Duration `yaml:"read_timeout"`
	// WriteTimeout bounds each command write. Default 3s.
	WriteTimeout Duration `yaml:"write_timeout"`
	// PoolSize is the connections per node; 0 means go-redis's default
	// (10 per CPU). Default 0.
	PoolSize int `yaml:"pool_size"`
}

// Embedded reports whether no Redis is configured, so the process should run
// its own in-process server.
func (r RedisConfig) Embedded() bool { return r.URL == "" && len(r.Addrs) == 0 }

func (r *RedisConfig) validate(e *errorList) {
	if r.URL != "" {
		r.validateURL(e)
	}
	if r.URL != "" && len(r.Addrs) > 0 {
		e.add("redis.addrs", "set redis.url or redis.addrs, not both")
	}
	for i, a := range r.Addrs {
		if msg := checkHostPort(a); msg != "" {
			e.add(fmt.Sprintf("redis.addrs[%d]", i), "%s", msg)
		}
	}
	switch {
	case r.Cluster && r.MasterName != "":
		e.add("redis.master_name", "is for Sentinel and cannot be combined with cluster: true")
	case r.Cluster && len(r.Addrs) == 0:
		e.add("redis.cluster", "needs redis.addrs: the cluster's seed nodes")
	case r.MasterName != "" && len(r.Addrs) == 0:
		e.add("redis.master_name", "needs redis.addrs: the Sentinel addresses")
	}
	positive(e, "redis.dial_timeout", r.DialTimeout)
	positive(e, "redis.read_timeout", r.ReadTimeout)
	positive(e, "redis.write_timeout", r.WriteTimeout)
	if r.PoolSize < 0 {
		e.add("redis.pool_size", "must be >= 0 (0 = the go-redis default), got %d", r.PoolSize)
	}
}

func (r *RedisConfig) validateURL(e *errorList) {
	if msg := checkURL(r.URL, "redis", "rediss"); msg != "" {
		e.add("redis.url", "%s", msg)
		return
	}
	u, _ := url.Parse(r.URL) // checkURL parsed it
	if _, has := u.User.Password(); has && r.Password != "" {
		e.add("redis.password", "redis.url already carries a password; set only one")
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 {
			e.add("redis.url", "path must be a database number like /0, got %q", clip(u.Path))
		}
	}
}
