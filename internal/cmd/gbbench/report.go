package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// report prints the scenarios as a Markdown table, then the ratios of the
// later scenarios against the first (the baseline of the same run).
func report(w io.Writer, o options, rs []result) {
	fmt.Fprintf(w, "window %s, registrations spread over %s per 10,000 devices, %d devices per socket\n\n",
		o.window, o.spread, o.perSocket)
	fmt.Fprintln(w, "| devices | keepalive every | register wall s | server CPU ms / registration | Redis cmds / registration | "+
		"keepalives/s (target) | server CPU µs / keepalive | Redis cmds / keepalive | Redis CPU µs / keepalive | "+
		"devices' CPU µs / keepalive | server peak RSS MB | retransmissions, timeouts in the window |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rs {
		ka := float64(max(r.kaCount, 1))
		fmt.Fprintf(w, "| %d | %s | %.2f | %.3f | %.2f | %.0f (%.0f) | %.1f | %.2f | %.1f | %.1f | %.1f | %d, %d |\n",
			r.devices, r.keepalive, r.regWall, 1e3*r.regCPU/float64(r.devices), float64(r.regCmds)/float64(r.devices),
			ka/r.kaWall, float64(r.devices)/r.keepalive.Seconds(), 1e6*r.kaCPU/ka, float64(r.kaCmds)/ka,
			1e6*r.kaRedisCPU/ka, 1e6*r.kaGen/ka, float64(r.peakRSSKB)/1024, r.retrans, r.timeouts)
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		fmt.Fprintf(w, "%d devices @%s, Redis commands per keepalive: %s\n", r.devices, r.keepalive, perCmd(r.kaByCmd, r.kaCount))
	}
	base := &rs[0]
	for i := range rs {
		r := &rs[i]
		fmt.Fprintf(w, "%d devices @%s: server CPU per keepalive ÷ per registration = %.2f", r.devices, r.keepalive,
			(r.kaCPU/float64(max(r.kaCount, 1)))/(r.regCPU/float64(r.devices)))
		if r != base {
			fmt.Fprintf(w, "; vs %d devices @%s: CPU per keepalive ×%.2f, per registration ×%.2f, peak RSS ×%.2f",
				base.devices, base.keepalive,
				(r.kaCPU/float64(max(r.kaCount, 1)))/(base.kaCPU/float64(max(base.kaCount, 1))),
				(r.regCPU/float64(r.devices))/(base.regCPU/float64(base.devices)),
				float64(r.peakRSSKB)/float64(max(base.peakRSSKB, 1)))
		}
		fmt.Fprintln(w)
	}
}

func perCmd(m map[string]int64, n int64) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %.2f", strings.ToUpper(k), float64(m[k])/float64(max(n, 1))))
	}
	return strings.Join(parts, ", ")
}
