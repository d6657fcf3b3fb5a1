package main

import (
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// `serve --demo` runs the GB/T 28181 SIP server on a loopback port and a
// few simulated devices that register with it: the API lists them.
func TestServeDemoShowsRegisteredGBDevices(t *testing.T) {
	rs := redistest.Start(t)
	base, logs, stop := startServe(t, nil, "--demo", "10", "--no-collector", "--redis", rs.URL())
	type device struct {
		ID                 string
		Registered, Online bool
		LastKeepalive      *time.Time `json:"last_keepalive"`
	}
	var body struct{ Items []device }
	// One demo device sends no keepalives: online until keepalive_timeout.
	await(t, 30*time.Second, "5 demo GB/T 28181 devices registered, 4 kept alive", func() bool {
		if code := getJSON(t, base+"/api/v1/gb28181/devices", &body); code != 200 {
			t.Fatalf("GET devices: %d", code)
		}
		online, kept := 0, 0
		for _, d := range body.Items {
			if d.Registered && d.Online {
				online++
			}
			if d.LastKeepalive != nil {
				kept++
			}
		}
		return online == demoGBDevices && kept == demoGBDevices-1
	})
	if !strings.Contains(logs.String(), "demo GB/T 28181 devices") {
		t.Errorf("no log line about the demo devices:\n%s", logs.String())
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
}
