package api

import (
	"errors"
	"sync"
	"time"
)

// The brake on token guessing (SPEC "Auth"): an address that sent
// MaxBadTokens bad tokens within badTokenWindow gets 429 with Retry-After
// until the window that began with its first bad token has passed. While
// braked, every request of that address that needs a token is refused
// whatever token it carries, so that the answers say nothing about which
// guess was right; other addresses are not affected.
const (
	MaxBadTokens   = 20
	badTokenWindow = time.Minute
	// maxTracked bounds the addresses remembered; past it expired entries
	// are dropped first.
	maxTracked = 50_000
)

var errTooManyBadTokens = errors.New("too many bad tokens from this address: try again later")

type strikes struct {
	first time.Time
	n     int
}

// brake counts bad tokens per client address.
type brake struct {
	now func() time.Time
	mu  sync.Mutex
	by  map[string]*strikes
}

func newBrake(now func() time.Time) *brake {
	return &brake{now: now, by: make(map[string]*strikes)}
}

// wait returns how long addr is still braked, or 0.
func (b *brake) wait(addr string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.by[addr]
	if !ok || s.n < MaxBadTokens {
		return 0
	}
	left := s.first.Add(badTokenWindow).Sub(b.now())
	if left <= 0 {
		delete(b.by, addr)
		return 0
	}
	return left
}

// fail counts one bad token from addr.
func (b *brake) fail(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s, ok := b.by[addr]
	if ok && now.Sub(s.first) >= badTokenWindow {
		ok = false
	}
	if !ok {
		if len(b.by) >= maxTracked {
			b.prune(now)
		}
		s = &strikes{first: now}
		b.by[addr] = s
	}
	s.n++
}

// prune drops the entries whose window has passed, and everything when
// that is not enough (an attacker with that many addresses is not stopped
// by a per-address brake anyway).
func (b *brake) prune(now time.Time) {
	for k, s := range b.by {
		if now.Sub(s.first) >= badTokenWindow {
			delete(b.by, k)
		}
	}
	if len(b.by) >= maxTracked {
		clear(b.by)
	}
}
