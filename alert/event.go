// Package alert turns the collector's state changes into notifications:
// it consumes the events stream, groups and silences, decides per webhook
// what to send, queues deliveries in a Redis outbox and delivers them
// at-least-once, in order per webhook, signed, with retries and a
// dead-letter list. Several sharpeyes processes may run a Dispatcher over
// the same Redis: one of them at a time consumes the stream (a lease), and
// all of them deliver (one at a time per webhook, a lock).
//
// Everything the dispatcher must not lose lives in Redis: stream entries
// are acknowledged only once their alerts are queued, and a delivery
// leaves its queue only once the receiver took it. That survives any
// sharpeyes process dying; surviving a Redis restart needs Redis to
// persist (appendonly yes, appendfsync everysec or always), since a Redis
// restarted without its data has forgotten the queue as well.
package alert

import (
	"context"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Event types, as webhooks subscribe to them and receivers see them.
const (
	CameraDown        = sharpeyes.EventCameraDown
	CameraUp          = sharpeyes.EventCameraUp
	CameraDegraded    = sharpeyes.EventCameraDegraded
	GroupDown         = sharpeyes.EventGroupDown
	GroupUp           = sharpeyes.EventGroupUp
	CollectorIsolated = sharpeyes.EventCollectorIsolated
)

// EventTypes lists every event type a webhook may subscribe to.
var EventTypes = sharpeyes.WebhookEvents

// Event is one entry of the events stream: a camera's change of state, or
// a collector that found itself isolated (Type collector.isolated, with
// Instance, Slot, Probed and Failed).
type Event struct {
	ID       string
	Type     string
	CameraID string
	From, To sharpeyes.State
	Reason   string
	At       time.Time
	Instance string
	Slot     string
	Probed   int
	Failed   int
}

// Source is where the dispatcher reads events. The default reads the
// events stream through a Redis consumer group; tests may push their own.
type Source interface {
	// Pending returns up to count events delivered to this consumer
	// earlier but never acknowledged, after the one with id after ("0"
	// for the first). An error means nothing was read.
	Pending(ctx context.Context, after string, count int) ([]Event, error)
	// Read returns up to count new events, waiting up to block.
	Read(ctx context.Context, count int, block time.Duration) ([]Event, error)
	// Ack marks events handled, so that no consumer sees them again.
	Ack(ctx context.Context, ids ...string) error
}

// ConsumerGroup is the name of the consumer group on the events stream.
const ConsumerGroup = "alert"

// consumerName is fixed: only the holder of the consumer lease reads, and
// a new holder must see its predecessor's unacknowledged entries as its
// own pending ones.
const consumerName = "dispatcher"

// streamSource reads the events stream through the store.
type streamSource struct{ s *store.Store }

func (src streamSource) Pending(ctx context.Context, after string, count int) ([]Event, error) {
	evs, err := src.s.ReadEventGroup(ctx, ConsumerGroup, consumerName, after, count, 0)
	return fromStream(evs), err
}

func (src streamSource) Read(ctx context.Context, count int, block time.Duration) ([]Event, error) {
	evs, err := src.s.ReadEventGroup(ctx, ConsumerGroup, consumerName, "", count, block)
	return fromStream(evs), err
}

func (src streamSource) Ack(ctx context.Context, ids ...string) error {
	return src.s.AckEvents(ctx, ConsumerGroup, ids...)
}

func fromStream(in []store.StreamEvent) []Event {
	out := make([]Event, len(in))
	for i, e := range in {
		out[i] = Event{ID: e.ID, Type: e.Type, CameraID: e.CameraID,
			From: sharpeyes.State(e.From), To: sharpeyes.State(e.To), Reason: e.Reason, At: e.At,
			Instance: e.Instance, Slot: e.Slot, Probed: e.Probed, Failed: e.Failed}
	}
	return out
}
