package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/sharpeyes/sharpeyes/config"
)

// errHelp is returned after -h printed the flags.
var errHelp = errors.New("help requested")

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sharpeyes "+name, flag.ContinueOnError)
	fs.SetOutput(w)
	return fs
}

// parseFlags parses args, turning -h into errHelp and bad flags into a
// usage error. Flags may follow positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// configFlags are the flags every command that reads config shares.
type configFlags struct {
	path  string
	redis string
}

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "config", "", "YAML config file (default $SHARPEYES_CONFIG, else built-in defaults)")
	fs.StringVar(&c.redis, "redis", "", "Redis URL redis://[user:pass@]host:port/db, overrides redis.url")
}

// load reads the config file and environment, then applies the flags.
// Invalid config is a usage error naming the key.
func (c *configFlags) load(e env) (config.Config, error) {
	path := c.path
	if path == "" {
		path = lookupEnv(e.environ, "SHARPEYES_CONFIG")
	}
	cfg, err := config.Load(path, e.environ)
	if err != nil {
		return cfg, usageError{err}
	}
	if c.redis != "" {
		cfg.Redis.URL = c.redis
		cfg.Redis.Addrs = nil
		if err := cfg.Validate(); err != nil {
			return cfg, usageError{fmt.Errorf("--redis: %w", err)}
		}
	}
	return cfg, nil
}

func lookupEnv(environ []string, key string) string {
	for _, kv := range environ {
		if len(kv) > len(key) && kv[:len(key)] == key && kv[len(key)] == '=' {
			return kv[len(key)+1:]
		}
	}
	return ""
}

// newLogger builds the process logger from config.
func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.Level()}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

var _ = os.Stderr
