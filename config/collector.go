package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sharpeyes/sharpeyes"
)

// CollectorConfig drives the sweeps that probe every camera.
type CollectorConfig struct {
	// Enabled runs the collector in this process; turn it off on API-only
	// replicas. Default true.
	Enabled bool `yaml:"enabled"`
	// Schedule is a cron spec WITH a seconds field (or a descriptor like
	// "@every 30s") for cameras in no group. Default "0 * * * * *": every
	// minute at second 0.
	Schedule string `yaml:"schedule"`
	// Groups give some cameras their own schedule, e.g. police cameras every
	// 30 s. The first group whose filter matches a camera decides its
	// schedule. Default none.
	Groups []Group `yaml:"groups,omitempty"`
	// ProbeTimeout bounds one probe of one camera. Default 2s.
	ProbeTimeout Duration `yaml:"probe_timeout"`
	// Concurrency is how many probes run at once. Default 2000; keep it well
	// under the open-file limit.
	Concurrency int `yaml:"concurrency"`
	// FailureThreshold is the consecutive failed sweeps that turn a camera
	// down. Default 2.
	FailureThreshold int `yaml:"failure_threshold"`
	// RecoveryThreshold is the consecutive good sweeps that turn a down
	// camera up again. Default 1.
	RecoveryThreshold int `yaml:"recovery_threshold"`
	// MaxClockDrift is how far an ONVIF camera's clock may be off before it
	// counts as degraded (reason clock_drift). Default 5m.
	MaxClockDrift Duration `yaml:"max_clock_drift"`
	// Spread is the fraction (0 to 1) of the schedule interval over which a
	// sweep's probes are spread, so that 60,000 cameras are not all dialled
	// in the same second. Default 0.5.
	Spread float64 `yaml:"spread"`
	// LeaseTTL is how long a replica holds a shard lease without renewing
	// it. Zero (the default) follows the schedules: a quarter of the
	// shortest sweep interval, between 10s and 30s.
	LeaseTTL Duration `yaml:"lease_ttl"`
	// Shards is the number of camera shards replicas divide between them.
	// Default 64.
	Shards int `yaml:"shards"`
	// IsolationThreshold is the fraction of one sweep's probes that, when
	// they time out or find no route, marks the collector itself isolated
	// (one collector.isolated alert instead of thousands of camera.down);
	// refusals and device answers prove the path works, and probe_error
	// results do not count. Default 0.8.
	IsolationThreshold float64 `yaml:"isolation_threshold"`
	// Instance names this replica in leases and logs; two processes must
	// never share a name. Default: unique to the process, host-pid-random
	// ("" in the file means the same).
	Instance string `yaml:"instance"`
}

// Group is a set of cameras with their own schedule.
type Group struct {
	// Name identifies the group in logs and metrics; unique.
	Name string `yaml:"name"`
	// Schedule is a cron spec with seconds, like "*/30 * * * * *".
	Schedule string `yaml:"schedule"`
	// Filter selects the cameras; empty fields match all.
	Filter GroupFilter `yaml:"filter"`
}

// GroupFilter selects cameras for a Group. Every set field must match.
type GroupFilter struct {
	Owner      sharpeyes.Owner     `yaml:"owner"`
	Region     string              `yaml:"region"` // prefix on whole segments
	Lifecycle  sharpeyes.Lifecycle `yaml:"lifecycle"`
	Maintainer string              `yaml:"maintainer"`
	Probe      sharpeyes.ProbeKind `yaml:"probe"`
}

// Match reports whether camera c belongs to the group.
func (f GroupFilter) Match(c *sharpeyes.Camera) bool {
	if f.Probe != "" && c.Probe != f.Probe {
		return false
	}
	return sharpeyes.Filter{Owner: f.Owner, Region: f.Region, Lifecycle: f.Lifecycle, Maintainer: f.Maintainer}.Match(c)
}

var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec with a seconds field ("0 * * * * *",
// "*/30 * * * * *") or a descriptor ("@every 30s", "@hourly"), the way the
// collector reads Schedule. It returns an error for a malformed spec and for
// one that never fires (like 30 February).
func ParseSchedule(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil { // cron v3.0.1 panics on "TZ=x" without fields
			s, err = nil, fmt.Errorf("invalid cron spec %q", clip(spec))
		}
	}()
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("is required: a cron spec with seconds, like \"0 * * * * *\"")
	}
	s, err = cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid cron spec %q (6 fields, seconds first, like \"0 * * * * *\"): %w", clip(spec), err)
	}
	if s.Next(time.Now()).IsZero() {
		return nil, fmt.Errorf("cron spec %q never fires", clip(spec))
	}
	return s, nil
}

func (c *CollectorConfig) validate(e *errorList) {
	if _, err := ParseSchedule(c.Schedule); err != nil {
		e.add("collector.schedule", "%v", err)
	}
	names := map[string]int{}
	for i, g := range c.Groups {
		key := fmt.Sprintf("collector.groups[%d]", i)
		if g.Name == "default" || g.Name == "once" {
			// The collector's own sweeps: a group of that name would
			// share their leases.
			e.add(key+".name", "%q is reserved for the collector's own sweeps; choose another name", g.Name)
		} else {
			checkName(e, key+".name", g.Name, i, names, "collector.groups")
		}
		if _, err := ParseSchedule(g.Schedule); err != nil {
			e.add(key+".schedule", "%v", err)
		}
		g.Filter.validate(e, key+".filter")
	}
	positive(e, "collector.probe_timeout", c.ProbeTimeout)
	atLeast(e, "collector.concurrency", c.Concurrency, 1)
	atLeast(e, "collector.failure_threshold", c.FailureThreshold, 1)
	atLeast(e, "collector.recovery_threshold", c.RecoveryThreshold, 1)
	positive(e, "collector.max_clock_drift", c.MaxClockDrift)
	if !(c.Spread >= 0 && c.Spread <= 1) {
		e.add("collector.spread", "must be between 0 and 1, got %v", c.Spread)
	}
	if c.LeaseTTL < 0 {
		e.add("collector.lease_ttl", "must be positive, or 0 to follow the schedule, got %s", c.LeaseTTL.Std())
	}
	if c.Shards < 1 || c.Shards > 16384 {
		e.add("collector.shards", "must be between 1 and 16384, got %d", c.Shards)
	}
	if !(c.IsolationThreshold > 0 && c.IsolationThreshold <= 1) {
		e.add("collector.isolation_threshold", "must be above 0 and at most 1, got %v", c.IsolationThreshold)
	}
	if c.Instance == "" || strings.ContainsFunc(c.Instance, isSpaceOrControl) || len(c.Instance) > 128 {
		e.add("collector.instance", "must be 1-128 characters without spaces, got %q", clip(c.Instance))
	}
}

func (f GroupFilter) validate(e *errorList, key string) {
	if f.Owner != "" && !slices.Contains(sharpeyes.Owners, f.Owner) {
		e.add(key+".owner", "must be one of %s, got %q", joinOf(sharpeyes.Owners), clip(string(f.Owner)))
	}
	if f.Lifecycle != "" && !slices.Contains(sharpeyes.Lifecycles, f.Lifecycle) {
		e.add(key+".lifecycle", "must be one of %s, got %q", joinOf(sharpeyes.Lifecycles), clip(string(f.Lifecycle)))
	}
	if f.Probe != "" && !slices.Contains(sharpeyes.ProbeKinds, f.Probe) {
		e.add(key+".probe", "must be one of %s, got %q", joinOf(sharpeyes.ProbeKinds), clip(string(f.Probe)))
	}
}
