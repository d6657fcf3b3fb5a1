package main

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// hostAddr returns an IPv4 address of this host outside 127.0.0.0/8, or
// skips the test when there is none.
func hostAddr(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address to try")
	return ""
}

// assertLoopbackOnly dials port at a loopback camera address (accepted)
// and at this host's address on another interface (refused).
func assertLoopbackOnly(t *testing.T, camHost, other string, port int) {
	t.Helper()
	c, err := net.DialTimeout("tcp4", net.JoinHostPort(camHost, strconv.Itoa(port)), 2*time.Second)
	if err != nil {
		t.Errorf("dial camera %s:%d: %v", camHost, port, err)
	} else {
		c.Close()
	}
	c, err = net.DialTimeout("tcp4", net.JoinHostPort(other, strconv.Itoa(port)), 2*time.Second)
	if c != nil {
		c.Close()
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial %s:%d from another interface: %v, want connection refused", other, port, err)
	}
}

// `sharpeyes fleet` serves its cameras on loopback only, unless --bind all.
func TestFleetCommandListensOnLoopbackOnly(t *testing.T) {
	other := hostAddr(t)
	if code, _, stderr := runCmd(t, nil, "fleet", "--bind", "everywhere"); code != exitUsage {
		t.Errorf("--bind everywhere: exit %d, want %d (usage)\n%s", code, exitUsage, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- runEnv(ctx, testEnv(&out, &errb, withRuntimeDir(t, nil)),
			[]string{"fleet", "--cameras", "3", "--base-ip", "127.25.0.2", "--kind", "rtsp"})
	}()
	ports := regexp.MustCompile(`rtsp :(\d+) onvif :(\d+) tcp :(\d+) http :(\d+); control http://127\.0\.0\.1:`)
	var m []string
	await(t, 10*time.Second, "the fleet to print its ports", func() bool {
		m = ports.FindStringSubmatch(out.String())
		return m != nil
	})
	for _, s := range m[1:] {
		port, _ := strconv.Atoi(s)
		assertLoopbackOnly(t, "127.25.0.2", other, port)
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
}

// `serve --demo` runs its fleet on loopback only.
func TestServeDemoFleetListensOnLoopbackOnly(t *testing.T) {
	other := hostAddr(t)
	base, _, stop := startServe(t, nil, "--demo", "20", "--no-collector")
	var list struct {
		Items []struct {
			Host  string `json:"host"`
			Port  int    `json:"port"`
			Probe string `json:"probe"`
		} `json:"items"`
	}
	if code := getJSON(t, base+"/api/v1/cameras?limit=1000", &list); code != 200 || len(list.Items) == 0 {
		t.Fatalf("list: %d with %d cameras", code, len(list.Items))
	}
	seen := map[int]bool{}
	for _, c := range list.Items {
		if c.Probe == "icmp" || seen[c.Port] {
			continue
		}
		seen[c.Port] = true
		c2, err := net.DialTimeout("tcp4", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), 2*time.Second)
		if err != nil {
			continue // a refused or blackholed camera's reserved port
		}
		c2.Close()
		assertLoopbackOnly(t, c.Host, other, c.Port)
	}
	if len(seen) == 0 {
		t.Fatal("no camera port to try")
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
}
