// Package gstrtsp starts GStreamer's RTSP server (gst-rtsp-server, through
// a small python3 script) as a child process on a free loopback port, so
// that the RTSP probe is tested against a real third-party server and not
// only against our own fleet simulator.
//
// The server serves rtsp://127.0.0.1:PORT/test: an MJPEG test pattern
// (payload type 26) and a PCMA test tone (payload type 8), optionally
// behind Basic or Digest authentication.
//
// It needs the Debian packages python3-gi, gir1.2-gst-rtsp-server-1.0,
// gstreamer1.0-plugins-base and gstreamer1.0-plugins-good, which
// scripts/test.sh installs. When they are missing, Start fails the test
// when CI=true and skips it otherwise.
package gstrtsp

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed gst_rtsp_server.py
var script []byte

// Auth is the authentication the server requires.
type Auth string

// The authentication methods.
const (
	None   Auth = "none"
	Basic  Auth = "basic"
	Digest Auth = "digest"
)

// Server is one running GStreamer RTSP server.
type Server struct {
	// Addr is "127.0.0.1:PORT"; the stream is at rtsp://Addr/test.
	Addr string
	Port int
}

// readyTimeout bounds the server's start-up (python and GStreamer
// initialisation take a second or so on a loaded machine).
const readyTimeout = 30 * time.Second

var (
	checkOnce sync.Once
	python    string
	checkErr  error
)

// available finds a python3 with GStreamer's RTSP server bindings and every
// element of the test pipeline, once per test binary. The system python
// comes first: a python3 earlier on PATH (pyenv, a virtualenv) usually
// lacks the Debian-packaged gi module.
func available(dir string) (string, error) {
	checkOnce.Do(func() {
		path := filepath.Join(dir, "gst_rtsp_server.py")
		if err := os.WriteFile(path, script, 0o600); err != nil {
			checkErr = err
			return
		}
		var tried []string
		for _, p := range []string{"/usr/bin/python3", "python3"} {
			out, err := exec.Command(p, path, "--check").CombinedOutput()
			if err == nil {
				python = p
				return
			}
			tried = append(tried, fmt.Sprintf("%s: %v: %s", p, err, lastLine(out)))
		}
		checkErr = fmt.Errorf("no python3 with GStreamer's RTSP server (install python3-gi gir1.2-gst-rtsp-server-1.0 "+
			"gstreamer1.0-plugins-base gstreamer1.0-plugins-good, as scripts/test.sh does): %s", strings.Join(tried, "; "))
	})
	return python, checkErr
}

func lastLine(b []byte) string {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}

// Start runs a server with auth (user and password unless auth is None) and
// stops it when the test ends. It skips the test when GStreamer's RTSP
// server is not installed, or fails it when CI=true.
func Start(tb testing.TB, auth Auth, user, password string) *Server {
	tb.Helper()
	dir := tb.TempDir()
	py, err := available(dir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	path := filepath.Join(dir, "gst_rtsp_server.py")
	if err := os.WriteFile(path, script, 0o600); err != nil {
		tb.Fatal(err)
	}
	args := []string{path, "0"}
	if auth != None {
		args = append(args, string(auth), user, password)
	}
	cmd := exec.Command(py, args...)
	// The script exits when its stdin closes, so it dies with the test
	// binary even when the binary is killed.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start GStreamer RTSP server: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	ready := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				if n, err := strconv.Atoi(p); err == nil {
					ready <- n
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case port := <-ready:
		return &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Port: port}
	case <-exited:
		tb.Fatalf("GStreamer RTSP server exited before READY: %s", stderr.String())
	case <-time.After(readyTimeout):
		tb.Fatalf("GStreamer RTSP server not READY after %s: %s", readyTimeout, stderr.String())
	}
	return nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
