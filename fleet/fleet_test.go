package fleet

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestSetFlipsBehavior(t *testing.T) {
	f := mustStart(t, testConfig())
	cam := pick(t, f, sharpeyes.ProbeRTSP, OK)
	options := func(wait time.Duration) error {
		conn := mustDial(t, cam)
		conn.SetDeadline(time.Now().Add(wait))
		_, err := newRTSPClient(conn).do("OPTIONS", "*")
		return err
	}
	if err := options(3 * time.Second); err != nil {
		t.Fatalf("ok camera: %v", err)
	}
	if err := f.Set(cam.ID, Silent); err != nil || f.Behavior(cam.ID) != Silent {
		t.Fatalf("Set silent: %v, behaviour %s", err, f.Behavior(cam.ID))
	}
	var ne net.Error
	if err := options(300 * time.Millisecond); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("silent camera: %v, want a timeout", err)
	}
	if st, reason := f.Expected(cam.ID); st != sharpeyes.StateDown || reason != sharpeyes.ReasonTimeout {
		t.Errorf("Expected = %s %s, want down timeout", st, reason)
	}
	if err := f.Set(cam.ID, OK); err != nil {
		t.Fatal(err)
	}
	if err := options(3 * time.Second); err != nil {
		t.Fatalf("camera set back to ok: %v", err)
	}
}

func TestSetErrors(t *testing.T) {
	f := mustStart(t, testConfig())
	ok, refused := pick(t, f, sharpeyes.ProbeRTSP, OK), pick(t, f, sharpeyes.ProbeRTSP, Refused)
	tests := []struct {
		name, id string
		b        Behavior
		want     error
	}{
		{"unknown camera", "43020200001320999999", Silent, ErrUnknownCamera},
		{"into refused", ok.ID, Refused, ErrPortBehavior},
		{"into blackhole", ok.ID, Blackhole, ErrPortBehavior},
		{"out of refused", refused.ID, OK, ErrPortBehavior},
		{"refused stays refused", refused.ID, Refused, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.Set(tt.id, tt.b); !errors.Is(err, tt.want) {
				t.Fatalf("Set = %v, want %v", err, tt.want)
			}
		})
	}
	if err := f.Set(ok.ID, "melted"); err == nil || f.Behavior(ok.ID) != OK {
		t.Errorf("unknown behaviour: err %v, behaviour %s", err, f.Behavior(ok.ID))
	}
}

func TestHitsCountConversations(t *testing.T) {
	f := mustStart(t, testConfig())
	rtsp, tcp := pick(t, f, sharpeyes.ProbeRTSP, OK), pick(t, f, sharpeyes.ProbeTCP, OK)
	for range 3 { // one conversation of three requests per connection
		rc := newRTSPClient(mustDial(t, rtsp))
		for range 3 {
			if _, err := rc.do("OPTIONS", "*"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 2 {
		if _, err := io.ReadAll(mustDial(t, tcp)); err != nil { // EOF: accepted and counted
			t.Fatal(err)
		}
	}
	onvif := pick(t, f, sharpeyes.ProbeONVIF, OK)
	for range 2 { // kept alive by http.DefaultTransport: one connection, two hits
		postSOAP(t, onvif, onvifPath, getTimeBody)
	}
	want := map[string]int64{rtsp.ID: 3, tcp.ID: 2, onvif.ID: 2}
	for _, c := range f.Cameras() {
		if got := f.Hits(c.ID); got != want[c.ID] {
			t.Errorf("Hits(%s) = %d, want %d", c.ID, got, want[c.ID])
		}
	}
	f.ResetHits()
	if got := f.Hits(rtsp.ID); got != 0 {
		t.Errorf("after ResetHits: %d", got)
	}
}

func TestCloseDropsConnectionsAndListeners(t *testing.T) {
	f, err := Start(context.Background(), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	cam := pick(t, f, sharpeyes.ProbeRTSP, Silent)
	conn := mustDial(t, cam)
	conn.Write([]byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
	start := time.Now()
	if err := f.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("held connection: read %v after %v, want it closed by Close", err, time.Since(start))
	}
	if _, err := net.DialTimeout("tcp", addr(cam), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Close: %v, want ECONNREFUSED", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Start(ctx, Config{Cameras: 3})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-f.done:
	case <-time.After(5 * time.Second):
		t.Fatal("fleet still running 5 s after its context ended")
	}
	f.Close() // waits for the Close the context started
	if _, err := net.DialTimeout("tcp", addr(f.Cameras()[0]), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after cancel: %v, want ECONNREFUSED", err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	busy, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no cameras", Config{}, "cameras: 0 is out of range"},
		{"too many", Config{Cameras: MaxCameras + 1}, "cameras:"},
		{"not loopback", Config{Cameras: 1, BaseIP: "10.0.0.1"}, "base_ip:"},
		{"host octet 0", Config{Cameras: 1, BaseIP: "127.20.1.0"}, "base_ip:"},
		{"leaves 127/8", Config{Cameras: 1000, BaseIP: "127.255.255.1"}, "leave 127.0.0.0/8"},
		{"unknown behaviour", Config{Cameras: 1, Mix: map[Behavior]float64{"melted": 0.1}}, `mix: unknown key "melted"`},
		{"mix over 1", Config{Cameras: 1, Mix: map[Behavior]float64{Silent: 0.7, Reset: 0.5}}, "mix: fractions sum"},
		{"bad kind", Config{Cameras: 1, Kinds: map[sharpeyes.ProbeKind]float64{"ftp": 0.1}}, "kinds:"},
		{"negative delay", Config{Cameras: 1, SlowDelay: -time.Second}, "slow_delay:"},
		{"password only", Config{Cameras: 1, Password: "x"}, "username:"},
		{"port in use", Config{Cameras: 1, RTSPPort: busy.Addr().(*net.TCPAddr).Port}, "fleet rtsp listen:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Start(context.Background(), tt.cfg)
			if err == nil {
				f.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestExpectTable(t *testing.T) {
	const d, timeout = time.Second, 2 * time.Second
	tests := []struct {
		k      sharpeyes.ProbeKind
		b      Behavior
		delay  time.Duration
		state  sharpeyes.State
		reason string
	}{
		{sharpeyes.ProbeRTSP, Slow, d, sharpeyes.StateUp, ""},
		{sharpeyes.ProbeRTSP, Slow, 3 * d, sharpeyes.StateDown, sharpeyes.ReasonTimeout},
		{sharpeyes.ProbeTCP, Silent, d, sharpeyes.StateUp, ""},
		{sharpeyes.ProbeTCP, Refused, d, sharpeyes.StateDown, sharpeyes.ReasonRefused},
		{sharpeyes.ProbeICMP, Refused, d, sharpeyes.StateUp, ""},
		{sharpeyes.ProbeHTTP, RTSP503, d, sharpeyes.StateDegraded, sharpeyes.ReasonHTTPStatus},
		{sharpeyes.ProbeONVIF, Drift, d, sharpeyes.StateDegraded, sharpeyes.ReasonClockDrift},
		{sharpeyes.ProbeRTSP, Drift, d, sharpeyes.StateUp, ""},
		{sharpeyes.ProbeONVIF, NoVideo, d, sharpeyes.StateUp, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.k)+"/"+string(tt.b)+"/"+strconv.Itoa(int(tt.delay/time.Second)), func(t *testing.T) {
			if st, reason := expect(tt.k, tt.b, tt.delay, timeout); st != tt.state || reason != tt.reason {
				t.Fatalf("expect = %s %q, want %s %q", st, reason, tt.state, tt.reason)
			}
		})
	}
}
