package fleet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"
	sipdigest "github.com/icholy/digest"
)

// gbDevice is one simulated GB/T 28181 device.
type gbDevice struct {
	f        *GBFleet
	idx      int
	id, code string // 20-digit id, 6-digit civil code
	sock     *gbSocket
	beh      atomic.Int32
	wake     chan struct{}
	callID   string // of its registrations
	tag      string
	cseq     atomic.Uint32
	sn       atomic.Uint32

	mu        sync.Mutex
	lastQuery string // SN of the last Catalog query answered
}

func newGBDevice(f *GBFleet, i int, s *gbSocket) *gbDevice {
	dist := zhuzhou[i%len(zhuzhou)]
	d := &gbDevice{f: f, idx: i, code: dist.code, sock: s, wake: make(chan struct{}, 1),
		id:     gbID(dist.code, "118", i+1),
		callID: fmt.Sprintf("%016x@sharpeyes-fleet", rand.Uint64()), tag: strconv.FormatUint(rand.Uint64(), 36)}
	b := GBOK
	if i < len(f.cfg.Behaviors) && f.cfg.Behaviors[i] != "" {
		b = f.cfg.Behaviors[i]
	}
	d.beh.Store(b.code())
	s.add(d)
	return d
}

// gbID is a 20-digit GB/T 28181 code: civil code, basic unit 01, industry
// 00, type (118 NVR, 131 camera), network 0, serial.
func gbID(code, typ string, serial int) string {
	return fmt.Sprintf("%s0100%s0%06d", code, typ, serial)
}

func (d *gbDevice) behavior() GBBehavior { return GBBehaviors[d.beh.Load()] }

// run is the device's life: register, refresh the registration, keep
// alive, as its behaviour says, until ctx ends.
func (d *gbDevice) run(ctx context.Context, delay time.Duration) {
	if !d.sleep(ctx, delay) {
		return
	}
	cfg := d.f.cfg
	registered, kaOn := false, false
	var refreshAt, nextKA time.Time
	failures := 0
	for ctx.Err() == nil {
		b := d.behavior()
		now := time.Now()
		if b == GBUnregister {
			if registered && !d.register(ctx, 0) {
				d.sleep(ctx, cfg.RetryInterval) // try again
				continue
			}
			registered = false
			d.sleep(ctx, -1)
			continue
		}
		if !registered || !now.Before(refreshAt) {
			if !d.register(ctx, cfg.Expires) {
				registered = false
				d.sleep(ctx, cfg.RetryInterval)
				continue
			}
			now = time.Now()
			if !registered {
				nextKA, kaOn = d.firstKeepalive(now), b != GBNoKeepalive
			}
			registered, failures = true, 0
			refreshAt = now.Add(cfg.Expires * 3 / 4)
		}
		if b != GBNoKeepalive && !kaOn { // keepalives resume
			nextKA, kaOn = d.firstKeepalive(now), true
		}
		kaOn = b != GBNoKeepalive
		if kaOn && !now.Before(nextKA) {
			switch code := d.keepalive(ctx); {
			case code == 200:
				failures = 0
			case code == 0:
				failures++
			default: // the platform forgot the device: register again
				failures = 3
			}
			if failures >= 3 {
				registered = false
				continue
			}
			nextKA = time.Now().Add(cfg.Keepalive)
		}
		next := refreshAt
		if kaOn && nextKA.Before(next) {
			next = nextKA
		}
		d.sleep(ctx, time.Until(next))
	}
}

// firstKeepalive is when a device that registered or resumes keepalives
// at now sends its first: at once, or with Config.Spread at a phase of its
// own within the interval, so that devices do not all speak at once.
func (d *gbDevice) firstKeepalive(now time.Time) time.Time {
	if d.f.cfg.Spread == 0 {
		return now
	}
	return now.Add(d.f.cfg.Keepalive * time.Duration(d.idx%1000) / 1000)
}

