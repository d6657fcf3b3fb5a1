package report

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// fullSummary is the summary as computed before the probe index: it reads
// every probed camera's status per request. It is kept here as the oracle
// the indexed summary must agree with.
func fullSummary(ctx context.Context, r *Reporter, q Query) (*Summary, error) {
	now := r.now()
	fl, err := r.load(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	var g Group
	sum := &Summary{At: now.UTC(), Timezone: r.loc.String()}
	var probedIDs []string
	for i, j := range fl.idx {
		g.add(fl.lcs[i], fl.st(i))
		lc := fl.snap.Lifecycle(int(j))
		if lc == sharpeyes.Building && answers(fl.state(i)) {
			sum.ReadyForAcceptance++
		}
		if lc.Probed() {
			probedIDs = append(probedIDs, fl.snap.ID(int(j)))
		}
	}
	g.finish()
	sum.Cameras, sum.Lifecycle, sum.Probed, sum.OnlineRate = g.Total, g.Lifecycle, g.Probed, g.OnlineRate
	sum.Up, sum.Degraded, sum.Down, sum.Unknown = g.Up, g.Degraded, g.Down, g.Unknown
	if r.interval > 0 {
		after := 2 * r.interval
		sum.StaleAfterS = after.Seconds()
		statuses, err := r.store.Statuses(ctx, probedIDs)
		if err != nil {
			return nil, err
		}
		cutoff := now.Add(-after)
		for _, id := range probedIDs {
			st, ok := statuses[id]
			switch {
			case !ok || st.LastProbe.IsZero():
				sum.NeverProbed++
			case st.LastProbe.Before(cutoff):
				sum.Stale++
			}
		}
	}
	open, err := r.store.OpenOutages(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range open {
		if fl.position(o.CameraID) >= 0 {
			sum.OpenOutages++
		}
	}
	sweep, err := r.store.LastSweep(ctx)
	switch {
	case err == nil:
		sum.LastSweep = &sweep
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return sum, nil
}

// summaryQueries are the selections the oracle comparisons cover.
var summaryQueries = []Query{
	{},
	{Filter: sharpeyes.Filter{Region: "r1"}},
	{Filter: sharpeyes.Filter{State: sharpeyes.StateDown}},
	{Filter: sharpeyes.Filter{Lifecycle: sharpeyes.Building}},
}

// sameAsFull fails the test when the summary of any summaryQueries differs
// from the full computation over the same data.
func sameAsFull(t *testing.T, e *env, step string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range summaryQueries {
		got, err := e.rep.Summary(ctx, q)
		if err != nil {
			t.Fatalf("%s: summary %+v: %v", step, q.Filter, err)
		}
		want, err := fullSummary(ctx, e.rep, q)
		if err != nil {
			t.Fatalf("%s: full summary %+v: %v", step, q.Filter, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, filter %+v:\n got %+v\nwant %+v", step, q.Filter, got, want)
		}
	}
}

func TestSummaryMatchesFullReadThroughWritesDeletesAndLifecycleChanges(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(7, 11))
	lcs := sharpeyes.Lifecycles
	states := []sharpeyes.State{sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown, sharpeyes.StateUnknown}
	const n = 60
	camera := func(i int) sharpeyes.Camera {
		return mustCamera(t, fmt.Sprintf("c%02d", i), fmt.Sprintf("r%d", i%3), lcs[rng.IntN(len(lcs))])
	}
	cams := make([]sharpeyes.Camera, n)
	for i := range cams {
		cams[i] = camera(i)
	}
	e.putAt(t, hours(-48), cams...)
	sameAsFull(t, e, "no status yet")
	live := make(map[int]bool, n)
	for i := range n {
		live[i] = true
	}
	for step := range 300 {
		i := rng.IntN(n)
		id := fmt.Sprintf("c%02d", i)
		var what string
		switch op := rng.IntN(10); {
		case op < 6: // a probe, fresh or up to 5 minutes old (stale after 2)
			at := t0.Add(-time.Duration(rng.IntN(300)) * time.Second)
			st := states[rng.IntN(len(states))]
			e.setState(t, id, st, "", at)
			what = fmt.Sprintf("write %s %s at %s (live %v)", id, st, at.Format(time.TimeOnly), live[i])
		case op < 7 && live[i]:
			if err := e.store.Delete(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			live[i] = false
			what = "delete " + id
		case op < 9: // lifecycle change, or the deleted camera back
			c := camera(i)
			e.putAt(t, t0, c)
			live[i] = true
			what = fmt.Sprintf("put %s %s", id, c.Lifecycle)
		default: // time passes
			e.clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
			what = "clock at " + e.clock.Now().Format(time.TimeOnly)
		}
		sameAsFull(t, e, fmt.Sprintf("step %d: %s", step, what))
	}
}

func TestSummaryBuildsProbeIndexFromOlderStatuses(t *testing.T) {
	e := newEnv(t)
	e.putAt(t, hours(-48), mustCamera(t, "fresh", "r", sharpeyes.Active),
		mustCamera(t, "stale", "r", sharpeyes.Building), mustCamera(t, "never", "r", sharpeyes.Active))
	e.setState(t, "fresh", sharpeyes.StateUp, "", t0.Add(-time.Minute))
	e.setState(t, "stale", sharpeyes.StateDown, sharpeyes.ReasonTimeout, t0.Add(-10*time.Minute))
	// A store written before the index existed has statuses and no index.
	for _, k := range append(store.AllPartitionKeys("probed"), "se:{st}:probed:built") {
		if err := e.rdb.Del(context.Background(), k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := e.rep.Summary(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stale != 1 || sum.NeverProbed != 1 {
		t.Fatalf("stale %d never probed %d, want 1 and 1", sum.Stale, sum.NeverProbed)
	}
	sameAsFull(t, e, "after building the index")
}

// commandLog records the commands a client sends.
type commandLog struct {
	mu   sync.Mutex
	cmds []string
}

func (l *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add(cmd)
		return next(ctx, cmd)
	}
}

func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			l.add(c)
		}
		return next(ctx, cmds)
	}
}

func (l *commandLog) add(cmd redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, strings.TrimSpace(fmt.Sprintln(cmd.Args()...)))
}

func (l *commandLog) reset() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.cmds
	l.cmds = nil
	return out
}

func TestSummaryDoesNotReadStatuses(t *testing.T) {
	e := newEnv(t)
	var cams []sharpeyes.Camera
	states := make(map[string]sharpeyes.State)
	for i := range 50 {
		c := mustCamera(t, fmt.Sprintf("c%02d", i), "r", sharpeyes.Active)
		cams = append(cams, c)
		if i%10 != 0 {
			states[c.ID] = sharpeyes.StateUp
		}
	}
	e.putAt(t, hours(-48), cams...)
	e.setStates(t, states, t0.Add(-time.Minute))
	log := &commandLog{}
	e.rdb.AddHook(log)
	ctx := context.Background()
	if _, err := e.rep.Summary(ctx, Query{}); err != nil { // warms the caches
		t.Fatal(err)
	}
	log.reset()
	sum, err := e.rep.Summary(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.NeverProbed != 5 {
		t.Fatalf("never probed %d, want 5", sum.NeverProbed)
	}
	for _, c := range log.reset() {
		if strings.Contains(c, "}:status") {
			t.Fatalf("a warm summary read statuses: %s", c)
		}
	}
}
