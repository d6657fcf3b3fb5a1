package main

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/config"
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

// Unset, lease_ttl follows the shortest schedule: a quarter of its
// interval, between 10 s and 30 s; a configured one is kept.
func TestLeaseTTLFollowsTheShortestSchedule(t *testing.T) {
	for _, tc := range []struct {
		name     string
		schedule string
		groups   []string
		ttl      time.Duration // configured
		want     time.Duration
	}{
		{"every minute", "0 * * * * *", nil, 0, 15 * time.Second},
		{"every 2 minutes", "0 */2 * * * *", nil, 0, 30 * time.Second},
		{"every 3 minutes", "0 */3 * * * *", nil, 0, 30 * time.Second},
		{"every 30 s", "*/30 * * * * *", nil, 0, 10 * time.Second},
		{"every 5 s", "*/5 * * * * *", nil, 0, 10 * time.Second},
		{"a group sweeps more often", "0 */5 * * * *", []string{"0 * * * * *"}, 0, 15 * time.Second},
		{"configured", "*/30 * * * * *", nil, 20 * time.Second, 20 * time.Second},
	} {
		cc := config.Default().Collector
		cc.Schedule, cc.LeaseTTL = tc.schedule, config.Duration(tc.ttl)
		for i, s := range tc.groups {
			cc.Groups = append(cc.Groups, config.Group{Name: "g" + strconv.Itoa(i), Schedule: s})
		}
		if got := leaseTTL(cc); got != tc.want {
			t.Errorf("%s: lease_ttl %s, want %s", tc.name, got, tc.want)
		}
	}
}
