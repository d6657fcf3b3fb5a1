package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/store"
)

func deliveries(wh string, keys ...string) []store.Delivery {
	out := make([]store.Delivery, len(keys))
	for i, k := range keys {
		out[i] = store.Delivery{Key: k, Webhook: wh, Type: "camera.down", Payload: []byte(`{"n":` + fmt.Sprint(i) + `}`)}
	}
	return out
}

func mustLock(t *testing.T, s *store.Store, wh, token string) {
	t.Helper()
	ok, err := s.TryLease(context.Background(), store.WebhookLockKey(wh), token, time.Minute)
	if err != nil || !ok {
		t.Fatalf("lock %s for %s: %v, %v", wh, token, ok, err)
	}
}

func TestEnqueueQueuesEachKeyOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now()
	n, err := s.Enqueue(ctx, deliveries("w", "a", "b", "a"), now, time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("enqueue: %d, %v; want 2 added", n, err)
	}
	n, err = s.Enqueue(ctx, deliveries("w", "b", "c"), now, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("enqueue again: %d, %v; want 1 added", n, err)
	}
	if l, _ := s.OutboxLen(ctx, "w"); l != 3 {
		t.Fatalf("queue length %d, want 3", l)
	}
}

func TestHeadsAreDeliveredInOrderThenTheQueueIsUnscheduled(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now()
	if _, err := s.Enqueue(ctx, deliveries("w", "a", "b", "c"), now, time.Hour); err != nil {
		t.Fatal(err)
	}
	mustLock(t, s, "w", "me")
	var got []string
	for {
		head, err := s.OutboxHead(ctx, "w")
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, head.Key)
		if err := s.AckHead(ctx, "w", "me", head, now); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[a b c]" {
		t.Fatalf("delivered %v, want [a b c]", got)
	}
	if due, _ := s.DueWebhooks(ctx, now.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("due after emptying: %v, want none", due)
	}
}

func TestHeadChangesNeedTheLockAndTheSameHead(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now()
	if _, err := s.Enqueue(ctx, deliveries("w", "a", "b"), now, time.Hour); err != nil {
		t.Fatal(err)
	}
	head, err := s.OutboxHead(ctx, "w")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AckHead(ctx, "w", "me", head, now); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("ack without lock: %v, want ErrLockLost", err)
	}
	mustLock(t, s, "w", "other")
	if err := s.AckHead(ctx, "w", "me", head, now); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("ack with another's lock: %v, want ErrLockLost", err)
	}
	if err := s.AckHead(ctx, "w", "other", head, now); err != nil {
		t.Fatal(err)
	}
	if err := s.AckHead(ctx, "w", "other", head, now); !errors.Is(err, store.ErrLockLost) {
		t.Fatalf("ack of a head already gone: %v, want ErrLockLost", err)
	}
	if l, _ := s.OutboxLen(ctx, "w"); l != 1 {
		t.Fatalf("queue length %d, want 1", l)
	}
}

func TestRetryHeadReschedulesTheQueue(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now()
	if _, err := s.Enqueue(ctx, deliveries("w", "a"), now, time.Hour); err != nil {
		t.Fatal(err)
	}
	mustLock(t, s, "w", "me")
	head, _ := s.OutboxHead(ctx, "w")
	next := head
	next.Attempts, next.LastError, next.NextAt = 1, "receiver answered 503", now.Add(time.Minute)
	if err := s.RetryHead(ctx, "w", "me", head, next); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueWebhooks(ctx, now.Add(30*time.Second), 10); len(due) != 0 {
		t.Fatalf("due before the backoff: %v, want none", due)
	}
	if due, _ := s.DueWebhooks(ctx, now.Add(2*time.Minute), 10); len(due) != 1 {
		t.Fatalf("due after the backoff: %v, want [w]", due)
	}
	got, _ := s.OutboxHead(ctx, "w")
	if got.Attempts != 1 || got.LastError != "receiver answered 503" {
		t.Fatalf("head after retry: %+v", got)
	}
}

func TestDeadLetterHeadMovesItToTheDeadLetters(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	if _, err := s.Enqueue(ctx, deliveries("w", "a", "b"), now, time.Hour); err != nil {
		t.Fatal(err)
	}
	mustLock(t, s, "w", "me")
	for range 2 {
		head, _ := s.OutboxHead(ctx, "w")
		dead := head
		dead.DeadAt, dead.DeadReason = &now, "older than max_age"
		if err := s.DeadLetterHead(ctx, "w", "me", head, dead); err != nil {
			t.Fatal(err)
		}
	}
	dls, err := s.DeadLetters(ctx, "w", 10)
	if err != nil || len(dls) != 2 || dls[0].Key != "b" || dls[1].DeadReason != "older than max_age" {
		t.Fatalf("dead letters: %+v, %v; want b then a", dls, err)
	}
	if l, _ := s.OutboxLen(ctx, "w"); l != 0 {
		t.Fatalf("queue length %d, want 0", l)
	}
}
