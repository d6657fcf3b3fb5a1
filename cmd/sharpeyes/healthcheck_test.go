package main

import (
	"strings"
	"testing"
)

// healthcheck exits 0 against a ready serve and 1 when nothing answers,
// finding the server from the configured listen address.
func TestHealthcheckTellsReadyFromDown(t *testing.T) {
	base, _, stop := startServe(t, nil, "--no-collector")
	addr := strings.TrimPrefix(base, "http://")
	if code, out, errs := runCmd(t, []string{"SHARPEYES_LISTEN=" + addr}, "healthcheck"); code != exitOK || !strings.Contains(out, "/readyz 200") {
		t.Fatalf("ready server: exit %d, %q %q", code, out, errs)
	}
	if code, out, _ := runCmd(t, nil, "healthcheck", "--live", "--url", base); code != exitOK || !strings.Contains(out, "/healthz 200") {
		t.Fatalf("--live: exit %d, %q", code, out)
	}
	stop()
	if code, _, errs := runCmd(t, nil, "healthcheck", "--url", base); code != exitFailure || !strings.Contains(errs, "unhealthy") {
		t.Fatalf("stopped server: exit %d, %q; want 1", code, errs)
	}
}

func TestLocalAddrDialsLoopbackForWildcardListens(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8080": "127.0.0.1:8080", ":8080": "127.0.0.1:8080", "[::]:8080": "[::1]:8080",
		"10.1.2.3:8080": "10.1.2.3:8080", "127.0.0.1:9000": "127.0.0.1:9000",
	} {
		if got := localAddr(in); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
