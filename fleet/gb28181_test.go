package fleet

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/sharpeyes/sharpeyes/gb28181"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

const (
	gbDomain   = "4302000000"
	gbPlatform = "43020000002000000001"
	gbPassword = "gb-secret-1"
)

// gbPlatformServer is sharpeyes' own SIP server on a real Redis.
type gbPlatformServer struct {
	srv *gb28181.Server
	reg *gb28181.Registry
}

func startGBPlatform(t *testing.T) gbPlatformServer {
	t.Helper()
	st := store.New(redistest.Start(t).Client())
	srv, err := gb28181.Start(gb28181.Options{Store: st, Listen: "127.0.0.1:0", ID: gbPlatform,
		Domain: gbDomain, Password: gbPassword, KeepaliveTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return gbPlatformServer{srv: srv, reg: &gb28181.Registry{Store: st, KeepaliveTimeout: time.Minute}}
}

func (p gbPlatformServer) devices(t *testing.T) map[string]gb28181.Device {
	t.Helper()
	devs, err := p.reg.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]gb28181.Device{}
	for _, d := range devs {
		out[d.ID] = d
	}
	return out
}

func startGBFleet(t *testing.T, cfg GBConfig) *GBFleet {
	t.Helper()
	f, err := StartGB(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// awaitCond polls cond every 20 ms until it holds or 20 s pass.
func awaitCond(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGBDevicesRegisterWithDigestAndKeepAliveOnTheSharpeyesPlatform(t *testing.T) {
	p := startGBPlatform(t)
	f := startGBFleet(t, GBConfig{Platform: p.srv.Addr(), Domain: gbDomain, Password: gbPassword,
		Devices: 3, Channels: 2, Keepalive: 100 * time.Millisecond, DevicesPerSocket: 2})
	ids := f.IDs()
	var first map[string]gb28181.Device
	awaitCond(t, "every device registered and kept alive", func() bool {
		first = p.devices(t)
		for _, id := range ids {
			if d := first[id]; !d.Registered || !d.Online || d.LastKeepalive == nil {
				return false
			}
		}
		return true
	})
	for _, id := range ids {
		if got := first[id].Address; got != f.Addr(id) {
			t.Errorf("device %s registered from %s, want its socket %s", id, got, f.Addr(id))
		}
	}
	if f.Addr(ids[0]) != f.Addr(ids[1]) || f.Addr(ids[0]) == f.Addr(ids[2]) {
		t.Errorf("sockets: %s %s %s, want the first two devices sharing one", f.Addr(ids[0]), f.Addr(ids[1]), f.Addr(ids[2]))
	}
	// Keepalives keep coming at the configured interval.
	awaitCond(t, "a later keepalive of every device", func() bool {
		now := p.devices(t)
		for _, id := range ids {
			if !now[id].LastKeepalive.After(*first[id].LastKeepalive) {
				return false
			}
		}
		return true
	})
	if st := f.Stats(); st.Registered < 3 || st.Refused != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestGBDeviceBehaviours(t *testing.T) {
	p := startGBPlatform(t)
	f := startGBFleet(t, GBConfig{Platform: p.srv.Addr(), Domain: gbDomain, Password: gbPassword,
		Devices: 4, Channels: 1, Keepalive: 100 * time.Millisecond, RetryInterval: 100 * time.Millisecond,
		Behaviors: []GBBehavior{GBOK, GBWrongPassword, GBNoKeepalive}})
	ids := f.IDs()
	awaitCond(t, "devices 0, 2, 3 registered and a wrong password refused twice", func() bool {
		d := p.devices(t)
		return d[ids[0]].Registered && d[ids[2]].Registered && d[ids[3]].LastKeepalive != nil && f.Stats().Refused >= 2
	})
	d := p.devices(t)
	if _, ok := d[ids[1]]; ok {
		t.Errorf("device with a wrong password listed: %+v", d[ids[1]])
	}
	if d[ids[2]].LastKeepalive != nil {
		t.Errorf("no_keepalive device sent a keepalive: %+v", d[ids[2]])
	}
	if err := f.Set(ids[3], GBUnregister); err != nil {
		t.Fatal(err)
	}
	// The platform stores the unregistration before it answers the device.
	awaitCond(t, "device 3 unregistered and answered", func() bool {
		return !p.devices(t)[ids[3]].Registered && f.Stats().Unregistered == 1
	})
	if err := f.Set(ids[3], GBOK); err != nil {
		t.Fatal(err)
	}
	awaitCond(t, "device 3 registered again", func() bool { return p.devices(t)[ids[3]].Registered })
	if err := f.Set(ids[3], "dancing"); err == nil {
		t.Error("unknown behaviour accepted")
	}
}

// catalogAnswer is a decoded Catalog response page.
type catalogAnswer struct {
	XMLName  xml.Name `xml:"Response"`
	CmdType  string
	SN       string
	DeviceID string
	SumNum   int
	List     struct {
		Num   int `xml:"Num,attr"`
		Items []struct {
			DeviceID, Name, Manufacturer, Model, CivilCode, Address, ParentID, Status string
			Longitude, Latitude                                                       float64
		} `xml:"Item"`
	} `xml:"DeviceList"`
}

// queryCatalog plays the platform: it sends a Catalog query to a device's
// socket from a socket of its own, answers each Catalog response MESSAGE
// 200 and returns the pages and their raw bodies once SumNum items came.
func queryCatalog(t *testing.T, devAddr, id, sn string) ([]catalogAnswer, [][]byte) {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst, _ := net.ResolveUDPAddr("udp", devAddr)
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n"+
		"<SN>%s</SN>\r\n<DeviceID>%s</DeviceID>\r\n</Query>\r\n", sn, id)
	q := fmt.Sprintf("MESSAGE sip:%s@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;rport;branch=z9hG4bKq%s\r\n"+
		"From: <sip:%s@%s>;tag=p1\r\nTo: <sip:%s@%s>\r\nCall-ID: q%s@test\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n"+
		"Content-Type: Application/MANSCDP+xml\r\nContent-Length: %d\r\n\r\n%s",
		id, devAddr, c.LocalAddr(), sn, gbPlatform, gbDomain, id, devAddr, sn, len(body), body)
	if _, err := c.WriteToUDP([]byte(q), dst); err != nil {
		t.Fatal(err)
	}
	var pages []catalogAnswer
	var raws [][]byte
	got200 := false
	buf := make([]byte, 65535)
	for items, sum := 0, -1; !got200 || items != sum; {
		if err := c.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
			t.Fatal(err)
		}
		n, src, err := c.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("after %d pages (200 to query: %v): %v", len(pages), got200, err)
		}
		msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			t.Fatal(err)
		}
		switch m := msg.(type) {
		case *sip.Response:
			if m.StatusCode != 200 || m.CSeq().MethodName != sip.MESSAGE {
				t.Fatalf("query answered %d", m.StatusCode)
			}
			got200 = true
		case *sip.Request:
			if ct := m.ContentType(); ct == nil || !strings.EqualFold(ct.Value(), "Application/MANSCDP+xml") {
				t.Errorf("Content-Type %v", ct)
			}
			res := sip.NewResponseFromRequest(m, 200, "OK", nil)
			if _, err := c.WriteToUDP([]byte(res.String()), src); err != nil {
				t.Fatal(err)
			}
			var a catalogAnswer
			dec := xml.NewDecoder(bytes.NewReader(m.Body()))
			dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
				enc, err := htmlindex.Get(label)
				if err != nil {
					return nil, err
				}
				return enc.NewDecoder().Reader(in), nil
			}
			if err := dec.Decode(&a); err != nil {
				t.Fatalf("page %d: %v\n%s", len(pages), err, m.Body())
			}
			pages, raws = append(pages, a), append(raws, m.Body())
			items += len(a.List.Items)
			sum = a.SumNum
		}
	}
	return pages, raws
}

