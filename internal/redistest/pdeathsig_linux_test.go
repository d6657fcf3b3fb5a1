package redistest_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/internal/redistest"
)

// TestHelperHoldsARedis is not a test of its own: run by
// TestRedisDiesWithATestBinaryKilled, it starts a redis-server, prints its
// pid and waits to be killed.
func TestHelperHoldsARedis(t *testing.T) {
	if os.Getenv("REDISTEST_HELPER") != "1" {
		t.Skip("run by TestRedisDiesWithATestBinaryKilled")
	}
	s := redistest.Start(t)
	fmt.Printf("redis-pid %d\n", s.Pid())
	time.Sleep(time.Minute) // killed long before
}

// A test binary killed with SIGKILL (a panic, a CI timeout) leaves no
// redis-server behind.
func TestRedisDiesWithATestBinaryKilled(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldsARedis$", "-test.v")
	cmd.Env = append(os.Environ(), "REDISTEST_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pid := 0
	sc := bufio.NewScanner(out)
	for pid == 0 && sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "redis-pid "); ok {
			pid, _ = strconv.Atoi(rest)
		}
	}
	if pid == 0 {
		t.Fatal("the helper printed no redis pid")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Signal 0 fails once the process is gone (it was our grandchild,
		// reaped by init).
		if err := syscall.Kill(pid, 0); err != nil {
			return
		}
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("redis-server %d still runs 10 s after its test binary was killed", pid)
		}
		time.Sleep(50 * time.Millisecond) // polling a process's existence: there is nothing to wait on
	}
}
