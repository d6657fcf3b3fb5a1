//go:build !linux

package fleet

import "errors"

// bindLoopback fails: tying a listener on 0.0.0.0 to the loopback device is
// Linux behaviour, as are the 127.x camera addresses that need no setup.
func bindLoopback(uintptr) error {
	return errors.New("loopback-only listeners need Linux: set ListenAll (--bind all) to listen on every interface")
}