// sleep waits d (forever when negative), or until Set wakes the device.
// It reports false when ctx ended.
func (d *gbDevice) sleep(ctx context.Context, wait time.Duration) bool {
	var timeout <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-d.wake:
	case <-timeout:
	}
	return true
}

// register sends REGISTER, answers the Digest challenge and reports
// whether the platform said 200.
func (d *gbDevice) register(ctx context.Context, expires time.Duration) bool {
	cfg := d.f.cfg
	uri := "sip:" + cfg.PlatformID + "@" + cfg.Domain
	secs := strconv.Itoa(int(expires / time.Second))
	auth := ""
	for range 3 { // a fresh challenge, then one with stale=true at most
		res := d.sock.do(ctx, d.f.platform, func(branch string) []byte {
			m := d.sock.header("REGISTER", uri, branch, d.id, d.tag, d.id, d.callID, d.cseq.Add(1), cfg.Domain)
			m = append(m, "Contact: <sip:"+d.id+"@"+d.sock.addr+">\r\nExpires: "+secs+"\r\n"...)
			if auth != "" {
				m = append(m, "Authorization: "+auth+"\r\n"...)
			}
			return append(m, "Content-Length: 0\r\n\r\n"...)
		})
		switch {
		case res == nil:
			return false
		case res.StatusCode == 200 && expires == 0:
			d.f.n.unregistered.Add(1)
			return true
		case res.StatusCode == 200:
			d.f.n.registered.Add(1)
			return true
		case res.StatusCode == 401:
			a, err := d.answer(res, uri)
			if err != nil {
				d.f.log.Warn("gb28181 device: bad challenge", "device", d.id, "error", err)
				return false
			}
			auth = a
		case res.StatusCode == 403:
			d.f.n.refused.Add(1)
			d.f.log.Debug("gb28181 device refused", "device", d.id)
			return false
		default:
			d.f.log.Debug("gb28181 device: register answered", "device", d.id, "code", res.StatusCode)
			return false
		}
	}
	return false
}

// answer computes the Authorization of a 401's challenge.
func (d *gbDevice) answer(res *sip.Response, uri string) (string, error) {
	h := res.GetHeader("WWW-Authenticate")
	if h == nil {
		return "", fmt.Errorf("401 without WWW-Authenticate")
	}
	chal, err := sipdigest.ParseChallenge(h.Value())
	if err != nil {
		return "", err
	}
	pw := d.f.cfg.Password
	if d.behavior() == GBWrongPassword {
		pw += "-wrong"
	}
	cred, err := sipdigest.Digest(chal, sipdigest.Options{Method: "REGISTER", URI: uri, Username: d.id, Password: pw, Count: 1})
	if err != nil {
		return "", err
	}
	return cred.String(), nil
}

// keepalive sends one Keepalive MESSAGE and returns the platform's status
// code, 0 when it never answered.
func (d *gbDevice) keepalive(ctx context.Context) int {
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n"+
		"<SN>%d</SN>\r\n<DeviceID>%s</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n", d.sn.Add(1), d.id)
	res := d.message(ctx, d.f.platform, []byte(body))
	if res == nil {
		return 0
	}
	if res.StatusCode == 200 {
		d.f.n.keepalives.Add(1)
	}
	return res.StatusCode
}

// message sends a MANSCDP MESSAGE to the platform at dst and returns its
// final answer, nil when none came.
func (d *gbDevice) message(ctx context.Context, dst *net.UDPAddr, body []byte) *sip.Response {
	cfg := d.f.cfg
	callID := strconv.FormatUint(rand.Uint64(), 36) + "@sharpeyes-fleet"
	cseq := d.cseq.Add(1)
	return d.sock.do(ctx, dst, func(branch string) []byte {
		m := d.sock.header("MESSAGE", "sip:"+cfg.PlatformID+"@"+cfg.Domain, branch, d.id, d.tag, cfg.PlatformID, callID, cseq, cfg.Domain)
		m = append(m, "Content-Type: Application/MANSCDP+xml\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"...)
		return append(m, body...)
	})
}
