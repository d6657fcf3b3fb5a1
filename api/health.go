package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/store"
)

// readyTimeout bounds the readiness checks, so that a hung Redis makes
// /readyz answer 503 rather than hang the orchestrator's probe.
const readyTimeout = 2 * time.Second

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

// readyz answers readiness: Redis answers a ping and the extra checks pass.
// The reasons shown are fixed phrases: /readyz needs no token, so the real
// errors (addresses, timeouts) go to the log only.
func readyz(s *store.Store, ready func(context.Context) error, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "check", "redis", "err", err)
			c.JSON(http.StatusServiceUnavailable, healthStatus{Status: "unavailable", Reason: "redis unreachable"})
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
