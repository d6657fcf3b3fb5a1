package redistest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Failover helpers: a test kills a master (SIGKILL, as a crash) and
// watches its replica take over.

// node returns the cluster's node at addr, or nil.
func (c *Cluster) node(addr string) *Server {
	for _, n := range c.nodes {
		if n.Addr == addr {
			return n
		}
	}
	return nil
}

// Kill stops the node at addr with SIGKILL: it answers nothing more and
// leaves its peers to notice after cluster-node-timeout.
func (c *Cluster) Kill(addr string) error {
	n := c.node(addr)
	if n == nil {
		return fmt.Errorf("redistest: no node %s in the cluster", addr)
	}
	n.Stop()
	return nil
}

// Role returns the replication role ("master" or "slave") the node at
// addr reports, asking it directly.
func Role(ctx context.Context, addr string) (string, error) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	info, err := rdb.Info(ctx, "replication").Result()
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "role:"); ok {
			return v, nil
		}
	}
	return "", fmt.Errorf("redistest: %s reports no role", addr)
}

// ReplicaOf returns the address of a replica of the master at addr, as the
// master lists them in INFO replication.
func ReplicaOf(ctx context.Context, addr string) (string, error) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	info, err := rdb.Info(ctx, "replication").Result()
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(info, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "slave0:") {
			continue
		}
		var ip, port string
		for _, kv := range strings.Split(strings.TrimPrefix(l, "slave0:"), ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "ip":
				ip = v
			case "port":
				port = v
			}
		}
		return ip + ":" + port, nil
	}
	return "", fmt.Errorf("redistest: master %s has no replica", addr)
}

// waitReplicas polls the masters until want replicas are online in all,
// or ctx ends.
func (c *Cluster) waitReplicas(ctx context.Context, want int) error {
	for {
		online := 0
		for _, addr := range c.Addrs {
			rdb := redis.NewClient(&redis.Options{Addr: addr})
			info, err := rdb.Info(ctx, "replication").Result()
			rdb.Close()
			if err == nil {
				online += strings.Count(info, "state=online")
			}
		}
		if online >= want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster replicas: %d of %d online: %w", online, want, ctx.Err())
		case <-time.After(50 * time.Millisecond): // polling the nodes' replication: nothing else to await
		}
	}
}

// MarkedFailed reports whether the node at addr sees the node at failed
// flagged "fail" (its peers agreed it is down) in CLUSTER NODES.
func MarkedFailed(ctx context.Context, addr, failed string) (bool, error) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	nodes, err := rdb.ClusterNodes(ctx).Result()
	if err != nil {
		return false, err
	}
	for _, l := range strings.Split(nodes, "\n") {
		f := strings.Fields(l)
		if len(f) > 2 && strings.HasPrefix(f[1], failed+"@") {
			for _, flag := range strings.Split(f[2], ",") {
				if flag == "fail" {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// MasterLoad is what one master of a cluster holds.
type MasterLoad struct {
	Addr       string
	Keys       int64 // DBSIZE
	UsedMemory int64 // INFO memory used_memory, bytes
}

// Masters returns the keys and memory of each node that answers as a
// master now (a killed node is left out).
func (c *Cluster) Masters(ctx context.Context) []MasterLoad {
	var out []MasterLoad
	for _, a := range c.Addrs {
		if role, err := Role(ctx, a); err != nil || role != "master" {
			continue
		}
		rdb := redis.NewClient(&redis.Options{Addr: a, MaxRetries: -1})
		keys, err := rdb.DBSize(ctx).Result()
		info, ierr := rdb.Info(ctx, "memory").Result()
		rdb.Close()
		if err != nil || ierr != nil {
			continue
		}
		m := MasterLoad{Addr: a, Keys: keys}
		for _, l := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "used_memory:"); ok {
				m.UsedMemory, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		out = append(out, m)
	}
	return out
}

// MostKeys returns the master holding the most keys (zero when none answers).
func MostKeys(masters []MasterLoad) MasterLoad {
	var most MasterLoad
	most.Keys = -1
	for _, m := range masters {
		if m.Keys > most.Keys {
			most = m
		}
	}
	return most
}
