//go:build linux

package fleet

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// boundDevice returns the SO_BINDTODEVICE of a listener ("" when none).
func boundDevice(t *testing.T, ln net.Listener) string {
	t.Helper()
	raw, err := ln.(*net.TCPListener).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var dev string
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		var buf [syscall.IFNAMSIZ]byte
		n := uint32(len(buf))
		_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.SOL_SOCKET, syscall.SO_BINDTODEVICE,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
		if errno != 0 {
			gerr = errno
			return
		}
		dev = strings.TrimRight(string(buf[:n]), "\x00")
	}); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatalf("getsockopt SO_BINDTODEVICE: %v", gerr)
	}
	return dev
}

// nonLoopbackIPv4 returns an IPv4 address of this host outside
// 127.0.0.0/8, or "" when there is none.
func nonLoopbackIPv4(t *testing.T) string {
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
	return ""
}

// The fleet's listeners take connections to its 127.x addresses only:
// they are tied to the loopback device, so even this host's own address
// on another interface is refused (nothing is served to the network),
// unless the config asks for every interface.
func TestListenersTakeLoopbackConnectionsOnly(t *testing.T) {
	other := nonLoopbackIPv4(t)
	for _, all := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "listen_all"}[all], func(t *testing.T) {
			cfg := Config{Cameras: 4, BaseIP: "127.24.0.2", ListenAll: all}
			f := mustStart(t, cfg)
			p := f.Ports()
			ports := []int{p.RTSP, p.ONVIF, p.TCP, p.HTTP}
			for i, ln := range f.listeners {
				want := "lo"
				if all {
					want = ""
				}
				if dev := boundDevice(t, ln); dev != want {
					t.Errorf("listener on port %d is bound to device %q, want %q", ports[i], dev, want)
				}
			}
			cam := f.Cameras()[0]
			for _, port := range ports {
				c, err := net.DialTimeout("tcp4", net.JoinHostPort(cam.Host, strconv.Itoa(port)), 2*time.Second)
				if err != nil {
					t.Fatalf("dial camera %s port %d: %v", cam.Host, port, err)
				}
				c.Close()
			}
			if other == "" {
				t.Log("no non-loopback IPv4 address: the refusal from another interface is not checked")
				return
			}
			for _, port := range ports {
				c, err := net.DialTimeout("tcp4", net.JoinHostPort(other, strconv.Itoa(port)), 2*time.Second)
				if c != nil {
					c.Close()
				}
				switch {
				case !all && !errors.Is(err, syscall.ECONNREFUSED):
					t.Errorf("dial %s port %d: %v, want connection refused", other, port, err)
				case all && err != nil:
					t.Errorf("dial %s port %d with listen_all: %v, want accepted", other, port, err)
				}
			}
		})
	}
}
