package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes/fleet"
)

const (
	benchDomain   = "4302000000"
	benchPassword = "bench-pw"
)

// result is what one scenario measured.
type result struct {
	devices   int
	keepalive time.Duration
	// registration phase
	regWall, regCPU float64
	regCmds         int64
	// keepalive window
	kaCount                          int64
	kaWall, kaCPU, kaRedisCPU, kaGen float64
	kaCmds                           int64
	kaByCmd                          map[string]int64
	retrans, timeouts                int64
	peakRSSKB                        int64
}

// peers are a scenario's redis-server and SIP server process.
type peers struct {
	rc   *redisConn
	sip  string // the SIP server's UDP address
	pid  int
	stop func()
}

// scenario runs n devices against a fresh redis-server and SIP server
// process and measures both phases.
func scenario(ctx context.Context, o options, sp spec, logw io.Writer) (result, error) {
	r := result{devices: sp.devices, keepalive: sp.keepalive}
	p, err := startPeers(ctx, o)
	if err != nil {
		return r, err
	}
	defer p.stop()
	fmt.Fprintf(logw, "gbbench: %d devices @%s against sharpeyes gb28181 (pid %d) at %s\n", sp.devices, sp.keepalive, p.pid, p.sip)
	f, err := measureRegistration(ctx, o, sp, p, &r)
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		return r, err
	}
	if err := measureKeepalives(ctx, o, sp, p, f, &r); err != nil {
		return r, err
	}
	r.peakRSSKB = procHWM(p.pid)
	return r, nil
}

// startPeers starts redis-server and `sharpeyes gb28181` on free loopback
// ports, in a temporary directory that stop removes.
func startPeers(ctx context.Context, o options) (p peers, err error) {
	var undo []func()
	p.stop = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			p.stop()
		}
	}()
	dir, err := os.MkdirTemp("", "gbbench")
	if err != nil {
		return p, err
	}
	undo = append(undo, func() { os.RemoveAll(dir) })
	rport, err := freePort()
	if err != nil {
		return p, err
	}
	raddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(rport))
	stopRedis, err := startProcess(exec.Command(o.redisServer, "--port", strconv.Itoa(rport), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir), filepath.Join(dir, "redis.log"))
	if err != nil {
		return p, fmt.Errorf("redis-server: %w", err)
	}
	undo = append(undo, stopRedis)
	if p.rc, err = dialRedis(ctx, raddr); err != nil {
		return p, err
	}
	undo = append(undo, func() { p.rc.Close() })
	srv := exec.Command(o.sharpeyes, "gb28181", "--redis", "redis://"+raddr, "--listen", "127.0.0.1:0")
	srv.Env = append(os.Environ(), "SHARPEYES_RUNTIME_DIR="+dir, "SHARPEYES_GB28181_ID="+benchDomain+"2000000001",
		"SHARPEYES_GB28181_DOMAIN="+benchDomain, "SHARPEYES_GB28181_PASSWORD="+benchPassword)
	srvLog := filepath.Join(dir, "sharpeyes.log")
	stopSrv, err := startProcess(srv, srvLog)
	if err != nil {
		return p, fmt.Errorf("sharpeyes gb28181: %w", err)
	}
	undo = append(undo, stopSrv)
	p.pid = srv.Process.Pid
	p.sip, err = awaitListening(ctx, srvLog)
	return p, err
}

