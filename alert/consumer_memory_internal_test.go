package alert

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// The consumer keeps the latest event only of cameras whose events wait
// for a decision: a first sweep's camera.up for every camera leaves
// nothing behind, and a down superseded by an up is forgotten once its
// decision is done.
func TestConsumerKeepsOnlyCamerasWithEventsWaiting(t *testing.T) {
	ctx := context.Background()
	s := store.New(redistest.Start(t).Client())
	d, err := New(Options{Store: s, GroupWindow: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	c := newConsumer(d)
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for i := range 1000 {
		ev := Event{ID: fmt.Sprintf("1-%d", i), Type: CameraUp, CameraID: fmt.Sprintf("c%04d", i),
			From: sharpeyes.StateUnknown, To: sharpeyes.StateUp, At: at}
		if err := c.handle(ctx, snap, ev); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.current) != 0 || len(c.pending) != 0 {
		t.Fatalf("after 1,000 camera.up: %d cameras kept, %d pending; want none", len(c.current), len(c.pending))
	}
	down := Event{ID: "2-0", Type: CameraDown, CameraID: "c0001", From: sharpeyes.StateUp, To: sharpeyes.StateDown, At: at}
	if err := c.handle(ctx, snap, down); err != nil {
		t.Fatal(err)
	}
	up := Event{ID: "3-0", Type: CameraUp, CameraID: "c0001", From: sharpeyes.StateDown, To: sharpeyes.StateUp, At: at}
	if err := c.handle(ctx, snap, up); err != nil {
		t.Fatal(err)
	}
	if c.current["c0001"] != up.ID {
		t.Fatalf("latest of c0001: %q, want the up %q (the buffered down is superseded)", c.current["c0001"], up.ID)
	}
	if live := c.live([]Event{down}); len(live) != 0 {
		t.Fatalf("the superseded down is still live: %+v", live)
	}
	c.release([]Event{down})
	if len(c.current) != 0 || len(c.pending) != 0 {
		t.Fatalf("after the down's decision: %v kept, %v pending; want none", c.current, c.pending)
	}
}
