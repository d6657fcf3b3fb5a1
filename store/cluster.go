package store

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClusterReloadInterval is how often a Cluster client re-reads the slot
// map when nothing prompted it (go-redis's default is 60 s).
const ClusterReloadInterval = 5 * time.Second

// newClient builds the client Open returns. A Cluster client also re-reads
// the slot map (CLUSTER SLOTS) as soon as a command fails the way a
// failover makes it fail: the master does not answer (connection refused
// or reset, timeout) or a node says CLUSTERDOWN, TRYAGAIN, READONLY or
// LOADING. go-redis itself reloads only on MOVED/ASK, which a dead master
// never sends: its client kept dialling the dead node until the periodic
// reload, tens of seconds after the replica took over (docs/benchmarks.md,
// "Cluster failover"). Reloads are coalesced by go-redis (one at a time,
// then 200 ms apart while asked again), so a burst of errors costs a few
// CLUSTER SLOTS, not one per command.
func newClient(u *redis.UniversalOptions) redis.UniversalClient {
	if u.MasterName != "" || (len(u.Addrs) <= 1 && !u.IsClusterMode) {
		return redis.NewUniversalClient(u)
	}
	o := u.Cluster()
	o.ClusterStateReloadInterval = ClusterReloadInterval
	cc := redis.NewClusterClient(o)
	cc.AddHook(reloadHook{cc})
	return cc
}

// reloadHook asks its Cluster client for a fresh slot map after every
// command or pipeline that failed for want of a serving master.
type reloadHook struct{ cc *redis.ClusterClient }

func (reloadHook) DialHook(next redis.DialHook) redis.DialHook {
	return next
}

func (h reloadHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.check(ctx, err)
		return err
	}
}

func (h reloadHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.check(ctx, err)
		if err == nil {
			for _, cmd := range cmds {
				if h.check(ctx, cmd.Err()) {
					break
				}
			}
		}
		return err
	}
}

// check reloads the slot map when err says a master cannot serve, and
// reports whether it did.
func (h reloadHook) check(ctx context.Context, err error) bool {
	if err == nil || kindOf(err) != ErrUnavailable {
		return false
	}
	h.cc.ReloadState(ctx)
	return true
}

// tagForSlot returns a hash tag that Redis Cluster hashes into slot
// (CRC16/XMODEM of the tag mod 16384): "r" and a number, the first that
// fits. About 16,384 tries on average, a fraction of a millisecond; the
// caller keeps the answer.
func tagForSlot(slot int) string {
	for i := 0; ; i++ {
		tag := "r" + strconv.Itoa(i)
		if int(crc16(tag)%16384) == slot {
			return tag
		}
	}
}

// crc16 is CRC16/XMODEM (polynomial 0x1021, initial 0), Redis Cluster's
// key hash.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
