//go:build !linux

package ops

import "net"

// checkPeer relies on the socket's mode (0600) where the kernel's record
// of the caller is not read.
func checkPeer(net.Conn) error { return nil }
