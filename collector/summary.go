package collector

import (
	"sync/atomic"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Summary is what one collector did in one sweep: the part recorded in the
// store (merged there with the other replicas' parts) plus counters for
// logs and metrics.
type Summary struct {
	store.SweepSummary
	// Group is the schedule group ("" for the default schedule and RunOnce).
	Group string `json:"group,omitempty"`
	// Shards is how many shards this collector probed.
	Shards int `json:"shards"`
	// Written is how many statuses it wrote; Events how many state changes
	// among them.
	Written int `json:"written"`
	Events  int `json:"events"`
	// Conflicts counts writes that found the status changed since it was
	// read (re-applied once, else dropped).
	Conflicts int `json:"conflicts"`
	// Dropped counts results not written: the sweep was cancelled, the
	// shard's lease was lost, or Redis stayed unavailable until the
	// deadline.
	Dropped int `json:"dropped"`
}

// tally accumulates a Summary from the writer and the shard goroutines.
type tally struct {
	sum     Summary
	dropped atomic.Int64 // from shard goroutines
}

// count adds one camera's result and the state this collector concluded.
func (t *tally) count(reason string, failed bool, st sharpeyes.State) {
	s := &t.sum
	s.Probed++
	if failed {
		s.Failed++
	}
	if reason != "" {
		if s.ByReason == nil {
			s.ByReason = make(map[string]int)
		}
		s.ByReason[reason]++
	}
	switch st {
	case sharpeyes.StateUp:
		s.Up++
	case sharpeyes.StateDegraded:
		s.Degraded++
	case sharpeyes.StateDown:
		s.Down++
	default:
		s.Unknown++
	}
}

// result returns the final summary.
func (t *tally) result() Summary {
	s := t.sum
	s.Dropped += int(t.dropped.Load())
	s.DurationS = s.End.Sub(s.Start).Seconds()
	return s
}
