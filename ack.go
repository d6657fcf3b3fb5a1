package sharpeyes

import "time"

// Ack is an operator's acknowledgement of a camera's current outage or
// degradation: someone is on it. It applies to one episode of a state (the
// state and its Since), so a camera that recovers and fails again is not
// acknowledged until someone says so again.
type Ack struct {
	CameraID string    `json:"camera_id"`
	State    State     `json:"state"`
	Since    time.Time `json:"since"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Comment  string    `json:"comment,omitempty"`
}

// MaxAckComment bounds an acknowledgement's comment, in characters.
const MaxAckComment = 500

// Acknowledgeable reports whether a camera in status st has something to
// acknowledge: it is down or degraded.
func Acknowledgeable(st Status) bool {
	return st.State == StateDown || st.State == StateDegraded
}

// Covers reports whether the acknowledgement still applies to status st:
// the same down or degraded episode it was given for.
func (a Ack) Covers(st Status) bool {
	return Acknowledgeable(st) && st.State == a.State && st.Since.Equal(a.Since)
}