func TestGBDeviceAnswersCatalogInGB2312Pages(t *testing.T) {
	// The devices register with a platform that never answers: a real
	// sharpeyes platform sends its own Catalog query on each registration,
	// which this test's counts of queries and pages must not include.
	mute, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mute.Close() })
	f := startGBFleet(t, GBConfig{Platform: mute.LocalAddr().String(), Domain: gbDomain, Password: gbPassword,
		Devices: 2, Channels: 45, Behaviors: []GBBehavior{GBOK, GBChannelOff}})
	for i, id := range f.IDs() {
		pages, raws := queryCatalog(t, f.Addr(id), id, fmt.Sprint(100+i))
		if len(pages) != 3 {
			t.Fatalf("%d pages, want 45 channels in pages of 20, 20, 5", len(pages))
		}
		want := f.Channels(id)
		n := 0
		for k, pg := range pages {
			if pg.CmdType != "Catalog" || pg.SN != fmt.Sprint(100+i) || pg.DeviceID != id || pg.SumNum != 45 ||
				pg.List.Num != len(pg.List.Items) || pg.List.Num != []int{20, 20, 5}[k] {
				t.Errorf("page %d: %s %s %s SumNum %d Num %d items %d", k, pg.CmdType, pg.SN, pg.DeviceID, pg.SumNum,
					pg.List.Num, len(pg.List.Items))
			}
			if !bytes.HasPrefix(raws[k], []byte(`<?xml version="1.0" encoding="GB2312"?>`)) {
				t.Errorf("page %d declares: %.60s", k, raws[k])
			}
			if bad := notGB2312(raws[k]); bad != "" {
				t.Errorf("page %d: %s", k, bad)
			}
			for _, it := range pg.List.Items {
				w := want[n]
				status := map[bool]string{true: "ON", false: "OFF"}[w.On]
				if it.DeviceID != w.ID || it.Name != w.Name || it.ParentID != id || it.Status != status ||
					it.CivilCode != w.CivilCode || it.Manufacturer != w.Manufacturer || it.Address != w.Address ||
					it.Latitude != w.Lat || it.Longitude != w.Lon {
					t.Errorf("item %d: %+v, want %+v", n, it, w)
				}
				n++
			}
		}
		first := pages[0].List.Items[0]
		if wantOff := i == 1; (first.Status == "OFF") != wantOff || pages[0].List.Items[1].Status != "ON" {
			t.Errorf("device %d (%s): first channels %s, %s", i, f.Behavior(id), first.Status, pages[0].List.Items[1].Status)
		}
		if !strings.ContainsFunc(first.Name, func(r rune) bool { return r >= 0x4e00 }) {
			t.Errorf("channel name %q is not Chinese", first.Name)
		}
	}
	// The device counts a page when it reads the 200 sent last.
	awaitCond(t, "2 queries and 6 pages counted", func() bool {
		st := f.Stats()
		return st.CatalogQueries == 2 && st.CatalogPages == 6
	})
}

