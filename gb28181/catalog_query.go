package gb28181

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/sharpeyes/sharpeyes/store"
)

// catalogWait is how long the pages of one catalog may take to arrive; an
// incomplete catalog older than that is dropped when its device sends a
// page of another query.
const catalogWait = time.Minute

// clients send the platform's requests to devices: over UDP from the
// listening socket (devices answer to where they registered), over TCP on
// the connection the device opened.
type clients struct {
	udp, tcp *sipgo.Client
}

func newClients(ua *sipgo.UserAgent, udpAddr string) (clients, error) {
	host, _, err := net.SplitHostPort(udpAddr)
	if err != nil {
		return clients{}, err
	}
	udp, err := sipgo.NewClient(ua, sipgo.WithClientConnectionAddr(udpAddr), sipgo.WithClientHostname(host))
	if err != nil {
		return clients{}, err
	}
	tcp, err := sipgo.NewClient(ua, sipgo.WithClientHostname(host))
	if err != nil {
		return clients{}, err
	}
	return clients{udp: udp, tcp: tcp}, nil
}

// queryCatalog sends a Catalog query to a device that just registered.
// Its answer comes as MESSAGEs (message → catalogPage). A device that does
// not answer the query with 200 is logged; its registration stands.
func (s *Server) queryCatalog(ctx context.Context, d store.GBDevice) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	host, portStr, err := net.SplitHostPort(d.Addr)
	port, _ := strconv.Atoi(portStr)
	if err != nil || port == 0 {
		s.o.Logger.Warn("gb28181 catalog query: bad device address", "device", d.ID, "addr", d.Addr)
		return
	}
	sn := s.sn.Add(1)
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n"+
		"<SN>%d</SN>\r\n<DeviceID>%s</DeviceID>\r\n</Query>\r\n", sn, d.ID)
	req := sip.NewRequest(sip.MESSAGE, sip.Uri{Scheme: "sip", User: d.ID, Host: host, Port: port})
	req.SetTransport(strings.ToUpper(d.Transport))
	req.SetDestination(d.Addr)
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: s.o.ID, Host: s.o.Domain}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: d.ID, Host: s.o.Domain}})
	req.AppendHeader(sip.NewHeader("Content-Type", "Application/MANSCDP+xml"))
	req.SetBody([]byte(body))
	c := s.clients.udp
	if strings.EqualFold(d.Transport, "TCP") {
		c = s.clients.tcp
	}
	res, err := c.Do(ctx, req)
	switch {
	case err != nil:
		s.o.Logger.Warn("gb28181 catalog query failed", "device", d.ID, "addr", d.Addr, "error", err)
	case res.StatusCode != 200:
		s.o.Logger.Warn("gb28181 catalog query refused", "device", d.ID, "status", res.StatusCode)
	default:
		s.o.Logger.Debug("gb28181 catalog query sent", "device", d.ID, "sn", sn)
	}
}

// pages gathers the pages of each device's catalog until SumNum channels
// have arrived.
type pages struct {
	mu sync.Mutex
	by map[string]*pending
}

type pending struct {
	sn      string
	sum     int
	started time.Time
	items   []CatalogItem
	seen    map[string]bool
}

// add takes one page of device's catalog and returns the whole catalog's
// items once complete (ok true). A page of another SN starts over.
func (p *pages) add(device string, c Catalog, now time.Time) (items []CatalogItem, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string]*pending{}
	}
	cur := p.by[device]
	if cur == nil || cur.sn != c.SN || now.Sub(cur.started) > catalogWait {
		cur = &pending{sn: c.SN, sum: c.SumNum, started: now, seen: map[string]bool{}}
		p.by[device] = cur
	}
	for _, it := range c.Items {
		if it.DeviceID == "" || cur.seen[it.DeviceID] {
			continue
		}
		cur.seen[it.DeviceID] = true
		cur.items = append(cur.items, it)
	}
	if len(cur.items) < cur.sum {
		return nil, false
	}
	delete(p.by, device)
	return cur.items, true
}
