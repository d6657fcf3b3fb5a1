package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvTarget names the environment variable that picks the Redis the store,
// collector and report suites run against: "cluster" for a 3-master Redis
// Cluster (StartCluster), anything else for one node (Start).
const EnvTarget = "SHARPEYES_TEST_REDIS"

// Cluster is a Redis Cluster of three masters (and, from
// StartClusterWith, replicas), each a redis-server child on a free
// loopback port, the 16384 slots split between the masters by `redis-cli
// --cluster create`.
type Cluster struct {
	// Addrs are every node's addresses, masters first.
	Addrs []string
	nodes []*Server
}

// ClusterConfig shapes a cluster of StartClusterWith.
type ClusterConfig struct {
	// Replicas per master (0: none).
	Replicas int
	// NodeTimeout is cluster-node-timeout: how long a master may not
	// answer before the others mark it failed and its replica takes over
	// (default 5 s).
	NodeTimeout time.Duration
	// Args are more redis-server arguments for every node, e.g.
	// "--cluster-require-full-coverage", "no".
	Args []string
}

// StartCluster launches a 3-master Redis Cluster on free ports of
// 127.0.0.1, waits until every node reports cluster_state:ok, and stops it
// when the test ends. It fails the test when redis-server or redis-cli is
// missing (run the project's test command, which installs them).
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	return StartClusterWith(tb, ClusterConfig{})
}

// StartClusterWith launches a cluster of three masters shaped by cfg (for
// failover tests: replicas and a short node timeout), waits until every
// node reports cluster_state:ok and every replica is in sync, and stops it
// when the test ends.
func StartClusterWith(tb testing.TB, cfg ClusterConfig) *Cluster {
	tb.Helper()
	c, err := startCluster(tb, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// startCluster starts the cluster; the caller owns stopping it. The nodes'
// own Cleanup stops them at the end of tb too (a no-op after Stop).
func startCluster(tb testing.TB, cfg ClusterConfig) (*Cluster, error) {
	tb.Helper()
	if _, err := exec.LookPath("redis-cli"); err != nil {
		return nil, fmt.Errorf("redis-cli not found on PATH: run `make test`, which installs it: %w", err)
	}
	timeout := cfg.NodeTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	c := &Cluster{}
	for range 3 * (1 + cfg.Replicas) {
		s := Start(tb, Args("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", strconv.FormatInt(timeout.Milliseconds(), 10)), Args(cfg.Args...))
		c.nodes = append(c.nodes, s)
		c.Addrs = append(c.Addrs, s.Addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// redis-cli makes the first three nodes masters and pairs the rest
	// with them as replicas; Role and ReplicaOf read who is whose.
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(cfg.Replicas), "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		c.Stop()
		return nil, fmt.Errorf("redis-cli --cluster create %v: %w\n%s", c.Addrs, err, out)
	}
	if err := c.waitOK(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	if cfg.Replicas > 0 {
		if err := c.waitReplicas(ctx, 3*cfg.Replicas); err != nil {
			c.Stop()
			return nil, err
		}
	}
	return c, nil
}

// waitOK polls CLUSTER INFO on every node until each says
// cluster_state:ok, or ctx ends.
func (c *Cluster) waitOK(ctx context.Context) error {
	for _, addr := range c.Addrs {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		var last string
		for {
			info, err := rdb.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			last = fmt.Sprint(info, err)
			select {
			case <-ctx.Done():
				rdb.Close()
				return fmt.Errorf("cluster node %s not ok: %s: %w", addr, last, ctx.Err())
			case <-time.After(20 * time.Millisecond): // polling a child's start-up: nothing else to await
			}
		}
		rdb.Close()
	}
	return nil
}

// Stop kills every node.
func (c *Cluster) Stop() {
	for _, n := range c.nodes {
		n.Stop()
	}
}

// remove stops the nodes and deletes their directories (for clusters
// started outside a test's cleanup).
func (c *Cluster) remove() {
	c.Stop()
	for _, n := range c.nodes {
		_ = os.RemoveAll(n.dir)
	}
}

// Client returns a go-redis cluster client, closed when the test ends. A
// transaction (TxPipelined) whose "se:" keys have different hash tags fails
// with an error naming them: go-redis would split it into one MULTI per
// slot, silently losing its atomicity.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	rdb.AddHook(oneTagTx{})
	tb.Cleanup(func() { rdb.Close() })
	return rdb
}

// String describes the cluster for test logs.
func (c *Cluster) String() string { return "redis cluster at " + strings.Join(c.Addrs, ",") }

// FlushAll empties rdb: a single node, or every master of a cluster.
func FlushAll(ctx context.Context, rdb redis.UniversalClient) error {
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			return m.FlushAll(ctx).Err()
		})
	}
	return rdb.FlushAll(ctx).Err()
}

// Target is the Redis a test runs against: one node, or a Cluster when
// SHARPEYES_TEST_REDIS=cluster.
type Target struct {
	tb      testing.TB
	server  *Server
	cluster *Cluster
}

