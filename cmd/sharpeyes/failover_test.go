package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// sample is one answer of /readyz: when the request started and ended.
type sample struct {
	start, end time.Time
	code       int
}

// writeProbe is one write of the test's own client (built like sharpeyes's,
// by store.Open) to a slot of the killed master.
type writeProbe struct {
	at  time.Time
	err error
}

// Issue 10: a `sharpeyes serve` sweeping every 10 s on a Cluster of three
// masters with a replica each; the master holding the most keys is killed
// with SIGKILL mid-sweep. The clients find the promoted replica promptly,
// no outage is lost and none is made up, only the sweep under way when
// the master died may lose results (the next one writes every camera), and
// /readyz answers 503 while that master's slots take no writes, then 200.
func TestClusterMasterFailoverMidSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster failover takes 40-60 s")
	}
	ctx := context.Background()
	cl := redistest.StartClusterWith(t, redistest.ClusterConfig{Replicas: 1, NodeTimeout: time.Second})
	f, err := fleet.Start(ctx, fleet.Config{Cameras: 600, Seed: 11, BaseIP: "127.31.0.2",
		Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 0.8, sharpeyes.ProbeHTTP: 0.2},
		Mix:   map[fleet.Behavior]float64{fleet.Refused: 0.1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	// The test's client is built as sharpeyes builds its own (store.Open).
	rdb, err := store.Open(ctx, store.Options{Addrs: cl.Addrs, Cluster: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	s := store.New(rdb)
	if _, err := s.PutMany(ctx, f.Cameras()); err != nil {
		t.Fatal(err)
	}
	const interval = 10 * time.Second
	addr := freeAddr(t)
	serve := startProc(t, "serve", []string{
		"SHARPEYES_REDIS_ADDRS=" + strings.Join(cl.Addrs, ","),
		"SHARPEYES_REDIS_CLUSTER=true",
		"SHARPEYES_COLLECTOR_SCHEDULE=*/10 * * * * *",
		"SHARPEYES_COLLECTOR_SPREAD=0.5",
		"SHARPEYES_COLLECTOR_LEASE_TTL=3s",
		"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=2s",
		"SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=1",
		"SHARPEYES_COLLECTOR_RECOVERY_THRESHOLD=1",
	}, "serve", "--listen", addr)
	base := "http://" + addr
	ids := make([]string, 0, len(f.Cameras()))
	for _, c := range f.Cameras() {
		ids = append(ids, c.ID)
	}
	// consistent reports whether every camera's status and open outage
	// agree with the fleet, each probed at or after since.
	consistent := func(since time.Time) (bool, string) {
		select {
		case <-serve.exited:
			t.Fatalf("serve exited:\n%s", tail(serve.logs.String(), 4000))
		default:
		}
		sts, err := s.Statuses(ctx, ids)
		if err != nil {
			return false, err.Error()
		}
		open, err := s.OpenOutages(ctx)
		if err != nil {
			return false, err.Error()
		}
		isOpen := map[string]bool{}
		for _, o := range open {
			isOpen[o.CameraID] = true
		}
		for _, id := range ids {
			want, _ := f.Expected(id)
			st := sts[id]
			switch {
			case st.LastProbe.Before(since):
				return false, fmt.Sprintf("%s last probed %s, before %s", id, st.LastProbe.Format(time.TimeOnly), since.Format(time.TimeOnly))
			case st.State != want:
				return false, fmt.Sprintf("%s is %s, the fleet says %s", id, st.State, want)
			case isOpen[id] != (want == sharpeyes.StateDown):
				return false, fmt.Sprintf("%s (%s) has an open outage: %v", id, want, isOpen[id])
			}
		}
		return true, ""
	}
	var why string // what the last check found amiss
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last inconsistency: %s", why)
		}
	})
	await(t, 40*time.Second, "a first sweep of every camera", func() bool {
		ok, w := consistent(time.Time{})
		why = w
		return ok
	})

	// The victim: the master holding the most keys, and its replica.
	top := redistest.MostKeys(cl.Masters(ctx))
	victim, most := top.Addr, top.Keys
	replica, err := redistest.ReplicaOf(ctx, victim)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("victim master %s (%d keys), its replica %s", victim, most, replica)

	// The test's client writes a key of the victim's slots every 50 ms.
	key := keyOn(ctx, t, rdb.(*redis.ClusterClient), victim)
	var mu sync.Mutex
	var writes, plainWrites []writeProbe
	var samples []sample
	stop := make(chan struct{})
	var wg sync.WaitGroup
	write := func(c redis.UniversalClient, into *[]writeProbe) {
		for i := 0; ; i++ {
			wctx, cancel := context.WithTimeout(ctx, time.Second)
			err := c.Set(wctx, key, i, 0).Err()
			cancel()
			mu.Lock()
			*into = append(*into, writeProbe{time.Now(), err})
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	wg.Go(func() { write(rdb, &writes) })
	// The baseline: a client with go-redis's defaults, as sharpeyes built
	// it before (it re-reads the slot map on MOVED or every 60 s).
	plain := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs})
	t.Cleanup(func() { plain.Close() })
	wg.Go(func() { write(plain, &plainWrites) })
	client := &http.Client{Timeout: 5 * time.Second}
	wg.Go(func() {
		for {
			start := time.Now()
			code := 0
			if res, err := client.Get(base + "/readyz"); err == nil {
				code = res.StatusCode
				res.Body.Close()
			}
			mu.Lock()
			samples = append(samples, sample{start, time.Now(), code})
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})

	// Mid-sweep: a fifth of the cameras probed in the sweep under way.
	f.ResetHits()
	await(t, 2*interval, "a sweep under way", func() bool {
		n := 0
		for _, id := range ids {
			if f.Hits(id) > 0 {
				n++
			}
		}
		return n >= len(ids)/5
	})
	// Cameras that go down and come back while the master is away.
	var changed []string
	for _, c := range f.Cameras() {
		if c.Probe == sharpeyes.ProbeHTTP && f.Behavior(c.ID) == fleet.OK && len(changed) < 10 {
			changed = append(changed, c.ID)
		}
	}
	if err := cl.Kill(victim); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	inFlight := killed.Truncate(interval) // the sweep the kill hit
	for _, id := range changed {
		if err := f.Set(id, fleet.Reset); err != nil {
			t.Fatal(err)
		}
	}
	var promoted, lastReplica time.Time
	await(t, 30*time.Second, "the replica "+replica+" to be promoted", func() bool {
		role, err := redistest.Role(ctx, replica)
		if err == nil && role == "master" {
			promoted = time.Now()
			return true
		}
		lastReplica = time.Now()
		return false
	})
	// The test's client writes again: the failover's error window.
	await(t, 30*time.Second, "the test client's writes to succeed after the promotion", func() bool {
		mu.Lock()
		defer mu.Unlock()
		last := writes[len(writes)-1]
		return last.err == nil && last.at.After(promoted)
	})
	firstFail, lastFail, recovered := failWindow(&mu, writes)
	t.Logf("promotion %v after the kill; the test client's writes failed from +%v to +%v, first write after: +%v (%v after the promotion)",
		promoted.Sub(killed).Round(10*time.Millisecond), firstFail.Sub(killed).Round(10*time.Millisecond),
		lastFail.Sub(killed).Round(10*time.Millisecond), recovered.Sub(killed).Round(10*time.Millisecond),
		recovered.Sub(promoted).Round(10*time.Millisecond))

	// The next sweep writes every camera: the new outages open, none is
	// made up, and only the sweep the kill hit may lose results.
	next := inFlight.Add(interval)
	await(t, time.Until(next.Add(interval))+20*time.Second, "every camera written by the sweep after the failover", func() bool {
		ok, w := consistent(next)
		why = w
		return ok
	})
	t.Logf("every camera written by the sweep of %s; last one missing: %s", next.Format(time.TimeOnly), why)
	await(t, 20*time.Second, "/readyz to answer 200 again", func() bool {
		mu.Lock()
		defer mu.Unlock()
		last := samples[len(samples)-1]
		return last.code == http.StatusOK && last.start.After(promoted)
	})
	close(stop)
	wg.Wait()
	if firstFail, lastFail, recovered := failWindow(&mu, plainWrites); recovered.IsZero() {
		t.Logf("baseline (go-redis defaults): writes failed from +%v and still at +%v, %v after the promotion",
			firstFail.Sub(killed).Round(10*time.Millisecond), lastFail.Sub(killed).Round(10*time.Millisecond),
			lastFail.Sub(promoted).Round(10*time.Millisecond))
	} else {
		t.Logf("baseline (go-redis defaults): writes failed from +%v to +%v, first write after: +%v (%v after the promotion)",
			firstFail.Sub(killed).Round(10*time.Millisecond), lastFail.Sub(killed).Round(10*time.Millisecond),
			recovered.Sub(killed).Round(10*time.Millisecond), recovered.Sub(promoted).Round(10*time.Millisecond))
	}

	// No false outage: nothing up went down and came back (the cameras
	// made to fail stay down, their outages open, as consistent checked).
	closed, err := s.ClosedOutages(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 0 {
		t.Errorf("%d outages closed, want none (the fleet's down cameras stayed down): first %+v", len(closed), closed[0])
	}

	notReady := 0
	var ready503First, ready503Last time.Time
	for _, sm := range samples {
		if sm.code != http.StatusOK {
			if ready503First.IsZero() {
				ready503First = sm.start
			}
			ready503Last = sm.end
			notReady++
		}
		// Between the kill and the promotion no node takes a write to the
		// victim's slots: /readyz must not say ready.
		if sm.start.After(killed.Add(100*time.Millisecond)) && sm.end.Before(lastReplica) && sm.code == http.StatusOK {
			t.Errorf("/readyz answered 200 at %s, between the kill (%s) and the promotion (after %s)",
				sm.start.Format(time.StampMilli), killed.Format(time.StampMilli), lastReplica.Format(time.StampMilli))
		}
	}
	if notReady == 0 {
		t.Errorf("/readyz never answered 503 during the failover")
	}
	t.Logf("/readyz: %d of %d answers not ready, from +%v to +%v", notReady, len(samples),
		ready503First.Sub(killed).Round(10*time.Millisecond), ready503Last.Sub(killed).Round(10*time.Millisecond))
}

// failWindow returns when writes first and last failed, and the first
// write that succeeded after the last failure (zero when none did).
func failWindow(mu *sync.Mutex, writes []writeProbe) (firstFail, lastFail, recovered time.Time) {
	mu.Lock()
	defer mu.Unlock()
	for _, w := range writes {
		if w.err != nil {
			if firstFail.IsZero() {
				firstFail = w.at
			}
			lastFail = w.at
		}
	}
	for _, w := range writes {
		if w.err == nil && w.at.After(lastFail) {
			recovered = w.at
			break
		}
	}
	return firstFail, lastFail, recovered
}

// keyOn returns a key whose slot the master at addr serves.
func keyOn(ctx context.Context, t *testing.T, rdb *redis.ClusterClient, addr string) string {
	t.Helper()
	for i := range 10000 {
		k := fmt.Sprintf("failover-test:%d", i)
		m, err := rdb.MasterForKey(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if m.Options().Addr == addr {
			return k
		}
	}
	t.Fatalf("no key found on %s", addr)
	return ""
}
