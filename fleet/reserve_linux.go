//go:build linux

package fleet

import (
	"fmt"
	"net"
	"strconv"
	"syscall"
	"time"
)

// reservePort binds a TCP socket to 0.0.0.0:port (0 picks one; tied to the
// loopback device when loopback) without listening on it: the port stays
// taken, since nobody else can bind it, and the kernel answers every
// connect to it with an RST, i.e. ECONNREFUSED. It returns the port and the
// function that frees it.
func reservePort(port int, loopback bool) (int, func() error, error) {
	fd, port, err := boundSocket(port, loopback)
	if err != nil {
		return 0, nil, err
	}
	return port, func() error { return syscall.Close(fd) }, nil
}

// blackholePort listens on 0.0.0.0:port with a backlog of 0 and fills the
// accept queue with one connection of its own that it never accepts. Linux
// drops SYNs to a listener whose accept queue is full, so every other
// connect to the port times out, like one to a host that is switched off.
func blackholePort(port int, loopback bool) (int, func() error, error) {
	fd, port, err := boundSocket(port, loopback)
	if err != nil {
		return 0, nil, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		return 0, nil, fmt.Errorf("listen: %w", err)
	}
	filler, err := net.DialTimeout("tcp4", "127.0.0.1:"+strconv.Itoa(port), 2*time.Second)
	if err != nil {
		syscall.Close(fd)
		return 0, nil, fmt.Errorf("fill accept queue: %w", err)
	}
	return port, func() error {
		filler.Close()
		return syscall.Close(fd)
	}, nil
}

// boundSocket returns a TCP socket bound to 0.0.0.0:port (tied to the
// loopback device when loopback) and its port.
func boundSocket(port int, loopback bool) (int, int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("socket: %w", err)
	}
	if loopback {
		if err := bindLoopback(uintptr(fd)); err != nil {
			syscall.Close(fd)
			return 0, 0, err
		}
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port}); err != nil {
		syscall.Close(fd)
		return 0, 0, fmt.Errorf("bind port %d: %w", port, err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return 0, 0, fmt.Errorf("getsockname: %w", err)
	}
	return fd, sa.(*syscall.SockaddrInet4).Port, nil
}
