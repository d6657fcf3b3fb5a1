package fleet

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

func TestRefusedGivesECONNREFUSED(t *testing.T) {
	f := mustStart(t, testConfig())
	for _, k := range []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP, sharpeyes.ProbeTCP} {
		cam := pick(t, f, k, Refused)
		_, err := net.DialTimeout("tcp", addr(cam), 2*time.Second)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s camera: dial error %v, want ECONNREFUSED", k, err)
		}
		if cam.Port != f.Ports().Refused {
			t.Errorf("%s camera: port %d, want the refused port %d", k, cam.Port, f.Ports().Refused)
		}
	}
}

func TestBlackholeTimesOut(t *testing.T) {
	f := mustStart(t, testConfig())
	cam := pick(t, f, sharpeyes.ProbeRTSP, Blackhole)
	_, err := net.DialTimeout("tcp", addr(cam), 300*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("dial error %v, want a timeout", err)
	}
}

func TestSilentNeverAnswers(t *testing.T) {
	f := mustStart(t, testConfig())
	for _, k := range []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP, sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP} {
		conn := mustDial(t, pick(t, f, k, Silent))
		if _, err := conn.Write([]byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := conn.Read(make([]byte, 16))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("%s camera: read %d bytes, %v; want a timeout", k, n, err)
		}
	}
}

func TestResetSendsRST(t *testing.T) {
	f := mustStart(t, testConfig())
	for _, k := range []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP, sharpeyes.ProbeONVIF, sharpeyes.ProbeTCP} {
		cam := pick(t, f, k, Reset) // not dealt to tcp cameras: pick sets one
		// On loopback the RST can beat the end of connect.
		conn, err := net.DialTimeout("tcp", addr(cam), 2*time.Second)
		if err == nil {
			defer conn.Close()
			conn.Write([]byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")) // may already fail
			_, err = conn.Read(make([]byte, 16))
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
			t.Errorf("%s camera: %v; want ECONNRESET or EOF", k, err)
		}
	}
}

func TestGarbageWritesJunk(t *testing.T) {
	f := mustStart(t, testConfig())
	for _, k := range []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP, sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP} {
		conn := mustDial(t, pick(t, f, k, Garbage))
		if _, err := conn.Write([]byte("DESCRIBE / RTSP/1.0\r\nCSeq: 1\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(conn)
		if err != nil || !bytes.Equal(got, junk) {
			t.Errorf("%s camera: read %q, %v; want the junk then EOF", k, got, err)
		}
	}
}

func TestTCPAcceptsAndCloses(t *testing.T) {
	f := mustStart(t, testConfig())
	conn := mustDial(t, pick(t, f, sharpeyes.ProbeTCP, OK))
	if got, err := io.ReadAll(conn); err != nil || len(got) != 0 {
		t.Fatalf("read %q, %v; want EOF at once", got, err)
	}
}

// The listeners are on 0.0.0.0; a connection to an address outside the
// fleet, such as 127.0.0.1, is closed at once and counts for no camera.
func TestForeignAddressClosed(t *testing.T) {
	f := mustStart(t, Config{Cameras: 2})
	for _, port := range []int{f.Ports().RTSP, f.Ports().ONVIF, f.Ports().TCP, f.Ports().HTTP} {
		cam := sharpeyes.Camera{Host: "127.0.0.1", Port: port}
		conn := mustDial(t, cam)
		conn.Write([]byte("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
		got, err := io.ReadAll(conn)
		if len(got) != 0 || err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("port %d: read %q, %v; want the connection closed", port, got, err)
		}
	}
	for _, c := range f.Cameras() {
		if n := f.Hits(c.ID); n != 0 {
			t.Errorf("camera %s has %d hits, want 0", c.ID, n)
		}
	}
}
