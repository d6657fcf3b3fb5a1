package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/gb28181"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// `sharpeyes fleet --gb-devices N` runs N GB/T 28181 devices against a
// platform: they register with the platform's password, except those
// --gb-mix gives a wrong one.
func TestFleetCommandRunsGBDevicesAgainstAPlatform(t *testing.T) {
	st := store.New(redistest.Start(t).Client())
	srv, err := gb28181.Start(gb28181.Options{Store: st, Listen: "127.0.0.1:0", ID: "43020000002000000001",
		Domain: "4302000000", Password: "fleet-gb-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- runEnv(ctx, testEnv(&out, &errb, withRuntimeDir(t, nil)), []string{"fleet", "--cameras", "0",
			"--gb-devices", "4", "--gb-channels", "3", "--gb-platform", srv.Addr(), "--gb-password", "fleet-gb-pw",
			"--gb-keepalive", "1s", "--gb-mix", "wrong_password=1"})
	}()
	var devs []store.GBDevice
	await(t, 20*time.Second, "three devices registered and kept alive", func() bool {
		select {
		case code := <-done:
			t.Fatalf("fleet exited %d:\n%s", code, errb.String())
		default:
		}
		devs, err = st.GBDevices(context.Background())
		if err != nil || len(devs) != 3 {
			return false
		}
		for _, d := range devs {
			if d.LastKeepalive.IsZero() {
				return false
			}
		}
		return true
	})
	if !strings.Contains(out.String(), "4 GB/T 28181 devices") {
		t.Errorf("stdout: %q", out.String())
	}
	if strings.Contains(out.String()+errb.String(), "fleet-gb-pw") {
		t.Error("output shows the SIP password")
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("fleet exited %d:\n%s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fleet did not stop")
	}
	reg := gb28181.Registry{Store: st}
	list, err := reg.Devices(context.Background())
	if err != nil || len(list) != 3 {
		t.Fatalf("registry: %v, %d devices", err, len(list))
	}
}

func TestFleetCommandGBFlagsNameTheBadOne(t *testing.T) {
	cases := []struct{ args, want string }{
		{"--gb-devices 2", "--gb-platform"},
		{"--gb-devices 2 --gb-platform 127.0.0.1:5060", "--gb-password"},
		{"--gb-devices 2 --gb-platform 127.0.0.1:5060 --gb-password x --gb-mix sulk=1", "sulk"},
		{"--cameras 0", "--cameras"},
	}
	for _, tc := range cases {
		code, _, errs := runCmd(t, nil, append([]string{"fleet"}, strings.Fields(tc.args)...)...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q: want 2 naming %s", tc.args, code, errs, tc.want)
		}
	}
}
