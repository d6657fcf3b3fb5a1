package fleet

import (
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// BenchmarkFleetRTSP measures whole RTSP exchanges (connect, OPTIONS,
// DESCRIBE, close; with credentials also the 401 and the Digest retry)
// against 1,000 cameras, with the client in the same process as a
// collector would be. It reports exchanges/s.
func BenchmarkFleetRTSP(b *testing.B) {
	for _, tt := range []struct {
		name     string
		user, pw string
	}{{"noauth", "", ""}, {"digest", "admin", "pw"}} {
		b.Run(tt.name, func(b *testing.B) {
			f := mustStart(b, Config{Cameras: 1000, Username: tt.user, Password: tt.pw})
			cams := f.Cameras()
			runParallel(b, "exchanges/s", func(i int) error { return benchExchange(cams[i%len(cams)]) })
		})
	}
}

// BenchmarkFleetTCP measures TCP probes (connect, EOF, close) and reports
// connects/s.
func BenchmarkFleetTCP(b *testing.B) {
	f := mustStart(b, Config{Cameras: 1000, Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
	cams := f.Cameras()
	runParallel(b, "connects/s", func(i int) error {
		conn, err := net.DialTimeout("tcp", addr(cams[i%len(cams)]), 2*time.Second)
		if err != nil {
			return err
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		_, err = io.ReadAll(conn)
		return err
	})
}

// runParallel runs op b.N times over 32 goroutines and reports the rate.
func runParallel(b *testing.B, unit string, op func(i int) error) {
	b.Helper()
	var next atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(int(next.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
	// CPU per operation (client and fleet together) does not depend on what
	// else the machine runs, unlike the rate.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime returns the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchExchange(c sharpeyes.Camera) error {
	conn, err := net.DialTimeout("tcp", addr(c), 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	rc, url := newRTSPClient(conn), rtspURL(c)
	if _, err := rc.do("OPTIONS", url); err != nil {
		return err
	}
	resp, err := rc.do("DESCRIBE", url)
	if err == nil && resp.code == 401 {
		resp, err = rc.do("DESCRIBE", url, digestHeader(resp.header.Get("WWW-Authenticate"), "admin", "pw", "DESCRIBE", url))
	}
	if err == nil && resp.code != 200 {
		return io.ErrUnexpectedEOF
	}
	return err
}
