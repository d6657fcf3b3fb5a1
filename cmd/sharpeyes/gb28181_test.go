package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// serve with gb28181.enabled runs the SIP server: a device played by sipp
// registers with Digest and the API lists it registered and online.
func TestServeRunsGB28181ServerWhenEnabled(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("sipp not found (apt-get install sip-tester; scripts/test.sh does)")
		}
		t.Skip("sipp not found (apt-get install sip-tester)")
	}
	rs := redistest.Start(t)
	sipAddr := freeAddr(t)
	base, logs, _ := startServe(t, []string{
		"SHARPEYES_GB28181_ENABLED=true", "SHARPEYES_GB28181_LISTEN=" + sipAddr,
		"SHARPEYES_GB28181_ID=43020000002000000001", "SHARPEYES_GB28181_DOMAIN=4302000000",
		"SHARPEYES_GB28181_PASSWORD=device-pw-1",
	}, "--no-collector", "--redis", rs.URL())
	if !strings.Contains(logs.String(), "loopback only") {
		t.Errorf("no warning that devices on other hosts cannot reach the SIP server:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "device-pw-1") {
		t.Error("log shows the gb28181 password")
	}
	const id = "43020000001320000001"
	sf, _ := filepath.Abs("../../testdata/sipp/register.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, port, _ := strings.Cut(freeAddr(t), ":")
	out, err := exec.CommandContext(ctx, sipp, "-sf", sf, "-i", "127.0.0.1", "-p", port, "-m", "1",
		"-timeout", "15s", "-timeout_error", "-nostdin", "-max_retrans", "3",
		"-s", id, "-au", id, "-ap", "device-pw-1", "-key", "platform", "43020000002000000001",
		"-key", "domain", "4302000000", "-key", "expires", "3600", sipAddr).CombinedOutput()
	if err != nil {
		t.Fatalf("sipp register: %v\n%s", err, out)
	}
	var body struct {
		Items []struct {
			ID                 string
			Registered, Online bool
		} `json:"items"`
	}
	if code := getJSON(t, base+"/api/v1/gb28181/devices", &body); code != 200 {
		t.Fatalf("GET devices: %d", code)
	}
	if len(body.Items) != 1 || body.Items[0].ID != id || !body.Items[0].Registered || !body.Items[0].Online {
		t.Errorf("devices: %+v", body.Items)
	}

	// An NVR that answers the Catalog query: serve runs the passive
	// evaluator, so its channels show up through the camera API.
	const nvr, channel = "43020000001180000001", "34020000001310000001"
	hold, _ := filepath.Abs("../../testdata/sipp/register_hold.xml")
	answer, _ := filepath.Abs("../../testdata/sipp/catalog_answer.xml")
	_, port, _ = strings.Cut(freeAddr(t), ":")
	hctx, hcancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(hctx, sipp, "-sf", hold, "-oocsf", answer, "-i", "127.0.0.1", "-p", port, "-m", "1",
		"-nostdin", "-max_retrans", "3", "-s", nvr, "-au", nvr, "-ap", "device-pw-1",
		"-key", "platform", "43020000002000000001", "-key", "domain", "4302000000", "-key", "expires", "3600",
		"-key", "ch3", "ON", sipAddr)
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		hcancel()
		_ = cmd.Wait()
	}()
	var cam struct {
		Probe  string                 `json:"probe"`
		Status struct{ State string } `json:"status"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for getJSON(t, base+"/api/v1/cameras/"+channel, &cam) != 200 || cam.Status.State != "up" {
		if time.Now().After(deadline) {
			t.Fatalf("channel %s never up: %+v\n%s", channel, cam, logs.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
	if cam.Probe != "gb28181" {
		t.Errorf("channel camera probe %q", cam.Probe)
	}
}
