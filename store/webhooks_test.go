package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestWebhookSecretIsStoredApartAndReturnedToTheDispatcher(t *testing.T) {
	ctx := context.Background()
	srv := redistest.StartTarget(t)
	s := store.New(srv.Client())
	w := sharpeyes.Webhook{ID: "w1", URL: "https://oapi.dingtalk.com/robot/send?access_token=tok", Format: "dingtalk",
		Secret: "SECtopsecret", Events: []string{"camera.down"}, MinDuration: time.Minute}
	if err := s.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebhook(ctx, w); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
	raw, err := srv.Client().HGet(ctx, "se:{al}:webhooks", "w1").Result()
	if err != nil || strings.Contains(raw, "SECtopsecret") {
		t.Fatalf("stored webhook JSON %q (%v) must not hold the secret", raw, err)
	}
	got, err := s.Webhook(ctx, "w1")
	if err != nil || got.Secret != "SECtopsecret" || got.MinDuration != time.Minute {
		t.Fatalf("webhook: %+v, %v; want the secret and min duration back", got, err)
	}
	all, err := s.Webhooks(ctx)
	if err != nil || len(all) != 1 || all[0].Secret != "SECtopsecret" {
		t.Fatalf("webhooks: %+v, %v", all, err)
	}
}

func TestDeleteWebhookDropsItsQueue(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateWebhook(ctx, sharpeyes.Webhook{ID: "w1", URL: "http://127.0.0.1:1/", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := s.Enqueue(ctx, []store.Delivery{{Key: "k1", Webhook: "w1", CreatedAt: now}}, now, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, "w1"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.OutboxLen(ctx, "w1"); err != nil || n != 0 {
		t.Fatalf("queue after delete: %d, %v; want 0", n, err)
	}
	if due, err := s.DueWebhooks(ctx, now.Add(time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("due after delete: %v, %v; want none", due, err)
	}
	if _, err := s.Webhook(ctx, "w1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get after delete: %v, want ErrNotFound", err)
	}
	if err := s.DeleteWebhook(ctx, "w1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
}
