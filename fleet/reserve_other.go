//go:build !linux

package fleet

import (
	"fmt"
	"net"
	"strconv"
)

// reservePort picks a port by listening on it and closing: connects to it
// are refused, but another process could take it later. Linux builds hold
// the port instead (reserve_linux.go).
func reservePort(port int, _ bool) (int, func() error, error) {
	ln, err := net.Listen("tcp4", "0.0.0.0:"+strconv.Itoa(port))
	if err != nil {
		return 0, nil, fmt.Errorf("listen: %w", err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return 0, nil, fmt.Errorf("close: %w", err)
	}
	return port, func() error { return nil }, nil
}

// blackholePort falls back to a refused port: dropping SYNs with a full
// accept queue is Linux behaviour.
func blackholePort(port int, loopback bool) (int, func() error, error) {
	return reservePort(port, loopback)
}
