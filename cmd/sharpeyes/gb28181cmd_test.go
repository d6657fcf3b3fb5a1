package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// `sharpeyes gb28181` as a process of its own runs the SIP server on the
// configured Redis: a simulated device registers and keeps alive, and
// SIGTERM stops it cleanly (exit 0).
func TestGB28181CommandRegistersDevicesAndStopsOnSIGTERM(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rs := redistest.Start(t)
	logs := &lockedBuffer{}
	cmd := exec.Command(exe, "gb28181", "--redis", rs.URL(), "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), asSharpeyes+"=1", "SHARPEYES_RUNTIME_DIR="+t.TempDir(),
		"SHARPEYES_GB28181_ID=43020000002000000001", "SHARPEYES_GB28181_DOMAIN=4302000000",
		"SHARPEYES_GB28181_PASSWORD=gb-cmd-secret")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	udp := regexp.MustCompile(`udp=(127\.0\.0\.1:\d+)`)
	var addr string
	await(t, 20*time.Second, "the SIP server's listening line", func() bool {
		select {
		case err := <-exited:
			t.Fatalf("gb28181 exited: %v\n%s", err, logs.String())
		default:
		}
		if m := udp.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		}
		return addr != ""
	})
	f, err := fleet.StartGB(context.Background(), fleet.GBConfig{Platform: addr, Domain: "4302000000",
		Password: "gb-cmd-secret", Devices: 1, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := store.New(rs.Client())
	id := f.IDs()[0]
	await(t, 20*time.Second, "the device registered and kept alive in Redis", func() bool {
		d, err := s.GBDevice(context.Background(), id)
		return err == nil && d.ExpiresAt.After(time.Now()) && !d.LastKeepalive.IsZero()
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("gb28181 still running 20s after SIGTERM:\n%s", logs.String())
	}
	out := logs.String()
	if !strings.Contains(out, "gb28181 device registered") || !strings.Contains(out, "stopped") {
		t.Errorf("log lacks the registration or the stop:\n%s", out)
	}
	if strings.Contains(out, "gb-cmd-secret") {
		t.Error("log shows the SIP password")
	}
}

func TestGB28181CommandNamesMissingConfig(t *testing.T) {
	rs := redistest.Start(t)
	code, _, errs := runCmd(t, nil, "gb28181", "--redis", rs.URL())
	if code != exitUsage || !strings.Contains(errs, "gb28181.id") {
		t.Fatalf("exit %d, stderr %q: want 2 naming gb28181.id", code, errs)
	}
	code, _, errs = runCmd(t, nil, "gb28181", "extra")
	if code != exitUsage || !strings.Contains(errs, "extra") {
		t.Fatalf("exit %d, stderr %q: want 2 naming the stray argument", code, errs)
	}
}
