package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// proc is a sharpeyes command running as a separate OS process (this test
// binary re-executed as sharpeyes), logging JSON lines.
type proc struct {
	name   string
	cmd    *exec.Cmd
	logs   fileLog
	exited chan struct{}
}

// fileLog is a process's output, written by the process straight into a
// file. Through a pipe, each of a child's log lines (an API replica logs
// one per request) would wait for this test process, busy with a fleet,
// to copy it: a child's latency should not depend on that. (At 500,000
// cameras the summary's p99 came out the same either way, 9.6 and
// 10.1 ms, in one session.)
type fileLog struct{ path string }

// String returns what the process has written so far.
func (l fileLog) String() string {
	b, _ := os.ReadFile(l.path)
	return string(b)
}

// startProc starts `sharpeyes args...` with env added to this process's
// environment and JSON logs, and kills it when the test ends.
func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, logs: fileLog{path: filepath.Join(t.TempDir(), name+".log")}, exited: make(chan struct{})}
	out, err := os.Create(p.logs.path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the child has its own descriptor once started
	p.cmd = exec.Command(exe, args...)
	p.cmd.Env = append(os.Environ(), asSharpeyes+"=1", "SHARPEYES_LOG_FORMAT=json",
		"SHARPEYES_RUNTIME_DIR="+t.TempDir())
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s output:\n%s", p.name, tail(p.logs.String(), 4000))
		}
	})
	return p
}

