package api_test

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// An operator probes one camera now, from the camera page: the answer is
// the probe's verdict with its steps and a hint, never a secret, and the
// camera's recorded status is left to the collector.
func TestProbeNowAnswersTheVerdictWithStepsAndNoSecret(t *testing.T) {
	a := newAPI(t, nil)
	up := listen(t, func(c net.Conn) {
		// An RTSP camera that refuses the credentials, echoing nothing.
		r := bufio.NewReader(c)
		for {
			req, err := readRTSPRequest(r)
			if err != nil {
				return
			}
			c.Write([]byte("RTSP/1.0 401 Unauthorized\r\nCSeq: " + req + "\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n\r\n"))
		}
	})
	closed := freePort(t)
	tcpUp := listen(t, func(c net.Conn) {})
	for _, cam := range []map[string]any{
		{"id": "rtsp-401", "name": "rtsp", "host": "127.0.0.1", "port": up, "probe": "rtsp", "username": "admin", "password": "PW-never-shown"},
		{"id": "tcp-refused", "name": "refused", "host": "127.0.0.1", "port": closed, "probe": "tcp"},
		{"id": "tcp-up", "name": "up", "host": "127.0.0.1", "port": tcpUp, "probe": "tcp"},
	} {
		a.doJSON(t, "POST", "/api/v1/cameras", adminToken, cam).mustStatus(t, http.StatusCreated)
	}
	for _, tc := range []struct {
		id, lang      string
		state, reason string
		hint          string
	}{
		{"rtsp-401", "", "degraded", "rtsp_401", "用户名或密码"},
		{"tcp-refused", "en", "down", "refused", "port " + strconv.Itoa(closed)},
		{"tcp-up", "", "up", "", ""},
	} {
		path := "/api/v1/cameras/" + tc.id + "/probe"
		if tc.lang != "" {
			path += "?lang=" + tc.lang
		}
		r := a.do(t, "POST", path, operatorToken, nil).mustStatus(t, http.StatusOK)
		if strings.Contains(string(r.Body), "PW-never-shown") {
			t.Fatalf("%s: the password in the answer: %s", tc.id, r.Body)
		}
		var rep probe.Report
		r.decode(t, &rep)
		if string(rep.State) != tc.state || rep.Reason != tc.reason || len(rep.Steps) == 0 ||
			rep.Camera == nil || rep.Camera.ID != tc.id || !strings.Contains(rep.Hint, tc.hint) {
			t.Errorf("%s: %+v; want %s %q with steps and a hint containing %q", tc.id, rep, tc.state, tc.reason, tc.hint)
		}
		// Nothing recorded: the status stays the collector's.
		var cam struct {
			Status struct{ State string } `json:"status"`
		}
		a.do(t, "GET", "/api/v1/cameras/"+tc.id, viewerToken, nil).mustStatus(t, http.StatusOK).decode(t, &cam)
		if cam.Status.State != "unknown" {
			t.Errorf("%s: probe now recorded state %q", tc.id, cam.Status.State)
		}
	}
	a.do(t, "POST", "/api/v1/cameras/tcp-up/probe", viewerToken, nil).mustError(t, http.StatusForbidden, "forbidden", "")
	a.do(t, "POST", "/api/v1/cameras/nope/probe", operatorToken, nil).mustError(t, http.StatusNotFound, "not_found", "")
	a.do(t, "POST", "/api/v1/cameras/tcp-up/probe?lang=fr", operatorToken, nil).mustError(t, http.StatusBadRequest, "bad_request", "lang")
}

// listen serves each connection of a loopback listener with serve and
// returns its port.
func listen(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// freePort is a loopback port nobody listens on: a connection is refused.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// readRTSPRequest reads one RTSP request's head and returns its CSeq.
func readRTSPRequest(r *bufio.Reader) (string, error) {
	cseq := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			return cseq, nil
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "CSeq") {
			cseq = strings.TrimSpace(v)
		}
	}
}
