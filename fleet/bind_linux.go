//go:build linux

package fleet

import (
	"fmt"
	"syscall"
)

// loopbackDevice is the device the listeners are tied to unless
// Config.ListenAll.
const loopbackDevice = "lo"

// bindLoopback ties a socket to the loopback device (SO_BINDTODEVICE, which
// Linux 5.7 and later allow without privileges on a socket not yet tied to
// a device), so that it takes connections to 127.0.0.0/8 only: a listener on
// 0.0.0.0 is the only one that takes connections to every 127.x address of
// the fleet, and this keeps it off every other interface, this host's own
// addresses there included.
func bindLoopback(fd uintptr) error {
	if err := syscall.SetsockoptString(int(fd), syscall.SOL_SOCKET, syscall.SO_BINDTODEVICE, loopbackDevice); err != nil {
		return fmt.Errorf("bind to device %s: %w (use ListenAll, --bind all, to listen on every interface)", loopbackDevice, err)
	}
	return nil
}
