package alert_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// amServer is Debian's prometheus-alertmanager, started by a test on a
// free loopback port with clustering off and its storage in a temp dir.
type amServer struct {
	URL string
	dir string
}

// amBinaries are the names the Alertmanager binary goes by: Debian's
// package installs prometheus-alertmanager, upstream's tarball alertmanager.
var amBinaries = []string{"prometheus-alertmanager", "alertmanager"}

// startAlertmanager launches Alertmanager with the given resolve_timeout
// and stops it when the test ends. Without the binary the test fails when
// CI=true (scripts/test.sh installs it) and is skipped otherwise.
func startAlertmanager(t *testing.T, resolveTimeout time.Duration) *amServer {
	t.Helper()
	bin := ""
	for _, name := range amBinaries {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		msg := "prometheus-alertmanager not found on PATH: run scripts/test.sh, which installs Debian's prometheus-alertmanager"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s := &amServer{dir: t.TempDir()}
	cfg := fmt.Sprintf("global:\n  resolve_timeout: %s\nroute:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n",
		model(resolveTimeout))
	cfgPath := filepath.Join(s.dir, "alertmanager.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Another process may take the free port before Alertmanager binds it:
	// then try another.
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.launch(t, bin, cfgPath); err == nil {
			return s
		}
	}
	t.Fatal(err)
	return nil
}

// model writes d as Alertmanager's durations are written (whole ms).
func model(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }

func (s *amServer) launch(t *testing.T, bin, cfgPath string) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(s.dir, "alertmanager.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.path="+filepath.Join(s.dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() { _ = cmd.Process.Kill(); <-exited }
	s.URL = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(s.URL + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Cleanup(stop)
				return nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logf.Name())
			return fmt.Errorf("alertmanager on %s exited at start:\n%s", addr, log)
		case <-time.After(20 * time.Millisecond): // polling a child's start-up: nothing else to await
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(logf.Name())
			return fmt.Errorf("alertmanager on %s not ready within 20s:\n%s", addr, log)
		}
	}
}

// amAlert is an alert as GET /api/v2/alerts shows it.
type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

// alerts returns Alertmanager's alerts (query narrows them, e.g.
// "active=true"), failing the test when it does not answer.
func (s *amServer) alerts(t *testing.T, query string) []amAlert {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/v2/alerts?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v2/alerts: %s", resp.Status)
	}
	var out []amAlert
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// activeFor returns the active alert labelled camera_id=id, if any.
func (s *amServer) activeFor(t *testing.T, id string) (amAlert, bool) {
	t.Helper()
	for _, a := range s.alerts(t, "active=true&silenced=false&inhibited=false&unprocessed=true") {
		if a.Labels["camera_id"] == id && (a.EndsAt.IsZero() || a.EndsAt.After(time.Now())) {
			return a, true
		}
	}
	return amAlert{}, false
}
