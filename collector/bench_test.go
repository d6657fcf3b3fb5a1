package collector_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/collector"
	"github.com/sharpeyes/sharpeyes/collector/probe"
)

// BenchmarkSweep measures what a sweep costs besides the probes
// themselves: inventory, leases, the state machine and the status writes
// of 10,000 cameras, every one changing state on every sweep.
func BenchmarkSweep(b *testing.B) {
	const n = 10_000
	r := newRig(b)
	r.put(b, fakeCameras(n, "d/t"))
	var sweep int
	c := r.collector(b, "bench", func(o *collector.Options) {
		o.Thresholds = collector.Thresholds{Failure: 1}
		o.Probe = scripted(func(string) probe.Result {
			if sweep%2 == 1 {
				return probe.Result{State: sharpeyes.StateDegraded, Reason: sharpeyes.ReasonRTSP401}
			}
			return probe.Result{State: sharpeyes.StateUp}
		})
	})
	b.ReportAllocs()
	for b.Loop() {
		r.clock.Set(t0.Add(time.Duration(sweep) * time.Minute))
		sum, err := c.RunOnce(context.Background())
		if err != nil || sum.Written != n {
			b.Fatalf("sweep %d: %v, %+v", sweep, err, sum)
		}
		sweep++
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/n, "ns/camera")
}
