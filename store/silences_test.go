package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestSilencesKeepExpiredOnesUntilTrimmed(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	old := sharpeyes.Silence{ID: "old", Region: "荷塘区", Start: t0.Add(-48 * time.Hour), End: t0.Add(-24 * time.Hour)}
	cur := sharpeyes.Silence{ID: "cur", CameraID: "cam1", Start: t0, End: t0.Add(time.Hour), Author: "ops"}
	for _, sl := range []sharpeyes.Silence{cur, old} {
		if err := s.CreateSilence(ctx, sl); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSilence(ctx, cur); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
	all, err := s.Silences(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "old" || all[1].ID != "cur" || all[1].Author != "ops" {
		t.Fatalf("silences: got %+v, want old then cur", all)
	}
	n, err := s.TrimSilences(ctx, t0.Add(-time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("trim: got %d, %v; want 1 removed", n, err)
	}
	if _, err := s.Silence(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("trimmed silence: got %v, want ErrNotFound", err)
	}
}

func TestPutSilenceEndsOneButNeverRevivesADeletedOne(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	sl := sharpeyes.Silence{ID: "a", Uplink: "SW-1", Start: t0, End: t0.Add(time.Hour)}
	if err := s.CreateSilence(ctx, sl); err != nil {
		t.Fatal(err)
	}
	sl.End = t0.Add(time.Minute)
	if err := s.PutSilence(ctx, sl); err != nil {
		t.Fatal(err)
	}
	got, err := s.Silence(ctx, "a")
	if err != nil || !got.End.Equal(sl.End) {
		t.Fatalf("after put: %+v, %v; want end %v", got, err, sl.End)
	}
	if err := s.DeleteSilence(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSilence(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: got %v, want ErrNotFound", err)
	}
	if err := s.PutSilence(ctx, sl); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("put after delete: got %v, want ErrNotFound", err)
	}
}

func TestConcurrentSilenceCreatesNeverPassTheCap(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	ended := sharpeyes.Silence{ID: "ended", Region: "荷塘区", Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}
	if err := s.CreateSilence(ctx, ended); err != nil {
		t.Fatal(err)
	}
	const limit, tries = 5, 20
	errs := make(chan error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Go(func() {
			sl := sharpeyes.Silence{ID: fmt.Sprintf("s%02d", i), CameraID: "cam1", Start: now, End: now.Add(time.Hour)}
			errs <- s.CreateSilenceLimited(ctx, sl, now, limit)
		})
	}
	wg.Wait()
	close(errs)
	created := 0
	for err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, store.ErrLimit):
			t.Errorf("create: %v, want nil or ErrLimit", err)
		}
	}
	if created != limit {
		t.Errorf("%d silences created under a cap of %d (the ended one does not count)", created, limit)
	}
	if err := s.CreateSilenceLimited(ctx, ended, now, limit); !errors.Is(err, store.ErrExists) {
		t.Errorf("taken id: got %v, want ErrExists", err)
	}
}
