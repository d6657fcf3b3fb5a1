package collector_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/store"
)

// Cameras are probed with their stored credentials, right or wrong, and
// neither password reaches the log or anything written to Redis.
func TestCredentialsAreUsedAndNeverLeak(t *testing.T) {
	const right, wrong = "s3cret:pw", "Wr0ng-Passw0rd"
	r := newRig(t)
	f := startFleet(t, fleet.Config{Cameras: 40, Seed: 3, Username: "admin", Password: right,
		ProbeTimeout: fleetTimeout})
	cams := f.Cameras()
	wrongIDs := map[string]bool{}
	for i := range cams {
		if i%4 == 0 && cams[i].Probe == sharpeyes.ProbeRTSP {
			cams[i].Secret.Password = wrong
			wrongIDs[cams[i].ID] = true
		}
	}
	if len(wrongIDs) == 0 {
		t.Fatal("no RTSP camera to give a wrong password")
	}
	r.put(t, cams)
	c := r.collector(t, "c1", func(o *collector.Options) { o.ProbeTimeout = fleetTimeout })
	runOnce(t, r, c, t0)

	for id, s := range r.statuses(t, cams) {
		want, reason := sharpeyes.StateUp, ""
		if wrongIDs[id] {
			want, reason = sharpeyes.StateDegraded, sharpeyes.ReasonRTSP401
		}
		if s.State != want || s.Reason != reason {
			t.Errorf("%s: got %s %q, want %s %q", id, s.State, s.Reason, want, reason)
		}
	}
	ctx := context.Background()
	var written strings.Builder
	for _, key := range append(store.AllPartitionKeys("status"), "se:{st}:sweep") {
		for k, v := range r.redis.Client().HGetAll(ctx, key).Val() {
			written.WriteString(k + "=" + v + "\n")
		}
	}
	for _, e := range r.redis.Client().XRange(ctx, "se:{st}:events", "-", "+").Val() {
		for k, v := range e.Values {
			written.WriteString(k + "=" + v.(string) + "\n")
		}
	}
	for _, secret := range []string{right, wrong} {
		if strings.Contains(r.logs.all(), secret) {
			t.Errorf("password %q appears in the log", secret)
		}
		if strings.Contains(written.String(), secret) {
			t.Errorf("password %q appears in status or events", secret)
		}
	}
}