// measureRegistration starts the devices, keepalives off, and waits until
// every one registered.
func measureRegistration(ctx context.Context, o options, sp spec, p peers, r *result) (*fleet.GBFleet, error) {
	n := sp.devices
	quiet := make([]fleet.GBBehavior, n)
	for i := range quiet {
		quiet[i] = fleet.GBNoKeepalive
	}
	cmds0, err := p.rc.commandStats()
	if err != nil {
		return nil, err
	}
	cpu0, t0 := procCPU(p.pid), time.Now()
	spread := o.spread * time.Duration(n) / 10_000
	f, err := fleet.StartGB(ctx, fleet.GBConfig{Platform: p.sip, Domain: benchDomain, Password: benchPassword,
		Devices: n, Keepalive: sp.keepalive, Spread: spread,
		RetryInterval: 2 * time.Second, DevicesPerSocket: o.perSocket, Behaviors: quiet})
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(spread + time.Minute)
	for f.Stats().Registered < int64(n) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return f, fmt.Errorf("only %d of %d devices registered: %+v", f.Stats().Registered, n, f.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.regWall = time.Since(t0).Seconds()
	r.regCPU = procCPU(p.pid) - cpu0
	cmds1, err := p.rc.commandStats()
	if err != nil {
		return f, err
	}
	r.regCmds = sum(diff(cmds1, cmds0))
	return f, nil
}

// measureKeepalives turns every device's keepalives on, waits one interval
// (each device's first keepalive is due within it) and measures the window.
func measureKeepalives(ctx context.Context, o options, sp spec, p peers, f *fleet.GBFleet, r *result) error {
	for _, id := range f.IDs() {
		if err := f.Set(id, fleet.GBOK); err != nil {
			return err
		}
	}
	time.Sleep(sp.keepalive + time.Second)
	cmds0, err := p.rc.commandStats()
	if err != nil {
		return err
	}
	rcpu0, err := p.rc.cpu()
	if err != nil {
		return err
	}
	st0, cpu0, gen0, t0 := f.Stats(), procCPU(p.pid), selfCPU(), time.Now()
	select {
	case <-time.After(o.window):
	case <-ctx.Done():
		return ctx.Err()
	}
	st1 := f.Stats()
	r.kaWall = time.Since(t0).Seconds()
	r.kaCPU = procCPU(p.pid) - cpu0
	r.kaGen = selfCPU() - gen0
	cmds1, err := p.rc.commandStats()
	if err != nil {
		return err
	}
	rcpu1, err := p.rc.cpu()
	if err != nil {
		return err
	}
	r.kaByCmd = diff(cmds1, cmds0)
	r.kaCmds = sum(r.kaByCmd)
	r.kaRedisCPU = rcpu1 - rcpu0
	r.kaCount = st1.Keepalives - st0.Keepalives
	r.retrans, r.timeouts = st1.Retransmissions-st0.Retransmissions, st1.Timeouts-st0.Timeouts
	return nil
}

// startProcess starts cmd with its output in logPath; the returned func
// stops it with SIGTERM (SIGKILL after 10 s) and waits.
func startProcess(cmd *exec.Cmd, logPath string) (func(), error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	return func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		out.Close()
	}, nil
}

var listening = regexp.MustCompile(`udp=(127\.0\.0\.1:\d+)`)

// awaitListening returns the SIP server's UDP address from its log.
func awaitListening(ctx context.Context, logPath string) (string, error) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		b, _ := os.ReadFile(logPath)
		if m := listening.FindSubmatch(b); m != nil {
			return string(m[1]), nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(logPath)
	return "", fmt.Errorf("sharpeyes gb28181 did not start listening:\n%s", b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// procCPU is a process's user + system CPU seconds (clock ticks of 10 ms).
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := splitAfterComm(string(b))
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100
}

// splitAfterComm returns the fields of /proc/PID/stat after "(comm)",
// from the state (field 3) on.
func splitAfterComm(s string) []string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ')' {
			var out []string
			for _, f := range regexp.MustCompile(`\s+`).Split(s[i+1:], -1) {
				if f != "" {
					out = append(out, f)
				}
			}
			return out
		}
	}
	return nil
}

var hwm = regexp.MustCompile(`VmHWM:\s+(\d+) kB`)

// procHWM is a process's peak resident set size in KiB.
func procHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	m := hwm.FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return v
}

// selfCPU is this process's user + system CPU seconds: the devices'.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

var errRedis = errors.New("redis")
