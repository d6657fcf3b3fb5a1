package collector_test

import (
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

const (
	up, degraded, down, unknown = sharpeyes.StateUp, sharpeyes.StateDegraded, sharpeyes.StateDown, sharpeyes.StateUnknown
)

var (
	since = time.Date(2025, 11, 20, 8, 0, 0, 0, time.UTC)
	now   = time.Date(2025, 11, 26, 8, 0, 0, 0, time.UTC)
)

func st(state sharpeyes.State, reason string, failures, successes int) sharpeyes.Status {
	return sharpeyes.Status{State: state, Reason: reason, Since: since, ConsecutiveFailures: failures,
		ConsecutiveSuccesses: successes, Seq: 7}
}

func res(state sharpeyes.State, reason string) probe.Result {
	return probe.Result{State: state, Reason: reason, Latency: 12 * time.Millisecond}
}

func TestNextCoversEveryTransition(t *testing.T) {
	ok, bad, auth := res(up, ""), res(down, sharpeyes.ReasonTimeout), res(degraded, sharpeyes.ReasonRTSP401)
	refused := res(down, sharpeyes.ReasonRefused)
	th := func(f, r int) collector.Thresholds { return collector.Thresholds{Failure: f, Recovery: r} }
	tests := []struct {
		name   string
		th     collector.Thresholds
		prev   sharpeyes.Status
		r      probe.Result
		want   sharpeyes.Status // State, Reason, failures, successes
		change bool             // a state change: Since = now and an event
	}{
		{"never probed up", th(2, 1), sharpeyes.Status{}, ok, st(up, "", 0, 0), true},
		{"unknown up", th(2, 1), st(unknown, "", 0, 0), ok, st(up, "", 0, 0), true},
		{"unknown degraded", th(2, 1), st(unknown, "", 0, 0), auth, st(degraded, "rtsp_401", 0, 0), true},
		{"unknown fails, threshold 1", th(1, 1), st(unknown, "", 0, 0), bad, st(down, "timeout", 1, 0), true},
		{"unknown fails once, threshold 2", th(2, 1), st(unknown, "", 0, 0), bad, st(unknown, "timeout", 1, 0), false},
		{"unknown fails twice, threshold 2", th(2, 1), st(unknown, "timeout", 1, 0), bad, st(down, "timeout", 2, 0), true},
		{"unknown fails twice, threshold 3", th(3, 1), st(unknown, "timeout", 1, 0), bad, st(unknown, "timeout", 2, 0), false},
		{"unknown fails thrice, threshold 3", th(3, 1), st(unknown, "timeout", 2, 0), refused, st(down, "refused", 3, 0), true},
		{"unknown after a failure answers", th(2, 1), st(unknown, "timeout", 1, 0), ok, st(up, "", 0, 0), true},
		{"up stays up", th(2, 1), st(up, "", 0, 0), ok, st(up, "", 0, 0), false},
		{"up fails, threshold 1", th(1, 1), st(up, "", 0, 0), bad, st(down, "timeout", 1, 0), true},
		{"up fails once, threshold 2", th(2, 1), st(up, "", 0, 0), bad, st(up, "timeout", 1, 0), false},
		{"up fails twice, threshold 2", th(2, 1), st(up, "timeout", 1, 0), bad, st(down, "timeout", 2, 0), true},
		{"up fails twice, threshold 3", th(3, 1), st(up, "timeout", 1, 0), bad, st(up, "timeout", 2, 0), false},
		{"up fails thrice, threshold 3", th(3, 2), st(up, "timeout", 2, 0), bad, st(down, "timeout", 3, 0), true},
		{"up after one failure recovers the count", th(2, 1), st(up, "timeout", 1, 0), ok, st(up, "", 0, 0), false},
		{"up turns degraded at once", th(3, 2), st(up, "", 0, 0), auth, st(degraded, "rtsp_401", 0, 0), true},
		{"up with a failure turns degraded", th(2, 1), st(up, "timeout", 1, 0), auth, st(degraded, "rtsp_401", 0, 0), true},
		{"degraded stays degraded", th(2, 1), st(degraded, "rtsp_401", 0, 0), res(degraded, "rtsp_404"), st(degraded, "rtsp_404", 0, 0), false},
		{"degraded turns up", th(2, 2), st(degraded, "rtsp_401", 0, 0), ok, st(up, "", 0, 0), true},
		{"degraded fails once, threshold 2", th(2, 1), st(degraded, "rtsp_401", 0, 0), bad, st(degraded, "timeout", 1, 0), false},
		{"degraded fails twice, threshold 2", th(2, 1), st(degraded, "timeout", 1, 0), bad, st(down, "timeout", 2, 0), true},
		{"degraded fails, threshold 1", th(1, 1), st(degraded, "rtsp_401", 0, 0), bad, st(down, "timeout", 1, 0), true},
		{"down keeps failing, reason kept", th(2, 1), st(down, "timeout", 2, 0), refused, st(down, "timeout", 3, 0), false},
		{"down recovers, recovery 1", th(2, 1), st(down, "timeout", 5, 0), ok, st(up, "", 0, 0), true},
		{"down answers once, recovery 2", th(2, 2), st(down, "timeout", 5, 0), ok, st(down, "timeout", 0, 1), false},
		{"down answers twice, recovery 2", th(2, 2), st(down, "timeout", 0, 1), ok, st(up, "", 0, 0), true},
		{"down answer then failure, recovery 2", th(2, 2), st(down, "timeout", 0, 1), refused, st(down, "timeout", 1, 0), false},
		{"down answers degraded, recovery 1", th(2, 1), st(down, "timeout", 3, 0), auth, st(degraded, "rtsp_401", 0, 0), true},
		{"down answers degraded once, recovery 2", th(3, 2), st(down, "timeout", 3, 0), auth, st(down, "timeout", 0, 1), false},
		{"down answers degraded twice, recovery 2", th(3, 2), st(down, "timeout", 0, 1), auth, st(degraded, "rtsp_401", 0, 0), true},
		{"zero thresholds mean 2 and 1: one failure", th(0, 0), st(up, "", 0, 0), bad, st(up, "timeout", 1, 0), false},
		{"zero thresholds mean 2 and 1: recovery", th(0, 0), st(down, "timeout", 2, 0), ok, st(up, "", 0, 0), true},
		{"no verdict changes nothing", th(1, 1), st(up, "", 0, 0), res(unknown, ""), st(up, "", 0, 0), false},
		{"no verdict while down", th(1, 1), st(down, "timeout", 1, 0), res("", ""), st(down, "timeout", 1, 0), false},
		{"never probed, the probe could not run: unknown says why", th(2, 1), sharpeyes.Status{},
			res(unknown, probe.ReasonProbeError), st(unknown, probe.ReasonProbeError, 0, 0), false},
		{"unknown, the probe could not run", th(2, 1), st(unknown, "timeout", 1, 0),
			res(unknown, probe.ReasonProbeError), st(unknown, probe.ReasonProbeError, 1, 0), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ev := collector.Next(tc.prev, tc.r, now, tc.th)
			if got.State != tc.want.State || got.Reason != tc.want.Reason ||
				got.ConsecutiveFailures != tc.want.ConsecutiveFailures || got.ConsecutiveSuccesses != tc.want.ConsecutiveSuccesses {
				t.Fatalf("got %s %q failures %d successes %d; want %s %q failures %d successes %d",
					got.State, got.Reason, got.ConsecutiveFailures, got.ConsecutiveSuccesses,
					tc.want.State, tc.want.Reason, tc.want.ConsecutiveFailures, tc.want.ConsecutiveSuccesses)
			}
			if !got.LastProbe.Equal(now) || got.LatencyMS != 12 || got.Seq != tc.prev.Seq {
				t.Errorf("last probe %v latency %v seq %d; want %v, 12, %d", got.LastProbe, got.LatencyMS, got.Seq, now, tc.prev.Seq)
			}
			checkChange(t, tc.prev, got, ev, tc.change)
		})
	}
}

