package fleet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// gbSocket is one UDP socket shared by many devices: it sends their
// requests, retransmits them until answered, matches answers by their Via
// branch, and routes the platform's requests to a device by the user of
// their Request-URI (else of their To).
type gbSocket struct {
	f    *GBFleet
	conn *net.UDPConn
	addr string // host:port, for Via and Contact

	mu      sync.Mutex
	pending map[string]chan *sip.Response // by branch
	devs    map[string]*gbDevice
}

func listenGB(f *GBFleet, ip string) (*gbSocket, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		return nil, fmt.Errorf("gb28181 fleet: listen udp %s: %w", ip, err)
	}
	_ = conn.SetReadBuffer(4 << 20) // bursts of a few hundred devices' answers
	return &gbSocket{f: f, conn: conn, addr: conn.LocalAddr().String(),
		pending: map[string]chan *sip.Response{}, devs: map[string]*gbDevice{}}, nil
}

func (s *gbSocket) add(d *gbDevice) {
	s.mu.Lock()
	s.devs[d.id] = d
	s.mu.Unlock()
}

// header starts a request: request line, Via, From, To, Call-ID, CSeq.
func (s *gbSocket) header(method, uri, branch, from, tag, to, callID string, cseq uint32, domain string) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, method+" "+uri+" SIP/2.0\r\n"...)
	b = append(b, "Via: SIP/2.0/UDP "+s.addr+";rport;branch="+branch+"\r\n"...)
	b = append(b, "From: <sip:"+from+"@"+domain+">;tag="+tag+"\r\n"...)
	b = append(b, "To: <sip:"+to+"@"+domain+">\r\n"...)
	b = append(b, "Call-ID: "+callID+"\r\nCSeq: "+strconv.FormatUint(uint64(cseq), 10)+" "+method+"\r\n"...)
	return append(b, "Max-Forwards: 70\r\nUser-Agent: sharpeyes-fleet\r\n"...)
}

// do sends the request build makes (given its branch) to dst and returns
// the final answer, retransmitting at T1, 2·T1, … until gbTxTimeout. It
// returns nil when no final answer came or ctx ended.
func (s *gbSocket) do(ctx context.Context, dst *net.UDPAddr, build func(branch string) []byte) *sip.Response {
	branch := "z9hG4bK" + strconv.FormatUint(rand.Uint64(), 36)
	ch := make(chan *sip.Response, 1)
	s.mu.Lock()
	s.pending[branch] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, branch)
		s.mu.Unlock()
	}()
	msg := build(branch)
	deadline := time.NewTimer(gbTxTimeout)
	defer deadline.Stop()
	interval := gbT1
	retrans := time.NewTimer(interval)
	defer retrans.Stop()
	s.write(msg, dst)
	for {
		select {
		case res := <-ch:
			return res
		case <-retrans.C:
			s.f.n.retrans.Add(1)
			s.write(msg, dst)
			interval = min(2*interval, 4*time.Second)
			retrans.Reset(interval)
		case <-deadline.C:
			s.f.n.timeouts.Add(1)
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

func (s *gbSocket) write(msg []byte, dst *net.UDPAddr) {
	if _, err := s.conn.WriteToUDP(msg, dst); err != nil && !errors.Is(err, net.ErrClosed) {
		s.f.log.Debug("gb28181 fleet: send", "to", dst.String(), "error", err)
	}
}

// read takes datagrams until the socket closes: final answers go to their
// waiting request, requests to their device.
func (s *gbSocket) read() {
	buf := make([]byte, 65535)
	for {
		n, src, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			s.f.log.Debug("gb28181 fleet: unparsable datagram", "from", src.String(), "error", err)
			continue
		}
		switch m := msg.(type) {
		case *sip.Response:
			s.deliver(m)
		case *sip.Request:
			s.request(m, src)
		}
	}
}

func (s *gbSocket) deliver(res *sip.Response) {
	via := res.Via()
	if via == nil || res.StatusCode < 200 {
		return
	}
	branch, _ := via.Params.Get("branch")
	s.mu.Lock()
	ch := s.pending[branch]
	s.mu.Unlock()
	if ch != nil {
		select {
		case ch <- res:
		default: // a retransmitted answer
		}
	}
}

// request answers a request of the platform for one of the socket's
// devices: MESSAGE goes to the device; anything else is 501.
func (s *gbSocket) request(req *sip.Request, src *net.UDPAddr) {
	id := req.Recipient.User
	s.mu.Lock()
	d := s.devs[id]
	if d == nil && req.To() != nil {
		d = s.devs[req.To().Address.User]
	}
	s.mu.Unlock()
	switch {
	case req.IsAck():
		return
	case d == nil:
		s.respond(req, src, 404, "Not Found")
	case req.Method != sip.MESSAGE:
		s.respond(req, src, 501, "Not Implemented")
	default:
		s.respond(req, src, d.handle(req, src), "")
	}
}

func (s *gbSocket) respond(req *sip.Request, src *net.UDPAddr, code int, reason string) {
	if reason == "" {
		reason = map[int]string{200: "OK", 400: "Bad Request", 403: "Forbidden"}[code]
	}
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	if to := res.To(); to != nil {
		if _, ok := to.Params.Get("tag"); !ok {
			to.Params.Add("tag", strconv.FormatUint(rand.Uint64(), 36))
		}
	}
	s.write([]byte(res.String()), src)
}
