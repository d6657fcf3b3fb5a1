package alert

import (
	"testing"
	"time"
)

func TestRetryAtBacksOffExponentiallyWithJitterAndStopsAtExpiry(t *testing.T) {
	d := &Dispatcher{opts: Options{RetryBase: time.Second, RetryMax: time.Minute, MaxAge: time.Hour}}
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		attempts int
		lo, hi   time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{5, 8 * time.Second, 16 * time.Second},
		{7, 30 * time.Second, time.Minute}, // 64s capped at RetryMax
		{80, 30 * time.Second, time.Minute},
	}
	for _, c := range cases {
		for range 50 {
			wait := d.retryAt(now, now, c.attempts).Sub(now)
			if wait < c.lo || wait > c.hi {
				t.Fatalf("attempt %d: wait %v, want %v-%v", c.attempts, wait, c.lo, c.hi)
			}
		}
	}
	created := now.Add(-time.Hour + 10*time.Second)
	if got := d.retryAt(now, created, 10); !got.Equal(created.Add(time.Hour)) {
		t.Fatalf("near expiry: next %v, want the expiry %v for a last try", got, created.Add(time.Hour))
	}
}