func checkChange(t *testing.T, prev, got sharpeyes.Status, ev *sharpeyes.Event, change bool) {
	t.Helper()
	if !change {
		if ev != nil {
			t.Errorf("unexpected event %+v", ev)
		}
		if !got.Since.Equal(prev.Since) {
			t.Errorf("since moved to %v without a state change", got.Since)
		}
		return
	}
	from := prev.State
	if from == "" {
		from = unknown
	}
	if ev == nil {
		t.Fatalf("no event for %s -> %s", from, got.State)
	}
	want := sharpeyes.Event{From: from, To: got.State, Reason: got.Reason, At: now}
	if *ev != want {
		t.Errorf("event %+v, want %+v", *ev, want)
	}
	if !got.Since.Equal(now) {
		t.Errorf("since %v, want %v", got.Since, now)
	}
}

func TestNextAlwaysTakesClockOffset(t *testing.T) {
	off := 90 * time.Second
	r := res(degraded, sharpeyes.ReasonClockDrift)
	r.ClockOffset = &off
	got, _ := collector.Next(st(up, "", 0, 0), r, now, collector.Thresholds{})
	if got.ClockOffsetS == nil || *got.ClockOffsetS != 90 {
		t.Fatalf("clock offset %v, want 90", got.ClockOffsetS)
	}
	got, _ = collector.Next(got, res(up, ""), now, collector.Thresholds{})
	if got.ClockOffsetS != nil {
		t.Fatalf("clock offset %v kept from a probe without one", *got.ClockOffsetS)
	}
}

func TestNextKeepsTheLastLoginScheme(t *testing.T) {
	login := func(state sharpeyes.State, reason, auth string) probe.Result {
		r := res(state, reason)
		r.Auth = auth
		return r
	}
	tests := []struct {
		name string
		prev string
		r    probe.Result
		want string
	}{
		{"digest login is learnt", "", login(up, "", sharpeyes.AuthDigest), sharpeyes.AuthDigest},
		{"downgrade keeps digest", sharpeyes.AuthDigest, login(degraded, sharpeyes.ReasonAuthDowngrade, ""), sharpeyes.AuthDigest},
		{"timeout keeps digest", sharpeyes.AuthDigest, login(down, sharpeyes.ReasonTimeout, ""), sharpeyes.AuthDigest},
		{"refused credentials keep digest", sharpeyes.AuthDigest, login(degraded, sharpeyes.ReasonRTSP401, ""), sharpeyes.AuthDigest},
		{"a digest login upgrades basic", sharpeyes.AuthBasic, login(up, "", sharpeyes.AuthDigest), sharpeyes.AuthDigest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := st(up, "", 0, 0)
			prev.Auth = tt.prev
			got, _ := collector.Next(prev, tt.r, now, collector.Thresholds{})
			if got.Auth != tt.want {
				t.Errorf("auth %q, want %q", got.Auth, tt.want)
			}
		})
	}
}
