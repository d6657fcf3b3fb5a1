package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/sharpeyes/sharpeyes/config"
)

// The embedded Redis of a running `sharpeyes serve` needs a password, which
// must never be printed. serve writes its URL to a file only its user can
// read, and the other commands (import, export, report, collect) use that
// file when no Redis is configured, so that the common path needs no
// secret on a command line.

// runtimeFile is the name of the file within the runtime directory.
const runtimeFile = "embedded-redis.url"

// runtimeDir returns where serve publishes its embedded Redis:
// $SHARPEYES_RUNTIME_DIR, else $XDG_RUNTIME_DIR/sharpeyes, else
// <temp>/sharpeyes-<uid>.
func runtimeDir(e env) string {
	if d := e.getenv(config.EnvRuntimeDir); d != "" {
		return d
	}
	if d := e.getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "sharpeyes")
	}
	return filepath.Join(os.TempDir(), "sharpeyes-"+strconv.Itoa(os.Getuid()))
}

// getenv returns the value of a variable of the command's environment.
func (e env) getenv(name string) string {
	for _, kv := range e.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// publishEmbedded writes url to the runtime file (directory 0700, file
// 0600) and returns a func that removes it again if it still holds url.
func publishEmbedded(e env, url string) (func(), error) {
	dir := runtimeDir(e)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("runtime directory: %w", err)
	}
	if err := checkPrivate(dir, true); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, runtimeFile)
	tmp, err := os.CreateTemp(dir, runtimeFile+".*")
	if err != nil {
		return nil, fmt.Errorf("runtime file: %w", err)
	}
	_, werr := tmp.WriteString(url + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Rename(tmp.Name(), path)); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("runtime file: %w", err)
	}
	return func() {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == url {
			os.Remove(path)
		}
	}, nil
}

// runningEmbedded returns the URL a running serve published, or "" when
// there is none. A file that another user owns or others can read is
// refused with an error.
func runningEmbedded(e env) (string, error) {
	path := filepath.Join(runtimeDir(e), runtimeFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err := checkPrivate(path, false); err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("runtime file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// checkPrivate refuses a path that this user does not own or that group
// or others may read or write.
func checkPrivate(path string, dir bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("runtime file: %w", err)
	}
	if fi.IsDir() != dir {
		return fmt.Errorf("runtime file: %s is not a %s", path, map[bool]string{true: "directory", false: "file"}[dir])
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("runtime file: %s belongs to another user", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("runtime file: %s may be read by others (mode %o): remove it", path, fi.Mode().Perm())
	}
	return nil
}
