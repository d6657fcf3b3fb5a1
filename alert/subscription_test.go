package alert_test

import (
	"maps"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// TestSubscribingToEitherResolutionSendsBoth pins what a webhook's events
// mean for resolutions: the down kinds it lists choose what opens an
// alert; listing either resolution (camera.up or group.up) gets both, so
// that no down it received stays open; listing neither gets none (a
// ticket system that closes by hand).
func TestSubscribingToEitherResolutionSendsBoth(t *testing.T) {
	h := newHarness(t)
	lone := h.cameras("独立", 1, "SW-独立", "荷塘区/月塘街道", "")
	crowd := h.cameras("成群", 5, "SW-成群", "荷塘区/宋家桥街道", "")
	cases := []struct {
		name   string
		events []string
		want   map[string]int
	}{
		{"all events (none listed)", nil,
			map[string]int{alert.CameraDown: 1, alert.GroupDown: 1, alert.CameraUp: 1, alert.GroupUp: 1}},
		{"downs and group.up", []string{alert.CameraDown, alert.GroupDown, alert.GroupUp},
			map[string]int{alert.CameraDown: 1, alert.GroupDown: 1, alert.CameraUp: 1, alert.GroupUp: 1}},
		{"downs and camera.up", []string{alert.CameraDown, alert.GroupDown, alert.CameraUp},
			map[string]int{alert.CameraDown: 1, alert.GroupDown: 1, alert.CameraUp: 1, alert.GroupUp: 1}},
		{"downs only", []string{alert.CameraDown, alert.GroupDown},
			map[string]int{alert.CameraDown: 1, alert.GroupDown: 1}},
		{"camera.down only", []string{alert.CameraDown},
			map[string]int{alert.CameraDown: 6}},
	}
	hooks := make([]alert.Webhook, len(cases))
	receivers := make([]*receiver, len(cases))
	ids := make([]string, len(cases))
	for i, tc := range cases {
		receivers[i] = newReceiver(t)
		ids[i] = string(rune('a' + i))
		hooks[i] = jsonHook(ids[i], receivers[i].URL)
		hooks[i].Events = tc.events
	}
	h.run(h.dispatcher(h.options(hooks...)))

	at := time.Now().UTC()
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, at, append(crowd, lone...)...)
	waitFor(t, "the downs handled", func() bool { return h.idle(ids...) })
	h.setState(sharpeyes.StateUp, "", at.Add(5*time.Minute), append(crowd, lone...)...)
	waitFor(t, "the ups handled", func() bool { return h.idle(ids...) })
	for i, tc := range cases {
		if got := receivers[i].byType(); !maps.Equal(got, tc.want) {
			t.Errorf("%s: events %v got %v, want %v", tc.name, tc.events, got, tc.want)
		}
	}
}
