package gb28181_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/gb28181"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/internal/testclock"
	"github.com/sharpeyes/sharpeyes/store"
)

const (
	platformID = "34020000002000000001"
	domain     = "3402000000"
	password   = "12345678"
	timeout    = 30 * time.Second // keepalive_timeout of these tests
)

// platform is a SIP server and the API on one real Redis, with one clock.
type platform struct {
	t     *testing.T
	store *store.Store
	clock *testclock.Clock
	srv   *gb28181.Server
	api   *httptest.Server
	opts  gb28181.Options
	stop  func() // stops the SIP server and its evaluator
}

func newPlatform(t *testing.T) *platform {
	t.Helper()
	st := store.New(redistest.Start(t).Client())
	clock := testclock.New(time.Date(2026, 11, 3, 1, 2, 3, 456e6, time.UTC))
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	p := &platform{t: t, store: st, clock: clock, opts: gb28181.Options{
		Store: st, Listen: "127.0.0.1:0", ID: platformID, Domain: domain, Password: password,
		Passwords:        map[string]string{"34020000001320000009": "own-secret"},
		KeepaliveTimeout: timeout, Location: shanghai, Now: clock.Now,
		Regions: map[string]string{"340200": "合肥市"}, EvalInterval: 20 * time.Millisecond,
	}}
	p.start()
	reg := &gb28181.Registry{Store: st, KeepaliveTimeout: timeout, Now: clock.Now}
	p.api = httptest.NewServer(api.NewRouter(api.Deps{Store: st, OpenAccess: true,
		Mount: []func(*gin.RouterGroup, api.Authz){reg.Routes}}))
	t.Cleanup(p.api.Close)
	return p
}

func (p *platform) start() {
	p.t.Helper()
	srv, err := gb28181.Start(p.opts)
	if err != nil {
		p.t.Fatal(err)
	}
	p.srv = srv
	p.opts.Listen = srv.Addr() // a restart binds the same address
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Run(ctx)
	}()
	p.stop = func() {
		cancel()
		srv.Close()
		<-done
	}
	p.t.Cleanup(p.stop)
}

// restart stops the SIP server and starts a new one on the same Redis.
func (p *platform) restart() {
	p.t.Helper()
	p.stop()
	p.start()
}

