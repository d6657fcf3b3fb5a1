// Package redistest starts real redis-server processes for tests, each on a
// free loopback port with nothing persisted, so that tests never touch a
// Redis the machine may already run on 6379.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is one redis-server child process.
type Server struct {
	Addr   string
	port   int
	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	tb     testing.TB
	args   []string
}

// Option adjusts a server before it starts.
type Option func(*Server)

// Args passes extra command-line arguments to redis-server, e.g.
// Args("--maxmemory", "2mb", "--maxmemory-policy", "noeviction"); they
// apply to every Restart too.
func Args(args ...string) Option {
	return func(s *Server) { s.args = append(s.args, args...) }
}

// Start launches redis-server on a free port of 127.0.0.1 and stops it when
// the test ends. It fails the test when redis-server is not installed (run
// the project's test command, which installs it) or when it refuses opts.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatalf("redis-server not found on PATH: run `make test`, which installs it: %v", err)
	}
	s := &Server{tb: tb, dir: tb.TempDir()}
	for _, o := range opts {
		o(s)
	}
	// Another process may take the free port between our probe and
	// redis-server's bind; then pick another.
	for attempt := 0; ; attempt++ {
		s.port = freePort(tb)
		s.Addr = "127.0.0.1:" + strconv.Itoa(s.port)
		err := s.tryLaunch()
		if err == nil {
			break
		}
		if attempt == 4 {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(s.Stop)
	return s
}

// Pid returns the process id of the running redis-server.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

func (s *Server) launch() {
	s.tb.Helper()
	if err := s.tryLaunch(); err != nil {
		s.tb.Fatal(err)
	}
}

// tryLaunch starts redis-server and waits until it answers PING, or
// returns why it did not (the process is stopped then).
func (s *Server) tryLaunch() error {
	exited := make(chan struct{})
	args := append([]string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--logfile", filepath.Join(s.dir, "redis.log")}, s.args...)
	s.cmd = exec.Command("redis-server", args...)
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	cmd := s.cmd
	go func() { _ = cmd.Wait(); close(exited) }()
	s.exited = exited
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			rdb := redis.NewClient(&redis.Options{Addr: s.Addr})
			perr := rdb.Ping(context.Background()).Err()
			rdb.Close()
			if perr == nil {
				return nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.cmd = nil
			return fmt.Errorf("redis-server on %s exited at start:\n%s", s.Addr, log)
		case <-time.After(10 * time.Millisecond): // polling a child's start-up: nothing else to await
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.Stop()
			return fmt.Errorf("redis-server on %s did not answer within 10s: %v\n%s", s.Addr, err, log)
		}
	}
}

// Stop kills the server; a later Restart brings it back empty on the same port.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts the server again on the same address (with no data).
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	s.launch()
}

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr }

// Client returns a go-redis client to the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	s.tb.Cleanup(func() { c.Close() })
	return c
}

// Fill writes junk keys until Redis refuses even a tiny write with OOM, for
// a server started with Args("--maxmemory", "2mb", "--maxmemory-policy",
// "noeviction"). It fails the test when Redis never fills (no maxmemory) or
// fails otherwise. Whatever a test writes afterwards is refused. Its
// connection stays open until the test ends: closing it would free the
// connection's buffers, room enough for small writes.
func (s *Server) Fill() {
	s.tb.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, PoolSize: 1})
	s.tb.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	// Large values first to get close fast, then tiny ones: a large one
	// fails while a smaller write would still fit.
	for _, size := range []int{16 << 10, 1 << 10, 16} {
		value := strings.Repeat("x", size)
		for i := 0; ; i++ {
			err := rdb.Set(ctx, fmt.Sprintf("redistest:fill:%d:%d", size, i), value, 0).Err()
			if redis.IsOOMError(err) {
				break
			}
			if err != nil {
				s.tb.Fatalf("fill redis: %v", err)
			}
			if i == 1<<20 {
				s.tb.Fatalf("fill redis: %d writes of %d bytes and no OOM: is maxmemory set?", i, size)
			}
		}
	}
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// String describes the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("redis-server at %s", s.Addr) }