// shared keeps one cluster per test process (see Main): starting a
// cluster takes seconds, and the tests of a package run one at a time.
var shared struct {
	sync.Mutex
	cluster *Cluster
	busy    bool
	enabled bool
}

// Main runs a package's tests (call it from TestMain) and then stops the
// cluster they shared. Under SHARPEYES_TEST_REDIS=cluster, StartTarget
// hands each test that cluster, emptied, instead of starting one per test;
// a test that runs while another holds it gets a cluster of its own.
func Main(m *testing.M) int {
	shared.Lock()
	shared.enabled = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	if shared.cluster != nil {
		shared.cluster.remove()
	}
	shared.Unlock()
	return code
}

// Clustered reports whether SHARPEYES_TEST_REDIS asks for a cluster.
func Clustered() bool { return os.Getenv(EnvTarget) == "cluster" }

// StartTarget returns an empty Redis for the test: a fresh redis-server
// (Start), or, under SHARPEYES_TEST_REDIS=cluster, a 3-master cluster.
func StartTarget(tb testing.TB) *Target {
	tb.Helper()
	if !Clustered() {
		return &Target{tb: tb, server: Start(tb)}
	}
	return &Target{tb: tb, cluster: sharedCluster(tb)}
}

// sharedCluster lends the test the process's cluster, emptied, when Main
// runs the package and no other test holds it; else it starts one.
func sharedCluster(tb testing.TB) *Cluster {
	tb.Helper()
	shared.Lock()
	defer shared.Unlock()
	if !shared.enabled || shared.busy {
		return StartCluster(tb)
	}
	if shared.cluster != nil {
		cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: shared.cluster.Addrs})
		err := FlushAll(context.Background(), cc)
		cc.Close()
		if err != nil {
			tb.Logf("shared cluster unusable, starting another: %v", err)
			shared.cluster.remove()
			shared.cluster = nil
		}
	}
	if shared.cluster == nil {
		// Its nodes must outlive this test: start them under a TB whose
		// cleanups never run; Main stops them.
		c, err := startCluster(noCleanup{tb}, ClusterConfig{})
		if err != nil {
			tb.Fatal(err)
		}
		shared.cluster = c
	}
	shared.busy = true
	tb.Cleanup(func() {
		shared.Lock()
		shared.busy = false
		shared.Unlock()
	})
	return shared.cluster
}

// noCleanup is a TB whose Cleanup and TempDir outlive the test.
type noCleanup struct{ testing.TB }

func (noCleanup) Cleanup(func()) {}

func (n noCleanup) TempDir() string {
	dir, err := os.MkdirTemp("", "redistest-cluster-")
	if err != nil {
		n.TB.Fatal(err)
	}
	return dir
}

// Target returns s as a Target, for helpers that take one.
func (s *Server) Target() *Target { return &Target{tb: s.tb, server: s} }

// Cluster reports whether the target is a Redis Cluster.
func (t *Target) Cluster() bool { return t.cluster != nil }

// Client returns a new client to the target (a *redis.Client or a
// *redis.ClusterClient), closed when the test ends.
func (t *Target) Client() redis.UniversalClient {
	if t.cluster != nil {
		return t.cluster.Client(t.tb)
	}
	return t.server.Client()
}

// Flush empties the target.
func (t *Target) Flush(ctx context.Context) error {
	var rdb redis.UniversalClient
	if t.cluster != nil {
		rdb = redis.NewClusterClient(&redis.ClusterOptions{Addrs: t.cluster.Addrs})
	} else {
		rdb = redis.NewClient(&redis.Options{Addr: t.server.Addr})
	}
	defer rdb.Close()
	if err := FlushAll(ctx, rdb); err != nil {
		return fmt.Errorf("flush %s: %w", t, err)
	}
	return nil
}

// String describes the target for test logs.
func (t *Target) String() string {
	if t.cluster != nil {
		return t.cluster.String()
	}
	return t.server.String()
}

// oneTagTx is the hook of Cluster.Client that refuses transactions over
// several hash tags.
type oneTagTx struct{}

func (oneTagTx) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (oneTagTx) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (oneTagTx) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		tags := map[string]bool{}
		multi := false
		for _, cmd := range cmds {
			switch strings.ToLower(cmd.Name()) {
			case "multi", "exec":
				multi = true
				continue
			}
			for _, a := range cmd.Args()[1:] {
				if k, ok := a.(string); ok && strings.HasPrefix(k, "se:") {
					tags[hashTag(k)] = true
				}
			}
		}
		if multi && len(tags) > 1 {
			err := fmt.Errorf("redistest: one transaction over keys of %d hash tags %v: not atomic on a cluster", len(tags), tags)
			for _, cmd := range cmds {
				cmd.SetErr(err)
			}
			return err
		}
		return next(ctx, cmds)
	}
}

// hashTag returns the part of key Redis Cluster hashes: the text between
// the first { and the next }, when not empty, else the whole key.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}
