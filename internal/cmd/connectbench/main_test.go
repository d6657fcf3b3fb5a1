package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReadTargetsFixture(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "inventory.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ts, skipped, err := readTargets(f, false)
	if err != nil {
		t.Fatalf("readTargets: %v", err)
	}
	want := []target{
		{addr: "127.20.0.2:8554", url: "rtsp://127.20.0.2:8554/Streaming/Channels/101"},
		{addr: "127.20.0.3:9000"},
		{addr: "[::1]:8554", url: "rtsp://[::1]:8554/live"},
	}
	if fmt.Sprint(ts) != fmt.Sprint(want) || skipped != 2 {
		t.Errorf("got %v, %d skipped; want %v, 2 skipped", ts, skipped, want)
	}
}

func TestReadTargetsRefusesBadInventories(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"not-loopback.csv", "line 3: host 10.0.0.7 is not loopback"},
		{"hostname.csv", `line 2: host "camera.local" is not an IP address`},
		{"no-port.csv", `header: no "port" column`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, _, err = readTargets(f, true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewTargetAcceptsOnlyLoopback(t *testing.T) {
	tests := []struct {
		host, port string
		ok         bool
	}{
		{"127.0.0.1", "80", true},
		{"127.255.254.253", "554", true},
		{"::1", "554", true},
		{"::ffff:127.0.0.9", "554", true},
		{"128.0.0.1", "80", false},
		{"0.0.0.0", "80", false},
		{"::", "80", false},
		{"fe80::1%lo", "80", false},
		{"localhost", "80", false},
		{"127.0.0.1", "0", false},
		{"127.0.0.1", "65536", false},
		{"127.0.0.1", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.host+"_"+tt.port, func(t *testing.T) {
			_, err := newTarget(tt.host, tt.port, "tcp", "")
			if (err == nil) != tt.ok {
				t.Errorf("newTarget(%q, %q) error = %v, want ok=%v", tt.host, tt.port, err, tt.ok)
			}
		})
	}
}

func TestRunCountsOutcomesAgainstLoopbackServer(t *testing.T) {
	addr := startRTSP(t)
	refused := closedPort(t)
	inv := "host,port,probe,path,lifecycle\n"
	for range 5 {
		inv += fmt.Sprintf("%s,%s,rtsp,/live,active\n", addr.host, addr.port)
	}
	inv += fmt.Sprintf("%s,%s,tcp,,active\n%s,%s,tcp,,building\n", addr.host, addr.port, addr.host, addr.port)
	inv += fmt.Sprintf("127.0.0.1,%d,tcp,,active\n", refused)
	inv += fmt.Sprintf("%s,%s,rtsp,/live,planned\n", addr.host, addr.port)
	file := filepath.Join(t.TempDir(), "inv.csv")
	if err := os.WriteFile(file, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"--rst=false", "--rst"} {
		t.Run(mode, func(t *testing.T) {
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			code := run(ctx, []string{"--rtsp", mode, "--concurrency", "3", "--timeout", "5s", file}, &out, &errOut)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut.String())
			}
			for _, want := range []string{"1 skipped", "\ncount 8\n", "\nok 7\n", "\nfailures refused=1\n"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestRunRefusesNonLoopbackInventory(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{filepath.Join("testdata", "not-loopback.csv")}, &out, &errOut)
	if code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "not loopback") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, a loopback error", code, out.String(), errOut.String())
	}
}

type hostPort struct{ host, port string }

// startRTSP serves minimal RTSP replies on 127.0.0.1 until the test ends:
// 200 to OPTIONS, 200 with an SDP body to DESCRIBE.
func startRTSP(t *testing.T) hostPort {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serveRTSP(c) })
		}
	})
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	return hostPort{host, port}
}

func serveRTSP(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for {
		first, err := br.ReadString('\n')
		if err != nil {
			return
		}
		cseq := ""
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if line = strings.TrimSpace(line); line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "CSeq: "); ok {
				cseq = v
			}
		}
		body := ""
		if strings.HasPrefix(first, "DESCRIBE ") {
			body = "v=0\r\nm=video 0 RTP/AVP 96\r\n"
		}
		fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Length: %d\r\n\r\n%s", cseq, len(body), body)
	}
}

// closedPort returns a loopback port that was just free.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
