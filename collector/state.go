package collector

import (
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// Defaults of Thresholds (SPEC "Status").
const (
	DefaultFailureThreshold  = 2
	DefaultRecoveryThreshold = 1
)

// Thresholds say how many consecutive sweeps it takes to change state.
type Thresholds struct {
	// Failure is how many failed probes in a row turn a camera down
	// (default 2).
	Failure int
	// Recovery is how many good probes in a row bring a down camera back
	// (default 1).
	Recovery int
}

func (th Thresholds) withDefaults() Thresholds {
	if th.Failure <= 0 {
		th.Failure = DefaultFailureThreshold
	}
	if th.Recovery <= 0 {
		th.Recovery = DefaultRecoveryThreshold
	}
	return th
}

// Next is the up/down state machine: it returns the status that follows
// prev after the probe result r at time now, and the event when the state
// changes (nil otherwise; the caller sets its CameraID). Thresholds below
// 1 take their defaults.
//
//   - A failure (r.State down) counts in ConsecutiveFailures; the camera
//     turns down once the count reaches th.Failure (from any state,
//     unknown included); before that it keeps its state.
//   - A success (up or degraded) resets ConsecutiveFailures. A down camera
//     counts ConsecutiveSuccesses and turns r.State after th.Recovery of
//     them; any other camera takes r.State at once (a degraded device
//     answers, so degraded needs no threshold).
//   - A result with no verdict (unknown) changes nothing but the probe
//     fields, and the reason of a camera that is unknown itself.
//
// Since changes only with the state. LastProbe, LatencyMS and ClockOffsetS
// always follow the result. Auth follows a result that logged in and is
// kept otherwise, so that one refused or failed probe does not forget that
// a camera speaks Digest (the caller sets AuthAddr with it). Reason is the result's, except that a down
// camera keeps the reason it went down for until it recovers, so that its
// outage and its status agree.
func Next(prev sharpeyes.Status, r probe.Result, now time.Time, th Thresholds) (sharpeyes.Status, *sharpeyes.Event) {
	th = th.withDefaults()
	if prev.State == "" {
		prev.State = sharpeyes.StateUnknown
	}
	next := prev
	next.LastProbe = now
	next.LatencyMS = float64(r.Latency) / float64(time.Millisecond)
	next.ClockOffsetS = nil
	if r.ClockOffset != nil {
		s := r.ClockOffset.Seconds()
		next.ClockOffsetS = &s
	}
	if r.Auth != "" {
		next.Auth = r.Auth
	}
	switch r.State {
	case sharpeyes.StateDown:
		next.ConsecutiveFailures++
		next.ConsecutiveSuccesses = 0
		if prev.State == sharpeyes.StateDown {
			return next, nil
		}
		next.Reason = r.Reason
		if next.ConsecutiveFailures >= th.Failure {
			return become(prev, next, sharpeyes.StateDown, now)
		}
		return next, nil
	case sharpeyes.StateUp, sharpeyes.StateDegraded:
		next.ConsecutiveFailures = 0
		if prev.State == sharpeyes.StateDown {
			next.ConsecutiveSuccesses++
			if next.ConsecutiveSuccesses < th.Recovery {
				return next, nil
			}
		}
		next.ConsecutiveSuccesses = 0
		next.Reason = r.Reason
		if prev.State == r.State {
			return next, nil
		}
		return become(prev, next, r.State, now)
	}
	if prev.State == sharpeyes.StateUnknown && r.Reason != "" {
		// A camera with no verdict yet says why it has none (probe_error:
		// its target cannot be probed) instead of an empty reason.
		next.Reason = r.Reason
	}
	return next, nil
}

// become moves next into state at now and returns the event.
func become(prev, next sharpeyes.Status, state sharpeyes.State, now time.Time) (sharpeyes.Status, *sharpeyes.Event) {
	next.State = state
	next.Since = now
	return next, &sharpeyes.Event{From: prev.State, To: state, Reason: next.Reason, At: now}
}