// kill sends SIGKILL (no goodbye: leases and heartbeats just stop) and
// waits for the process to exit.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// logLines returns the JSON log records of the process whose msg is msg.
func (p *proc) logLines(msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// sweepDone returns the "sweep done" record of slot, if logged.
func (p *proc) sweepDone(slot string) (map[string]any, bool) {
	for _, rec := range p.logLines("sweep done") {
		if rec["slot"] == slot {
			return rec, true
		}
	}
	return nil, false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// replicaRig is a fleet of TCP cameras stored in a single redis-server and
// collector processes sweeping it once a minute at a second chosen so that
// every process has joined before the sweep.
type replicaRig struct {
	fleet *fleet.Fleet
	store *store.Store
	redis *redistest.Server
	procs []*proc
	// at is the scheduled time of the first sweep, slot its name.
	at   time.Time
	slot string
}

// lead is how long after the processes start their first sweep comes: they
// must all have joined the members by then.
const lead = 8 * time.Second

func newReplicaRig(t *testing.T, collectors, cameras int, leaseTTL time.Duration) *replicaRig {
	t.Helper()
	ctx := context.Background()
	r := &replicaRig{redis: redistest.Start(t)}
	f, err := fleet.Start(ctx, fleet.Config{Cameras: cameras, Seed: 10, BaseIP: "127.30.0.2",
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r.fleet = f
	r.store = store.New(r.redis.Client())
	if _, err := r.store.PutMany(ctx, f.Cameras()); err != nil {
		t.Fatal(err)
	}
	r.at = time.Now().Add(lead).Truncate(time.Second)
	r.slot = "default@" + strconv.FormatInt(r.at.Unix(), 10)
	env := []string{
		"SHARPEYES_REDIS_URL=" + r.redis.URL(),
		// Once a minute at the chosen second, its shards due over 6 s; the
		// sweep's deadline is 54 s after it starts.
		fmt.Sprintf("SHARPEYES_COLLECTOR_SCHEDULE=%d * * * * *", r.at.Second()),
		"SHARPEYES_COLLECTOR_SPREAD=0.1",
		"SHARPEYES_COLLECTOR_LEASE_TTL=" + leaseTTL.String(),
		"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=2s",
		"SHARPEYES_COLLECTOR_CONCURRENCY=200",
	}
	for i := range collectors {
		name := fmt.Sprintf("collector-%d", i)
		r.procs = append(r.procs, startProc(t, name,
			append(env, "SHARPEYES_COLLECTOR_INSTANCE="+name), "collect"))
	}
	await(t, lead, "every collector to start", func() bool {
		for _, p := range r.procs {
			if len(p.logLines("collector started")) == 0 {
				return false
			}
		}
		return true
	})
	if time.Until(r.at) < 500*time.Millisecond {
		t.Fatalf("the collectors took until %s to start, too close to their first sweep at %s", time.Now().Format(time.StampMilli), r.at.Format(time.StampMilli))
	}
	return r
}

// probedBy returns how many cameras each process says it probed in the
// rig's sweep (-1 when it logged no summary for it).
func (r *replicaRig) probedBy() []int {
	out := make([]int, len(r.procs))
	for i, p := range r.procs {
		out[i] = -1
		if rec, ok := p.sweepDone(r.slot); ok {
			n, _ := rec["probed"].(float64)
			out[i] = int(n)
		}
	}
	return out
}

// hitCounts returns how many cameras the fleet saw probed 0, 1, 2, ... times.
func (r *replicaRig) hitCounts() map[int64]int {
	counts := map[int64]int{}
	for _, c := range r.fleet.Cameras() {
		counts[r.fleet.Hits(c.ID)]++
	}
	return counts
}

// Issue 10: three collector processes sharing a sweep of 3,000 cameras
// each probe a third (± 5 points) and, counted at the cameras, every camera
// is probed exactly once.
func TestCollectorProcessesDivideASweepEvenly(t *testing.T) {
	const cameras = 3000
	// Others take a live owner's shard lease_ttl/2 after it came due. With
	// lease_ttl 2 s, on a machine loaded by other test runs, one process
	// probed 26.5 % (some 7 shards fewer than its share), most likely
	// taken by the others after that 1 s; 4 s gives an owner 2 s.
	r := newReplicaRig(t, 3, cameras, 4*time.Second)
	await(t, time.Until(r.at)+50*time.Second, "every collector to finish the sweep "+r.slot, func() bool {
		for _, n := range r.probedBy() {
			if n < 0 {
				return false
			}
		}
		return true
	})
	total := 0
	for i, n := range r.probedBy() {
		total += n
		share := float64(n) / cameras
		t.Logf("%s probed %d cameras (%.1f%%)", r.procs[i].name, n, 100*share)
		if share < 1.0/3-0.05 || share > 1.0/3+0.05 {
			t.Errorf("%s probed %d of %d cameras (%.1f%%), want 33%% ± 5", r.procs[i].name, n, cameras, 100*share)
		}
	}
	if counts := r.hitCounts(); counts[1] != cameras {
		t.Errorf("cameras by times probed: %v; want all %d once", counts, cameras)
	}
	if total != cameras {
		t.Errorf("the collectors probed %d cameras in all, want %d", total, cameras)
	}
}

// Issue 10: a collector process killed with SIGKILL mid-sweep leaves its
// shards to the others, which finish them well before the sweep's
// deadline: every camera is probed (at the fleet) and has a status of
// that sweep.
func TestKilledCollectorProcessShardsAreFinishedByTheOthers(t *testing.T) {
	const cameras = 3000
	leaseTTL := 2 * time.Second
	r := newReplicaRig(t, 3, cameras, leaseTTL)
	deadline := r.at.Add(54 * time.Second)
	probed := func() int {
		n := 0
		for _, c := range r.fleet.Cameras() {
			if r.fleet.Hits(c.ID) > 0 {
				n++
			}
		}
		return n
	}
	// A third of the way through the sweep every collector is probing and
	// each still has shards to come.
	await(t, time.Until(r.at)+30*time.Second, "a third of the cameras probed", func() bool { return probed() >= cameras/3 })
	victim := r.procs[0]
	victim.kill()
	killed := time.Now()
	atKill := probed()
	await(t, time.Until(deadline), "every camera probed before the sweep's deadline", func() bool { return probed() == cameras })
	all := time.Now()
	// The last shard comes due 63/64 of the 6 s spread after the sweep began.
	lastDue := r.at.Add(6 * time.Second * 63 / 64)
	t.Logf("killed %s at +%v with %d of %d cameras probed; all probed at +%v, %v after the last shard came due (lease TTL %v)",
		victim.name, killed.Sub(r.at).Round(10*time.Millisecond), atKill, cameras,
		all.Sub(r.at).Round(10*time.Millisecond), all.Sub(lastDue).Round(10*time.Millisecond), leaseTTL)
	if _, ok := victim.sweepDone(r.slot); ok {
		t.Fatalf("%s finished the sweep before it was killed: the test killed nothing mid-sweep", victim.name)
	}
	for _, p := range r.procs[1:] {
		p := p
		await(t, time.Until(deadline), p.name+" to finish the sweep", func() bool { _, ok := p.sweepDone(r.slot); return ok })
	}
	ids := make([]string, 0, cameras)
	for _, c := range r.fleet.Cameras() {
		ids = append(ids, c.ID)
	}
	sts, err := r.store.Statuses(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	stale := 0
	for _, id := range ids {
		if st, ok := sts[id]; !ok || st.LastProbe.Before(r.at) {
			if stale++; stale <= 5 {
				t.Errorf("%s: status %+v, want one probed in the sweep at %s", id, sts[id], r.at.Format(time.TimeOnly))
			}
		}
	}
	// Only the shards the victim was probing when it died are probed twice.
	counts := r.hitCounts()
	for n := range counts {
		if n < 1 || n > 2 {
			t.Errorf("cameras by times probed: %v; want each once, or twice for the victim's shards in flight", counts)
			break
		}
	}
	t.Logf("cameras by times probed: %v", counts)
}