func (p *platform) devices() map[string]gb28181.Device {
	p.t.Helper()
	res, err := http.Get(p.api.URL + "/api/v1/gb28181/devices")
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		p.t.Fatalf("GET devices: %s", res.Status)
	}
	var body struct {
		Items []gb28181.Device `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		p.t.Fatal(err)
	}
	out := map[string]gb28181.Device{}
	for _, d := range body.Items {
		out[d.ID] = d
	}
	return out
}

func (p *platform) device(id string) gb28181.Device {
	p.t.Helper()
	d, ok := p.devices()[id]
	if !ok {
		p.t.Fatalf("device %s not listed", id)
	}
	return d
}

// requireSipp finds sipp (Debian's sip-tester, installed by
// scripts/test.sh): missing, the test fails on CI and skips elsewhere.
func requireSipp(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("sipp")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("sipp not found (apt-get install sip-tester; scripts/test.sh does)")
		}
		t.Skip("sipp not found (apt-get install sip-tester)")
	}
	return path
}

// device is one simulated GB/T 28181 device played by sipp.
type device struct {
	id, password, transport string
}

// sipp runs one call of scenario against the platform and returns sipp's
// log (the scenario's <log> lines); it fails the test when the call fails.
func (p *platform) sipp(d device, scenario string, keys ...string) string {
	p.t.Helper()
	bin := requireSipp(p.t)
	dir := p.t.TempDir()
	sf, err := filepath.Abs(filepath.Join("..", "testdata", "sipp", scenario))
	if err != nil {
		p.t.Fatal(err)
	}
	logFile := filepath.Join(dir, "sipp.log")
	tp := "u1"
	if d.transport == "tcp" {
		tp = "t1"
	}
	args := []string{"-sf", sf, "-i", "127.0.0.1", "-p", strconv.Itoa(freePort(p.t)), "-t", tp,
		"-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin", "-max_retrans", "3",
		"-s", d.id, "-au", d.id, "-ap", d.password,
		"-key", "platform", platformID, "-key", "domain", domain,
		"-trace_logs", "-log_file", logFile}
	args = append(args, keys...)
	args = append(args, p.srv.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("sipp %s as %s: %v\n%s", scenario, d.id, err, tail(out))
	}
	b, _ := os.ReadFile(logFile)
	return string(b)
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freePort is a UDP and TCP port free on loopback a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", c.LocalAddr().String())
		c.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

func register(expires int) []string { return []string{"-key", "expires", strconv.Itoa(expires)} }

func TestDeviceRegistersWithDigestAndKeepaliveMakesItOnline(t *testing.T) {
	for _, tp := range []string{"udp", "tcp"} {
		t.Run(tp, func(t *testing.T) {
			p := newPlatform(t)
			d := device{id: "34020000001320000001", password: password, transport: tp}
			log := p.sipp(d, "register.xml", register(3600)...)
			// The 200's Date is the platform's clock in the configured zone.
			want := "Date=" + p.clock.Now().In(p.opts.Location).Format(gb28181.DateLayout)
			if !strings.Contains(log, want) {
				t.Errorf("sipp log lacks %q:\n%s", want, log)
			}
			got := p.device(d.id)
			if !got.Registered || got.LastKeepalive != nil || !strings.EqualFold(got.Transport, tp) {
				t.Errorf("after REGISTER: %+v", got)
			}
			if !got.ExpiresAt.Equal(p.clock.Now().Add(time.Hour)) {
				t.Errorf("expires_at %v, want Expires 3600 honoured", got.ExpiresAt)
			}
			p.clock.Advance(10 * time.Second)
			p.sipp(d, "keepalive.xml")
			got = p.device(d.id)
			if !got.Registered || !got.Online || got.LastKeepalive == nil || !got.LastKeepalive.Equal(p.clock.Now()) {
				t.Errorf("after keepalive: %+v", got)
			}
			if got.Channels != 0 {
				t.Errorf("channels %d", got.Channels)
			}
		})
	}
}

func TestPerDevicePasswordIsUsed(t *testing.T) {
	p := newPlatform(t)
	p.sipp(device{id: "34020000001320000009", password: "own-secret"}, "register.xml", register(3600)...)
	p.sipp(device{id: "34020000001320000009", password: password}, "register_forbidden.xml", register(3600)...)
}

func TestWrongPasswordIsForbiddenAndRegistersNothing(t *testing.T) {
	p := newPlatform(t)
	d := device{id: "34020000001320000002", password: "wrong"}
	p.sipp(d, "register_forbidden.xml", register(3600)...)
	if got, ok := p.devices()[d.id]; ok {
		t.Errorf("refused device listed: %+v", got)
	}
}

func TestUnregisterShowsDeviceUnregistered(t *testing.T) {
	p := newPlatform(t)
	d := device{id: "34020000001320000003", password: password}
	p.sipp(d, "register.xml", register(3600)...)
	p.sipp(d, "keepalive.xml")
	p.clock.Advance(time.Second)
	p.sipp(d, "register.xml", register(0)...)
	if got := p.device(d.id); got.Registered || got.Online {
		t.Errorf("after Expires: 0: %+v", got)
	}
}

func TestDeviceGoesOfflineWhenKeepalivesStop(t *testing.T) {
	p := newPlatform(t)
	d := device{id: "34020000001320000004", password: password}
	p.sipp(d, "register.xml", register(3600)...)
	p.sipp(d, "keepalive.xml")
	p.clock.Advance(timeout)
	if got := p.device(d.id); !got.Online {
		t.Fatalf("offline at exactly keepalive_timeout: %+v", got)
	}
	p.clock.Advance(time.Millisecond)
	if got := p.device(d.id); got.Online || !got.Registered {
		t.Errorf("keepalive_timeout passed: want registered and offline, got %+v", got)
	}
}

func TestRegistrationExpiresWithItsExpires(t *testing.T) {
	p := newPlatform(t)
	d := device{id: "34020000001320000005", password: password}
	p.sipp(d, "register.xml", register(20)...)
	p.sipp(d, "keepalive.xml")
	p.clock.Advance(20 * time.Second)
	if got := p.device(d.id); got.Registered || got.Online {
		t.Errorf("Expires 20 passed: %+v", got)
	}
}

func TestRestartBetweenKeepalivesKeepsDeviceOnline(t *testing.T) {
	p := newPlatform(t)
	d := device{id: "34020000001320000006", password: password}
	p.sipp(d, "register.xml", register(3600)...)
	p.sipp(d, "keepalive.xml")
	p.clock.Advance(timeout / 2)
	p.restart()
	if got := p.device(d.id); !got.Online {
		t.Fatalf("after restart: %+v", got)
	}
	p.clock.Advance(timeout / 2)
	p.sipp(d, "keepalive.xml") // the new server knows the registration: 200
	p.clock.Advance(timeout / 2)
	if got := p.device(d.id); !got.Online || !got.LastKeepalive.Equal(p.clock.Now().Add(-timeout/2)) {
		t.Errorf("keepalive after restart: %+v", got)
	}
}
