package sharpeyes

import "time"

// Silence is a maintenance window: events of the cameras it matches are
// recorded but not sent, and their downtime does not count against
// availability. Empty matcher fields match everything; at least one must be
// set.
type Silence struct {
	ID         string    `json:"id"`
	CameraID   string    `json:"camera_id,omitempty"`
	Region     string    `json:"region,omitempty"` // prefix
	Uplink     string    `json:"uplink,omitempty"`
	Maintainer string    `json:"maintainer,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Comment    string    `json:"comment,omitempty"`
	Author     string    `json:"author,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Filter returns the silence's matchers other than CameraID as the camera
// Filter that lists, reports and webhooks use.
func (s Silence) Filter() Filter {
	return Filter{Region: s.Region, Uplink: s.Uplink, Maintainer: s.Maintainer}
}

// Matches reports whether the silence covers camera c (at any time; see
// ActiveAt for the window). A silence without matchers covers nothing.
func (s Silence) Matches(c *Camera) bool {
	f := s.Filter()
	if s.CameraID == "" && f == (Filter{}) {
		return false
	}
	return (s.CameraID == "" || s.CameraID == c.ID) && f.Match(c)
}

// ActiveAt reports whether t lies in [Start, End).
func (s Silence) ActiveAt(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// LifecycleChange records that a camera moved from one lifecycle to another
// (From is empty when the camera was created). Reports use these to count
// only the time a camera was active.
type LifecycleChange struct {
	CameraID string    `json:"camera_id"`
	From     Lifecycle `json:"from,omitempty"`
	To       Lifecycle `json:"to"`
	At       time.Time `json:"at"`
}
