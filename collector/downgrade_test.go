package collector_test

import (
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/fleet"
)

const downgradePass = "Dig3st-0nly:pw"

// digestFleet starts a fleet of n RTSP cameras that ask for Digest.
func digestFleet(t *testing.T, base string, n int) *fleet.Fleet {
	t.Helper()
	return startFleet(t, fleet.Config{Cameras: n, BaseIP: base, Seed: 5, Username: "admin", Password: downgradePass,
		ProbeTimeout: fleetTimeout, ConnTimeout: 3 * time.Second})
}

// A camera that logged in with Digest and then answers on the same address
// with a Basic-only challenge is not sent the password: the collector
// remembers the scheme in the status and the probe refuses the downgrade,
// proven at the fake camera's socket.
func TestSweepNeverSendsBasicToACameraThatUsedDigest(t *testing.T) {
	r := newRig(t)
	f := digestFleet(t, "127.23.0.2", 1)
	cams := f.Cameras()
	id := cams[0].ID
	r.put(t, cams)
	c := r.collector(t, "c1", func(o *collector.Options) { o.ProbeTimeout = fleetTimeout })

	runOnce(t, r, c, t0)
	st := r.statuses(t, cams)[id]
	if st.State != sharpeyes.StateUp || st.Auth != sharpeyes.AuthDigest {
		t.Fatalf("after a Digest login: got %s %q auth %q, want up with auth digest", st.State, st.Reason, st.Auth)
	}
	before := f.AuthRequests(id)

	f.SetBasicOnly(true)
	for i := 1; i <= 2; i++ { // the memory survives a downgraded sweep
		runOnce(t, r, c, t0.Add(time.Duration(i)*time.Minute))
		st = r.statuses(t, cams)[id]
		if st.State != sharpeyes.StateDegraded || st.Reason != sharpeyes.ReasonAuthDowngrade || st.Auth != sharpeyes.AuthDigest {
			t.Errorf("sweep %d after the switch to Basic: got %s %q auth %q, want degraded %s auth digest",
				i, st.State, st.Reason, st.Auth, sharpeyes.ReasonAuthDowngrade)
		}
	}
	if got := f.AuthRequests(id); got != before {
		t.Errorf("the Basic-only camera received %d requests with Authorization, want 0", got-before)
	}
	if n := r.logs.count(downgradePass); n != 0 {
		t.Errorf("password logged %d times", n)
	}
}

// The end-to-end case of SPEC "Camera record": a camera imported with
// credentials at camera A (Digest) is re-imported with only its host
// changed, to a camera that asks for Basic. The store clears the
// credentials, so the next sweep sends no Authorization header at all.
func TestReimportToANewHostSendsNoCredentials(t *testing.T) {
	r := newRig(t)
	f := digestFleet(t, "127.23.1.2", 2) // both cameras share the fleet's port
	fc := f.Cameras()
	a, b := fc[0], fc[1]
	if a.Port != b.Port || a.Probe != sharpeyes.ProbeRTSP || b.Probe != sharpeyes.ProbeRTSP {
		t.Fatalf("want two RTSP cameras on one port, got %+v and %+v", a, b)
	}
	cam := a
	r.put(t, []sharpeyes.Camera{cam})
	c := r.collector(t, "c1", func(o *collector.Options) { o.ProbeTimeout = fleetTimeout })
	runOnce(t, r, c, t0)
	if st := r.statuses(t, []sharpeyes.Camera{cam})[cam.ID]; st.State != sharpeyes.StateUp || st.Auth != sharpeyes.AuthDigest {
		t.Fatalf("at camera A: got %s %q auth %q, want up with auth digest", st.State, st.Reason, st.Auth)
	}

	f.SetBasicOnly(true) // camera B asks for Basic, and would accept it
	moved := cam
	moved.Host, moved.Secret = b.Host, sharpeyes.Credentials{}
	res, err := r.store.PutMany(t.Context(), []sharpeyes.Camera{moved})
	if err != nil {
		t.Fatal(err)
	}
	if res.CredentialsCleared != 1 {
		t.Errorf("credentials_cleared = %d, want 1", res.CredentialsCleared)
	}
	hitsB, authA := f.Hits(b.ID), f.AuthRequests(a.ID)
	runOnce(t, r, c, t0.Add(time.Minute))
	if f.Hits(b.ID) == hitsB {
		t.Fatal("the sweep did not probe camera B")
	}
	if n := f.AuthRequests(b.ID); n != 0 {
		t.Errorf("camera B received %d requests with Authorization, want 0", n)
	}
	if n := f.AuthRequests(a.ID); n != authA {
		t.Errorf("camera A received %d more requests with Authorization after the move", n-authA)
	}
	st := r.statuses(t, []sharpeyes.Camera{cam})[cam.ID]
	if st.State != sharpeyes.StateDegraded || st.Reason != sharpeyes.ReasonRTSP401 {
		t.Errorf("at camera B without credentials: got %s %q, want degraded rtsp_401", st.State, st.Reason)
	}
}
