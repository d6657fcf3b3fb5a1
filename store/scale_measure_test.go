package store_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// TestScaleFigures measures what docs/scale.md states: memory per camera
// and Redis commands per camera per sweep, on each master. It runs only
// with SHARPEYES_SCALE_CAMERAS set (the number of cameras), e.g.
//
//	SHARPEYES_SCALE_CAMERAS=100000 go test -run TestScaleFigures -v ./store/
//	SHARPEYES_TEST_REDIS=cluster SHARPEYES_SCALE_CAMERAS=100000 go test -run TestScaleFigures -v ./store/
func TestScaleFigures(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SHARPEYES_SCALE_CAMERAS"))
	if n <= 0 {
		t.Skip("set SHARPEYES_SCALE_CAMERAS")
	}
	ctx := context.Background()
	rdb := redistest.StartTarget(t).Client()
	s := store.New(rdb)
	base := masterInfo(t, rdb)
	list := make([]sharpeyes.Camera, n)
	for i := range list {
		c := sharpeyes.Camera{ID: fmt.Sprintf("3401%02d%014d", i%100, i), Name: fmt.Sprintf("路口 %d", i),
			Host: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Probe: sharpeyes.ProbeRTSP,
			Region: fmt.Sprintf("340102%03d", i%50), Owner: "police", Maintainer: "运维一部",
			Secret: sharpeyes.Credentials{Username: "admin", Password: "pw"}}
		if err := c.Normalize(); err != nil {
			t.Fatal(err)
		}
		list[i] = c
	}
	start := time.Now()
	if _, err := s.PutMany(ctx, list); err != nil {
		t.Fatal(err)
	}
	importTook := time.Since(start)
	afterImport := masterInfo(t, rdb)
	// Sweep 1: every camera goes from unknown to up (one event each).
	// Sweep 2, the steady state: every camera stays up.
	sweep := func(prev map[string]sharpeyes.Status, at time.Time) map[string]sharpeyes.Status {
		writes := make([]store.StatusWrite, 0, n)
		for _, c := range list {
			p, ok := prev[c.ID]
			if !ok {
				p = sharpeyes.Unknown()
			}
			next := sharpeyes.Status{State: sharpeyes.StateUp, Since: at, LastProbe: at, LatencyMS: 12}
			var ev *sharpeyes.Event
			if p.State != sharpeyes.StateUp {
				ev = &sharpeyes.Event{CameraID: c.ID, From: p.State, To: sharpeyes.StateUp, At: at}
			} else {
				next.Since = p.Since
			}
			writes = append(writes, store.StatusWrite{ID: c.ID, Prev: p, Next: next, Event: ev})
		}
		for i := 0; i < len(writes); i += 5000 {
			if _, _, err := s.ApplyStatuses(ctx, writes[i:min(i+5000, len(writes))]); err != nil {
				t.Fatal(err)
			}
		}
		ids := make([]string, n)
		for i, c := range list {
			ids[i] = c.ID
		}
		got, err := s.Statuses(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	st := sweep(nil, t0)
	afterFirst := masterInfo(t, rdb)
	resetStats(t, rdb)
	sweep(st, t0.Add(time.Minute))
	steady := masterInfo(t, rdb)

	var b strings.Builder
	fmt.Fprintf(&b, "%d cameras on %d master(s); import %v\n", n, len(steady), importTook.Round(time.Millisecond))
	var memImport, memStatus int64
	for addr := range steady {
		memImport += afterImport[addr].mem - base[addr].mem
		memStatus += afterFirst[addr].mem - afterImport[addr].mem
	}
	fmt.Fprintf(&b, "memory per camera: inventory+credentials %d B, status+index %d B\n", memImport/int64(n), memStatus/int64(n))
	addrs := make([]string, 0, len(steady))
	var keys, cmds int64
	for a, m := range steady {
		addrs = append(addrs, a)
		keys += m.keys
		cmds += m.calls()
	}
	sort.Strings(addrs)
	fmt.Fprintf(&b, "steady sweep: %.2f commands per camera in all\n", float64(cmds)/float64(n))
	for _, a := range addrs {
		m := steady[a]
		fmt.Fprintf(&b, "  master %s: %.0f%% of keys, %.0f%% of memory used after the sweep, %.0f%% of the sweep's commands (%s)\n",
			a, 100*float64(m.keys)/float64(keys), 100*float64(m.mem)/float64(sumMem(steady)), 100*float64(m.calls())/float64(max(cmds, 1)), m.top())
	}
	t.Log("\n" + b.String())
}

type nodeInfo struct {
	mem   int64
	keys  int64
	stats map[string]int64
}

func (m nodeInfo) calls() int64 {
	var n int64
	for _, c := range m.stats {
		n += c
	}
	return n
}

func (m nodeInfo) top() string {
	type kv struct {
		k string
		v int64
	}
	var all []kv
	for k, v := range m.stats {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var parts []string
	for i := 0; i < len(all) && i < 6; i++ {
		parts = append(parts, fmt.Sprintf("%s %d", all[i].k, all[i].v))
	}
	return strings.Join(parts, ", ")
}

func sumMem(m map[string]nodeInfo) int64 {
	var n int64
	for _, v := range m {
		n += v.mem
	}
	return n
}

func eachMaster(t *testing.T, rdb redis.UniversalClient, fn func(addr string, c *redis.Client)) {
	t.Helper()
	ctx := context.Background()
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		if err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			fn(c.Options().Addr, c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	fn("single", rdb.(*redis.Client))
}

func resetStats(t *testing.T, rdb redis.UniversalClient) {
	eachMaster(t, rdb, func(_ string, c *redis.Client) { c.ConfigResetStat(context.Background()) })
}

func masterInfo(t *testing.T, rdb redis.UniversalClient) map[string]nodeInfo {
	out := map[string]nodeInfo{}
	eachMaster(t, rdb, func(addr string, c *redis.Client) {
		ctx := context.Background()
		info := c.Info(ctx, "memory", "commandstats").Val()
		m := nodeInfo{stats: map[string]int64{}}
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				m.mem, _ = strconv.ParseInt(v, 10, 64)
			}
			if rest, ok := strings.CutPrefix(line, "cmdstat_"); ok {
				name, fields, _ := strings.Cut(rest, ":")
				for _, f := range strings.Split(fields, ",") {
					if v, ok := strings.CutPrefix(f, "calls="); ok {
						m.stats[name], _ = strconv.ParseInt(v, 10, 64)
					}
				}
			}
		}
		m.keys = c.DBSize(ctx).Val()
		out[addr] = m
	})
	return out
}