// notGB2312 describes the first byte pair outside EUC-CN (GB2312), or "".
func notGB2312(b []byte) string {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if i+1 >= len(b) || b[i] < 0xA1 || b[i] > 0xF7 || b[i+1] < 0xA1 || b[i+1] > 0xFE {
			return fmt.Sprintf("byte pair % x at %d is not GB2312", b[i:min(i+2, len(b))], i)
		}
		i++
	}
	return ""
}

func TestGBConfigNamesTheBadField(t *testing.T) {
	ok := GBConfig{Platform: "127.0.0.1:5060", Password: "x", Devices: 1}
	cases := []struct {
		name string
		edit func(*GBConfig)
		want string
	}{
		{"no devices", func(c *GBConfig) { c.Devices = 0 }, "devices"},
		{"too many channels", func(c *GBConfig) { c.Devices, c.Channels = 1000, 1000 }, "channels"},
		{"short domain", func(c *GBConfig) { c.Domain = "4302" }, "domain"},
		{"no password", func(c *GBConfig) { c.Password = "" }, "password"},
		{"bad behaviour", func(c *GBConfig) { c.Behaviors = []GBBehavior{"dancing"} }, "behaviors[0]"},
		{"bad platform", func(c *GBConfig) { c.Platform = "nowhere" }, "platform"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			_, err := StartGB(context.Background(), c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

// Devices registered without keepalives start them when set to ok (as
// gbbench does), each at a phase of its own with Spread.
func TestGBDevicesResumeKeepalivesWhenSetOK(t *testing.T) {
	p := startGBPlatform(t)
	quiet := []GBBehavior{GBNoKeepalive, GBNoKeepalive, GBNoKeepalive}
	f := startGBFleet(t, GBConfig{Platform: p.srv.Addr(), Domain: gbDomain, Password: gbPassword,
		Devices: 3, Keepalive: 200 * time.Millisecond, Spread: 100 * time.Millisecond, Behaviors: quiet})
	awaitCond(t, "3 registrations", func() bool { return f.Stats().Registered == 3 })
	if n := f.Stats().Keepalives; n != 0 {
		t.Fatalf("%d keepalives before they were turned on", n)
	}
	for _, id := range f.IDs() {
		if err := f.Set(id, GBOK); err != nil {
			t.Fatal(err)
		}
	}
	awaitCond(t, "every device's keepalive in the store", func() bool {
		for _, id := range f.IDs() {
			if p.devices(t)[id].LastKeepalive == nil {
				return false
			}
		}
		return true
	})
}
