package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/store"
)

// readyTimeout bounds the readiness checks, so that a hung Redis makes
// /readyz answer 503 rather than hang the orchestrator's probe.
const readyTimeout = 2 * time.Second

// fullWindow is how long a write refused with OOM keeps /readyz at "redis
// full" although the write probe passed.
const fullWindow = 30 * time.Second

// healthStatus is the body of /healthz and /readyz.
type healthStatus struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// healthz answers liveness: the process serves HTTP.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, healthStatus{Status: "ok"})
}

// NotReadyError is a readiness failure whose reason may be shown on the
// unauthenticated /readyz endpoint.
type NotReadyError struct{ Reason string }

// Error returns "not ready: " and the reason.
func (e *NotReadyError) Error() string { return "not ready: " + e.Reason }

// NotReady returns an error for Deps.Ready whose reason /readyz shows,
// e.g. NotReady("first sweep not finished").
func NotReady(reason string) error { return &NotReadyError{Reason: reason} }

// readyz answers readiness: Redis answers a ping, takes a write, keeps
// its keys (its maxmemory-policy evicts none), and the extra checks pass.
// The reasons shown are fixed phrases: /readyz needs no token, so the real
// errors (addresses, timeouts) go to the log only.
func readyz(s *store.Store, ready func(context.Context) error, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		defer cancel()
		if reason, err := redisReady(ctx, s); err != nil {
			log.WarnContext(ctx, "not ready", "check", "redis", "reason", reason, "err", err)
			c.JSON(http.StatusServiceUnavailable, healthStatus{Status: "unavailable", Reason: reason})
			return
		}
		if ready == nil {
			c.JSON(http.StatusOK, healthStatus{Status: "ok"})
			return
		}
		if err := ready(ctx); err != nil {
			reason := "not ready"
			var nr *NotReadyError
			if errors.As(err, &nr) {
				reason = nr.Reason
			}
			log.WarnContext(ctx, "not ready", "err", err)
			c.JSON(http.StatusServiceUnavailable, healthStatus{Status: "unavailable", Reason: reason})
			return
		}
		c.JSON(http.StatusOK, healthStatus{Status: "ok"})
	}
}

// redisReady checks Redis for readiness and returns the reason to show
// when it is not ready. A policy that cannot be read (CONFIG and INFO
// refused) does not make it unready: start-up warned about it.
func redisReady(ctx context.Context, s *store.Store) (reason string, err error) {
	if err := s.Ping(ctx); err != nil {
		return "redis unreachable", err
	}
	if err := s.ProbeWrite(ctx); err != nil {
		switch {
		case errors.Is(err, store.ErrFull):
			return "redis full", err
		case errors.Is(err, store.ErrUnavailable):
			return "redis unreachable", err
		}
		return "redis refuses writes", err
	}
	if s.RecentlyFull(fullWindow) {
		return "redis full", errors.New("redis refused a write with OOM within " + fullWindow.String())
	}
	err = s.CheckEviction(ctx)
	var ev *store.EvictionError
	switch {
	case errors.As(err, &ev):
		return fmt.Sprintf("redis may evict keys (maxmemory-policy %s)", ev.Policy), err
	case errors.Is(err, store.ErrUnavailable):
		return "redis unreachable", err
	}
	return "", nil
}
