package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A lease_ttl not well below a schedule's interval gets a start-up
// warning naming the key: a replica that dies mid-sweep would leave its
// last shards unprobed until the next sweep.
func TestLeaseTTLCloseToTheIntervalIsWarnedAbout(t *testing.T) {
	for _, tc := range []struct {
		schedule string
		ttl      time.Duration
		warn     bool
	}{
		{"*/30 * * * * *", 30 * time.Second, true},
		{"*/30 * * * * *", 15 * time.Second, false},
		{"0 * * * * *", 30 * time.Second, false},
		{"0 */5 * * * *", 3 * time.Minute, true},
	} {
		var buf bytes.Buffer
		warnLeaseTTL(slog.New(slog.NewTextHandler(&buf, nil)), tc.ttl, "", tc.schedule)
		if got := strings.Contains(buf.String(), "collector.lease_ttl"); got != tc.warn {
			t.Errorf("schedule %q, lease_ttl %s: warned %v, want %v: %s", tc.schedule, tc.ttl, got, tc.warn, buf.String())
		}
	}
}
