package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// Of several processes (replicas of serve or collect), only the holder of
// the trimming lease trims; when it lets go, another takes over.
func TestOnlyTheTrimmingLeaseHolderTrims(t *testing.T) {
	ctx := context.Background()
	s := store.New(redistest.Start(t).Client())
	log := slog.New(slog.DiscardHandler)
	first, second := newTrimmer(s, log, time.Hour), newTrimmer(s, log, time.Hour)
	for i, step := range []struct {
		tr   *trimmer
		want bool
	}{{first, true}, {second, false}, {first, true}} {
		if got, err := step.tr.turn(ctx); err != nil || got != step.want {
			t.Fatalf("turn %d: trimmed %v (err %v), want %v", i, got, err, step.want)
		}
	}
	first.release()
	if got, err := second.turn(ctx); err != nil || !got {
		t.Fatalf("after the holder let go: trimmed %v (err %v), want the other to take over", got, err)
	}
}

// `collect` (not only serve) enforces retention when it holds the lease:
// the events stream is cut to history.events_max, lifecycle changes past
// the retention go (each camera's last one before it stays), deleted
// cameras' alert state and old dead letters are dropped.
func TestCollectTrimsHistoryToItsBounds(t *testing.T) {
	ctx := context.Background()
	rs := redistest.Start(t)
	rdb := rs.Client()
	live := sharpeyes.Camera{ID: "live-1", Name: "live", Host: "127.0.0.1", Probe: sharpeyes.ProbeRTSP,
		Lifecycle: sharpeyes.Planned}
	if err := live.Normalize(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.New(rdb).PutMany(ctx, []sharpeyes.Camera{live}); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: "se:{st}:events",
			Values: []any{"type", "camera.up", "camera_id", fmt.Sprint("c", i), "from", "down", "to", "up"}})
	}
	daysAgo := func(n int) time.Time { return time.Now().AddDate(0, 0, -n) }
	change := func(id, from, to string, at time.Time) string {
		return id + "|" + from + "|" + to + "|" + strconv.FormatInt(at.UnixMilli(), 10)
	}
	oldest, lastBefore := change("live-1", "building", "active", daysAgo(500)), change("live-1", "active", "planned", daysAgo(450))
	gone := change("gone", "building", "active", daysAgo(450))
	for _, m := range []struct {
		at     time.Time
		member string
	}{{daysAgo(500), oldest}, {daysAgo(450), lastBefore}, {daysAgo(450), gone}} {
		rdb.ZAdd(ctx, "se:{inv}:lifecycle", redis.Z{Score: float64(m.at.UnixMilli()), Member: m.member})
	}
	rdb.HSet(ctx, "se:{al}:state:ops", "cam:live-1", "[]", "cam:gone", "[]")
	dead := func(key string, at time.Time) string {
		return fmt.Sprintf(`{"key":%q,"webhook":"ops","dead_at":%q}`, key, at.UTC().Format(time.RFC3339Nano))
	}
	rdb.LPush(ctx, "se:{al}:dl:ops", dead("old", daysAgo(40)), dead("new", daysAgo(1)))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- runEnv(ctx, testEnv(io.Discard, logs, []string{"SHARPEYES_HISTORY_EVENTS_MAX=100"}),
			[]string{"collect", "--redis", rs.URL()})
	}()
	state := func() string {
		members := rdb.ZRange(ctx, "se:{inv}:lifecycle", 0, -1).Val()
		has := map[string]bool{}
		for _, m := range members {
			has[m] = true
		}
		return fmt.Sprintf("events %d, lifecycle oldest %v last-before %v gone %v, alert state %d, dead letters %d",
			rdb.XLen(ctx, "se:{st}:events").Val(), has[oldest], has[lastBefore], has[gone],
			rdb.HLen(ctx, "se:{al}:state:ops").Val(), rdb.LLen(ctx, "se:{al}:dl:ops").Val())
	}
	want := "events 100, lifecycle oldest false last-before true gone false, alert state 1, dead letters 1"
	deadline := time.Now().Add(20 * time.Second)
	for got := state(); got != want; got = state() {
		select {
		case code := <-done:
			t.Fatalf("collect exited %d:\n%s", code, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s of collect: %s\nwant %s\nlog:\n%s", got, want, logs.String())
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("collect exited %d:\n%s", code, logs.String())
	}
}
