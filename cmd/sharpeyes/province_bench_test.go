package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// TestProvinceBenchmark is the province benchmark of docs/benchmarks.md
// ("Province"), not a unit test: it runs only when
// SE_PROVINCE_CAMERAS is set (e.g. 500000), without -race:
//
//	SE_PROVINCE_CAMERAS=500000 go test -count=1 -timeout 60m \
//	    -run TestProvinceBenchmark -v ./cmd/sharpeyes/
//
// It starts a 3-master Redis Cluster with a replica per master, a
// simulated fleet of N TCP cameras on loopback (in this process), imports
// it, then runs 3 `collect` processes and 2 `serve --no-collector`
// processes (this test binary re-executed as sharpeyes) and measures, over
// three scheduled sweeps: each collector's share of each sweep and how many
// times the fleet saw each camera probed; each master's share of keys and
// memory; the coverage report's and the status summary's latency at 16
// concurrent clients while the second sweep runs and again once it has
// ended; every process's peak
// RSS; and how many inventory partitions each process read after one
// PATCH (sharpeyes_inventory_partition_loads_total). It prints a Markdown
// report (also written to SE_PROVINCE_OUT when set) and fails only
// when the run itself breaks, not when a target is missed: the report
// says which targets were met.
//
// SE_PROVINCE_LOGS=dir writes each process's log there (with
// SE_PROVINCE_DEBUG=1 at debug level).
// SE_PROVINCE_BASELINE=1 runs the baseline: collectors that read the
// whole inventory (collector.shards 63) and reports computed per request
// (reports.reuse 0s). SE_PROVINCE_KILLS=0 leaves out the kill sweeps.
// SE_PROVINCE_GCTRACE=1 logs each process's last garbage collections
// (GODEBUG=gctrace=1); SE_PROVINCE_GOMEMLIMIT sets GOMEMLIMIT in the
// processes, SE_PROVINCE_API_GOMEMLIMIT in the API replicas only.
// SE_PROVINCE_INTERVAL (default 3m) is the sweep interval (not a
// SHARPEYES_ variable: the processes refuse unknown ones).
func TestProvinceBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SE_PROVINCE_CAMERAS"))
	if n <= 0 {
		t.Skip("set SE_PROVINCE_CAMERAS to run the province benchmark")
	}
	interval := 3 * time.Minute
	if v := os.Getenv("SE_PROVINCE_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 30*time.Second || d%time.Minute != 0 && time.Minute%d != 0 {
			t.Fatalf("SE_PROVINCE_INTERVAL=%q: want a duration of 30 s or more that divides or is a multiple of a minute", v)
		}
		interval = d
	}
	ctx := context.Background()
	rep := &provinceReport{cameras: n, interval: interval}

	cl := redistest.StartClusterWith(t, redistest.ClusterConfig{Replicas: 1})
	f, err := fleet.Start(ctx, fleet.Config{Cameras: n, Seed: 12, BaseIP: "127.40.0.2",
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rdb, err := store.Open(ctx, store.Options{Addrs: cl.Addrs, Cluster: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	s := store.New(rdb)
	var ids []string // the cameras the collectors probe
	for _, c := range f.Cameras() {
		if c.Lifecycle.Probed() {
			ids = append(ids, c.ID)
		}
	}
	rep.probed = len(ids)
	begin := time.Now()
	if _, err := s.PutMany(ctx, f.Cameras()); err != nil {
		t.Fatalf("import: %v", err)
	}
	rep.importTime = time.Since(begin)
	t.Logf("imported %d cameras in %s", n, rep.importTime.Round(time.Millisecond))

	// The first sweep comes lead after the processes start, then one
	// every interval: cron "S M/k * * * *" (or "S/k * ..." under a minute).
	const lead = 20 * time.Second
	at := time.Now().Add(lead).Truncate(time.Second)
	var schedule string
	if interval >= time.Minute {
		k := int(interval / time.Minute)
		schedule = fmt.Sprintf("%d %d/%d * * * *", at.Second(), at.Minute()%k, k)
	} else {
		k := int(interval / time.Second)
		schedule = fmt.Sprintf("%d/%d * * * * *", at.Second()%k, k)
	}
	env := []string{
		"SHARPEYES_REDIS_ADDRS=" + strings.Join(cl.Addrs, ","),
		"SHARPEYES_REDIS_CLUSTER=true",
		"SHARPEYES_COLLECTOR_SCHEDULE=" + schedule,
		"SHARPEYES_COLLECTOR_SPREAD=0.5",
		"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=2s",
		"SHARPEYES_COLLECTOR_CONCURRENCY=1000",
		"SHARPEYES_LOG_LEVEL=info",
	}
	if os.Getenv("SE_PROVINCE_DEBUG") == "1" {
		env[len(env)-1] = "SHARPEYES_LOG_LEVEL=debug"
	}
	if os.Getenv("SE_PROVINCE_GCTRACE") == "1" {
		env = append(env, "GODEBUG=gctrace=1")
	}
	if os.Getenv("SE_PROVINCE_BASELINE") == "1" {
		// What this session started from: every collector reads the whole
		// inventory (any shard count but 64), every report request computes.
		env = append(env, "SHARPEYES_COLLECTOR_SHARDS=63", "SHARPEYES_REPORTS_REUSE=0s")
	}
	if v := os.Getenv("SE_PROVINCE_GOMEMLIMIT"); v != "" {
		env = append(env, "GOMEMLIMIT="+v)
	}
	var collectors, apis []*proc
	var metricsOf []string // /metrics URL per process, collectors first
	for i := range 3 {
		name := fmt.Sprintf("collector-%d", i)
		addr := freeAddr(t)
		collectors = append(collectors, startProc(t, name,
			append(env, "SHARPEYES_COLLECTOR_INSTANCE="+name), "collect", "--metrics-listen", addr))
		metricsOf = append(metricsOf, "http://"+addr+"/metrics")
	}
	for i := range 2 {
		addr := freeAddr(t)
		apiEnv := env
		if v := os.Getenv("SE_PROVINCE_API_GOMEMLIMIT"); v != "" {
			apiEnv = append(slices.Clone(env), "GOMEMLIMIT="+v)
		}
		apis = append(apis, startProc(t, fmt.Sprintf("api-%d", i), apiEnv, "serve", "--no-collector", "--listen", addr))
		metricsOf = append(metricsOf, "http://"+addr+"/metrics")
	}
	procs := append(slices.Clone(collectors), apis...)
	apiBase := func(i int) string { return strings.TrimSuffix(metricsOf[3+i], "/metrics") }
	await(t, 2*time.Minute, "every API replica to be ready", func() bool {
		for i, p := range apis {
			select {
			case <-p.exited:
				t.Fatalf("%s exited:\n%s", p.name, tail(p.logs.String(), 4000))
			default:
			}
			if res, err := http.Get(apiBase(i) + "/readyz"); err != nil || res.StatusCode != 200 {
				return false
			} else {
				res.Body.Close()
			}
		}
		return true
	})

	slotAt := func(k int) string {
		return "default@" + strconv.FormatInt(at.Add(time.Duration(k)*interval).Unix(), 10)
	}
	// waitSweep waits for sweep k (0-based) to end on every live collector.
	waitSweep := func(k int, live ...*proc) {
		if len(live) == 0 {
			live = collectors
		}
		slot := slotAt(k)
		start := at.Add(time.Duration(k) * interval)
		await(t, time.Until(start.Add(interval))+30*time.Second, "sweep "+slot+" on every live collector", func() bool {
			for _, p := range live {
				select {
				case <-p.exited:
					t.Fatalf("%s exited:\n%s", p.name, tail(p.logs.String(), 4000))
				default:
				}
				if _, ok := p.sweepDone(slot); !ok {
					return false
				}
			}
			return true
		})
		ended := time.Since(start)
		sw := provinceSweep{slot: slot, ended: ended}
		for _, p := range collectors {
			v := -1.0
			if rec, ok := p.sweepDone(slot); ok {
				v, _ = rec["probed"].(float64)
			}
			sw.probed = append(sw.probed, int(v))
		}
		sw.hits = map[int64]int{}
		for _, c := range f.Cameras() {
			if c.Lifecycle.Probed() {
				sw.hits[f.Hits(c.ID)]++
			}
		}
		f.ResetHits()
		// Every status written once per sweep: Seq counts the writes.
		sts, err := s.Statuses(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		sw.seqs = map[int64]int{}
		for _, id := range ids {
			sw.seqs[int64(sts[id].Seq)-int64(k+1)]++
		}
		if os.Getenv("SE_PROVINCE_DEBUG") == "1" && sw.seqs[-1] > 0 {
			missed := map[int]int{}
			for _, id := range ids {
				if sts[id].Seq < int64(k+1) {
					missed[store.PartitionOf(id)]++
				}
			}
			for part, n := range missed {
				key := store.SweepLeaseKey(slot, part)
				owner, _ := rdb.Get(ctx, key).Result()
				ttl, _ := rdb.PTTL(ctx, key).Result()
				done, _ := rdb.Get(ctx, key+":done").Result()
				t.Logf("sweep %s: %d cameras of partition %d not written; lease %q (ttl %s), done %q", slot, n, part, owner, ttl, done)
			}
		}
		rep.sweeps = append(rep.sweeps, sw)
		t.Logf("sweep %s: probed %v, cameras by times probed %v, by writes - sweeps %v", slot, sw.probed, sw.hits, sw.seqs)
	}

	// load runs 16 clients against both API replicas for 20 s (at most
	// 20,000 requests) and reads how the replicas timed them.
	load := func(path string) latencies {
		route, _, _ := strings.Cut(path, "?")
		before := serverTimes(t, metricsOf[3:], route)
		l := hammer(t, []string{apiBase(0), apiBase(1)}, path, 16, 20*time.Second, 20000)
		after := serverTimes(t, metricsOf[3:], route)
		if n := after[2] - before[2]; n > 0 {
			l.within10ms, l.within25ms = (after[0]-before[0])/n, (after[1]-before[1])/n
		}
		return l
	}
	waitSweep(0)
	// The second sweep: 16 clients ask for the coverage report, then the
	// status summary, while it runs (both API replicas, alternately).
	time.Sleep(time.Until(at.Add(interval + 5*time.Second))) // a time of the schedule, not a condition
	rssBefore := rssOf(apis)
	rep.coverage = load("/api/v1/reports/coverage?group_by=region&level=2")
	rep.summary = load("/api/v1/status/summary")
	rssAfter := rssOf(apis)
	rep.apiRSSDuring = [2][]int64{rssBefore, rssAfter}
	waitSweep(1)
	// The same load once sweep 2 has ended (before sweep 3 when the
	// interval is 3 minutes): what a console sees between sweeps.
	rssBefore = rssOf(apis)
	rep.coverageIdle = load("/api/v1/reports/coverage?group_by=region&level=2")
	rep.summaryIdle = load("/api/v1/status/summary")
	rep.apiRSSIdle = [2][]int64{rssBefore, rssOf(apis)}

	// Each master's share of keys and memory.
	rep.masters = cl.Masters(ctx)

	// One PATCH, then one request to each API replica and the next sweep:
	// how many partitions does each process read?
	before := partitionLoads(t, metricsOf)
	target := f.Cameras()[n/2].ID
	req, _ := http.NewRequest(http.MethodPatch, apiBase(0)+"/api/v1/cameras/"+target,
		bytes.NewReader([]byte(`{"name":"province benchmark edit"}`)))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH %s: %d %s", target, res.StatusCode, body)
	}
	for i := range apis {
		if code := getJSON(t, apiBase(i)+"/api/v1/reports/coverage?group_by=region&level=2", nil); code != 200 {
			t.Fatalf("coverage after the PATCH: %d", code)
		}
	}
	waitSweep(2)
	after := partitionLoads(t, metricsOf)
	for i := range procs {
		rep.patchLoads = append(rep.patchLoads, after[i]-before[i])
	}
	for _, p := range procs {
		rep.names = append(rep.names, p.name)
		rep.peakRSS = append(rep.peakRSS, procStatus(p.cmd.Process.Pid, "VmHWM"))
	}
	if os.Getenv("SE_PROVINCE_KILLS") != "0" {
		provinceKills(t, rep, cl, s, collectors, apiBase(0), func(k int) time.Time { return at.Add(time.Duration(k) * interval) }, interval, waitSweep)
	}
	if os.Getenv("SE_PROVINCE_GCTRACE") == "1" {
		for _, p := range procs {
			var last []string
			for line := range strings.SplitSeq(p.logs.String(), "\n") {
				if strings.HasPrefix(line, "gc ") {
					last = append(last, line)
				}
			}
			t.Logf("%s: %d GCs; last: %s", p.name, len(last), strings.Join(last[max(0, len(last)-3):], " | "))
		}
	}
	if dir := os.Getenv("SE_PROVINCE_LOGS"); dir != "" {
		for _, p := range procs {
			if err := os.WriteFile(dir+"/"+p.name+".log", []byte(p.logs.String()), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	out := rep.markdown()
	t.Log("\n" + out)
	if path := os.Getenv("SE_PROVINCE_OUT"); path != "" {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type provinceSweep struct {
	slot   string
	probed []int         // per collector
	hits   map[int64]int // times probed (the fleet's count) -> cameras
	// seqs counts cameras by status writes minus sweeps so far (0: one
	// write per sweep).
	seqs map[int64]int
	// ended is when the last live collector logged the sweep done, after
	// its scheduled start (its deadline is the next sweep's start).
	ended time.Duration
}

type latencies struct {
	n, errors int
	p50, p99  time.Duration
	perSecond float64
	// within10ms and within25ms are the shares of the requests the API
	// replicas themselves timed (sharpeyes_http_request_duration_seconds)
	// at 10 ms and 25 ms or less: the server's part of the client's
	// latency, without the client's own scheduling in this busy process.
	within10ms, within25ms float64
}

type provinceReport struct {
	cameras, probed int
	interval        time.Duration
	importTime      time.Duration
	sweeps          []provinceSweep
	masters         []redistest.MasterLoad
	coverage        latencies
	summary         latencies
	apiRSSDuring    [2][]int64 // KiB, before and after the load
	coverageIdle    latencies  // the same load after sweep 2 ended
	summaryIdle     latencies
	apiRSSIdle      [2][]int64
	names           []string
	peakRSS         []int64 // KiB
	patchLoads      []float64
	kills           []string // what the kill phases found
}

func (r *provinceReport) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d cameras (%d probed), sweep every %s, import %s\n\n", r.cameras, r.probed, r.interval, r.importTime.Round(time.Millisecond))
	b.WriteString("| sweep | done after | probed by collector 0 / 1 / 2 (-1: killed) | shares | cameras by times the fleet saw them probed | cameras by status writes − sweeps |\n| --- | ---: | --- | --- | --- | --- |\n")
	for _, sw := range r.sweeps {
		total := 0
		for _, p := range sw.probed {
			total += max(p, 0)
		}
		var shares []string
		for _, p := range sw.probed {
			shares = append(shares, fmt.Sprintf("%.1f %%", 100*float64(max(p, 0))/float64(max(total, 1))))
		}
		fmt.Fprintf(&b, "| %s | %.0f s | %v | %s | %v | %v |\n", sw.slot, sw.ended.Seconds(), sw.probed, strings.Join(shares, " / "), sw.hits, sw.seqs)
	}
	var keys, mem int64
	for _, m := range r.masters {
		keys, mem = keys+m.Keys, mem+m.UsedMemory
	}
	b.WriteString("\n| master | keys | share | used_memory | share |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, m := range r.masters {
		fmt.Fprintf(&b, "| %s | %d | %.1f %% | %.0f MB | %.1f %% |\n", m.Addr, m.Keys, 100*float64(m.Keys)/float64(max(keys, 1)),
			float64(m.UsedMemory)/1e6, 100*float64(m.UsedMemory)/float64(max(mem, 1)))
	}
	b.WriteString("\n| request (16 clients) | requests | errors | req/s | p50 | p99 | timed by the replicas: ≤ 10 ms / ≤ 25 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, l := range []struct {
		name string
		l    latencies
	}{{"coverage `group_by=region&level=2`, during sweep 2", r.coverage}, {"`status/summary`, during sweep 2", r.summary},
		{"coverage, after sweep 2 ended", r.coverageIdle}, {"`status/summary`, after sweep 2 ended", r.summaryIdle}} {
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %.1f ms | %.1f ms | %.2f %% / %.2f %% |\n", l.name, l.l.n, l.l.errors, l.l.perSecond,
			float64(l.l.p50.Microseconds())/1000, float64(l.l.p99.Microseconds())/1000, 100*l.l.within10ms, 100*l.l.within25ms)
	}
	fmt.Fprintf(&b, "\nAPI replicas' RSS before / after the load during sweep 2: %v / %v KiB; after it: %v / %v KiB\n\n",
		r.apiRSSDuring[0], r.apiRSSDuring[1], r.apiRSSIdle[0], r.apiRSSIdle[1])
	b.WriteString("| process | peak RSS | partitions read after one PATCH (to the next sweep's end) |\n| --- | ---: | ---: |\n")
	for i, name := range r.names {
		fmt.Fprintf(&b, "| %s | %.0f MB | %.0f |\n", name, float64(r.peakRSS[i])/1024, r.patchLoads[i])
	}
	if len(r.kills) > 0 {
		b.WriteString("\nKills (sweeps 4 and 5):\n\n")
		for _, k := range r.kills {
			b.WriteString("- " + k + "\n")
		}
	}
	return b.String()
}

// provinceKills runs sweeps 4 and 5 (k = 3, 4): kill -9 of collector-2 a
// sixth into sweep 4, then kill -9 of the master holding the most keys a
// sixth into sweep 5, sampling /readyz of api (every 100 ms) and counting
// the camera.down events and open outages (every camera of the fleet
// answers, so each is false).
func provinceKills(t *testing.T, rep *provinceReport, cl *redistest.Cluster, s *store.Store, collectors []*proc, api string,
	sweepAt func(k int) time.Time, interval time.Duration, waitSweep func(k int, live ...*proc)) {
	ctx := context.Background()
	time.Sleep(time.Until(sweepAt(3).Add(interval / 6))) // a time of the schedule, not a condition
	collectors[2].kill()
	rep.kills = append(rep.kills, fmt.Sprintf("collector-2 killed %.0f s into sweep 4", time.Since(sweepAt(3)).Seconds()))
	waitSweep(3, collectors[:2]...)

	time.Sleep(time.Until(sweepAt(4).Add(interval / 6)))
	top := redistest.MostKeys(cl.Masters(ctx))
	victim, most := top.Addr, top.Keys
	var mu sync.Mutex
	var notReady []time.Time
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	wg.Go(func() {
		for {
			code := 0
			if res, err := client.Get(api + "/readyz"); err == nil {
				code = res.StatusCode
				res.Body.Close()
			}
			if code != http.StatusOK {
				mu.Lock()
				notReady = append(notReady, time.Now())
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	killed := time.Now()
	if err := cl.Kill(victim); err != nil {
		t.Fatal(err)
	}
	waitSweep(4, collectors[:2]...)
	close(stop)
	wg.Wait()
	note := fmt.Sprintf("master %s (%d keys) killed %.0f s into sweep 5", victim, most, killed.Sub(sweepAt(4)).Seconds())
	if len(notReady) > 0 {
		note += fmt.Sprintf("; /readyz not 200 from %.1f s to %.1f s after the kill (%d samples)",
			notReady[0].Sub(killed).Seconds(), notReady[len(notReady)-1].Sub(killed).Seconds(), len(notReady))
	} else {
		note += "; /readyz answered 200 throughout"
	}
	rep.kills = append(rep.kills, note)
	evs, err := s.Events(ctx, killed.Add(-time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	downs := 0
	for _, e := range evs {
		if e.To == sharpeyes.StateDown {
			downs++
		}
	}
	open, err := s.OpenOutages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep.kills = append(rep.kills, fmt.Sprintf("after both kills: %d camera.down events since a minute before the master kill, %d open outages (the fleet's cameras all answer: any is false)", downs, len(open)))
}

// hammer sends GET path to the bases in turn from clients goroutines for
// at most d and at most limit requests, and returns the latencies.
func hammer(t *testing.T, bases []string, path string, clients int, d time.Duration, limit int) latencies {
	t.Helper()
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	begin := time.Now()
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for c := range clients {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				mu.Lock()
				done := len(lat)+errs >= limit
				mu.Unlock()
				if done {
					return
				}
				start := time.Now()
				res, err := client.Get(bases[(c+i)%len(bases)] + path)
				ok := err == nil && res.StatusCode == 200
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				el := time.Since(start)
				mu.Lock()
				if ok {
					lat = append(lat, el)
				} else {
					errs++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(begin)
	slices.Sort(lat)
	out := latencies{n: len(lat), errors: errs, perSecond: float64(len(lat)) / wall.Seconds()}
	if len(lat) > 0 {
		out.p50 = lat[len(lat)/2]
		out.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return out
}

// partitionLoads reads sharpeyes_inventory_partition_loads_total from
// every /metrics URL.
func partitionLoads(t *testing.T, urls []string) []float64 {
	t.Helper()
	out := make([]float64, len(urls))
	for i, u := range urls {
		v, ok := sampleSum(scrapeMetrics(t, u), "sharpeyes_inventory_partition_loads_total")
		if !ok {
			t.Fatalf("%s has no sharpeyes_inventory_partition_loads_total", u)
		}
		out[i] = v
	}
	return out
}

// serverTimes sums, over the /metrics URLs, the GET requests of route
// timed at 10 ms or less, at 25 ms or less, and in all.
func serverTimes(t *testing.T, urls []string, route string) [3]float64 {
	t.Helper()
	var out [3]float64
	labels := []string{`route="` + route + `"`, `method="GET"`, `code="200"`}
	for _, u := range urls {
		b := scrapeMetrics(t, u)
		le10, _ := sampleSum(b, "sharpeyes_http_request_duration_seconds_bucket", append(labels, `le="0.01"`)...)
		le25, _ := sampleSum(b, "sharpeyes_http_request_duration_seconds_bucket", append(labels, `le="0.025"`)...)
		n, _ := sampleSum(b, "sharpeyes_http_request_duration_seconds_count", labels...)
		out[0], out[1], out[2] = out[0]+le10, out[1]+le25, out[2]+n
	}
	return out
}

// rssOf returns the processes' resident set sizes (KiB).
func rssOf(ps []*proc) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = procStatus(p.cmd.Process.Pid, "VmRSS")
	}
	return out
}

// procStatus reads one "kB" field of /proc/pid/status.
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v
		}
	}
	return -1
}
