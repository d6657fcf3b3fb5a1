package gb28181_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/gb28181"
)

// The channels of testdata/sipp/catalog_answer.xml.
const (
	nvrID = "34020000001180000001"
	ch1   = "34020000001310000001"
	ch2   = "34020000001310000002"
	ch3   = "34020000001310000003"
)

// holdDevice runs register_hold.xml with catalog_answer.xml as the
// out-of-call scenario: the device registers and answers the platform's
// Catalog query. It returns once the catalog is applied (the devices API
// lists its channels) and stops sipp at the end of the test.
func (p *platform) holdDevice(d device, ch3Status string) {
	p.t.Helper()
	bin := requireSipp(p.t)
	dir := p.t.TempDir()
	abs := func(name string) string {
		f, err := filepath.Abs(filepath.Join("..", "testdata", "sipp", name))
		if err != nil {
			p.t.Fatal(err)
		}
		return f
	}
	args := []string{"-sf", abs("register_hold.xml"), "-oocsf", abs("catalog_answer.xml"),
		"-i", "127.0.0.1", "-p", strconv.Itoa(freePort(p.t)), "-t", "u1",
		"-m", "1", "-nostdin", "-max_retrans", "3",
		"-s", d.id, "-au", d.id, "-ap", d.password,
		"-key", "platform", platformID, "-key", "domain", domain, "-key", "expires", "3600",
		"-key", "ch3", ch3Status,
		"-trace_logs", "-log_file", filepath.Join(dir, "sipp.log"), "-trace_err", "-error_file", filepath.Join(dir, "err.log"),
		p.srv.Addr()}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	p.await("catalog of "+d.id+" applied", func() bool {
		got, ok := p.devices()[d.id]
		return ok && got.Channels == 3
	}, func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "err.log"))
		l, _ := os.ReadFile(filepath.Join(dir, "sipp.log"))
		return string(b) + string(l)
	})
}

// await polls cond until it holds, failing the test after a generous
// deadline with what explain says.
func (p *platform) await(what string, cond func() bool, explain ...func() string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			msg := ""
			for _, f := range explain {
				msg += f()
			}
			p.t.Fatalf("timed out waiting for %s\n%s", what, msg)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}

// cameraView is GET /api/v1/cameras/{id} through the real API router.
type cameraView struct {
	sharpeyes.Camera
	Status sharpeyes.Status `json:"status"`
}

func (p *platform) camera(id string) (cameraView, bool) {
	p.t.Helper()
	res, err := http.Get(p.api.URL + "/api/v1/cameras/" + id)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == 404 {
		return cameraView{}, false
	}
	if res.StatusCode != 200 {
		p.t.Fatalf("GET camera %s: %s", id, res.Status)
	}
	var c cameraView
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil {
		p.t.Fatal(err)
	}
	return c, true
}

// awaitStatus waits until the API shows camera id in state with reason.
func (p *platform) awaitStatus(id string, state sharpeyes.State, reason string) {
	p.t.Helper()
	var last cameraView
	p.await("camera "+id+" "+string(state)+" "+reason, func() bool {
		c, ok := p.camera(id)
		last = c
		return ok && c.Status.State == state && c.Status.Reason == reason
	}, func() string { b, _ := json.Marshal(last); return "last: " + string(b) })
}

func TestCatalogWithGB2312NamesBecomesPassiveCameras(t *testing.T) {
	p := newPlatform(t)
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "OFF")
	c, ok := p.camera(ch1)
	if !ok {
		t.Fatalf("channel %s is no camera", ch1)
	}
	if c.Name != "荷塘区月塘街道1号" || c.Probe != sharpeyes.ProbeGB28181 || c.Lifecycle != sharpeyes.Active ||
		c.Region != "合肥市" || c.Uplink != nvrID || c.GBDevice != nvrID ||
		c.Tags["manufacturer"] != "Hikvision" || c.Tags["model"] != "DS-2CD3T46" ||
		c.Lat == nil || *c.Lat != 31.861 || c.Lon == nil || *c.Lon != 117.281 {
		t.Errorf("channel 1 camera: %+v", c.Camera)
	}
	if c, _ := p.camera(ch2); c.Name != "东门路口" {
		t.Errorf("channel 2 name %q", c.Name)
	}
	// Registered, no keepalive yet but within the timeout: up; the
	// catalog's OFF is down channel_off.
	p.awaitStatus(ch1, sharpeyes.StateUp, "")
	p.awaitStatus(ch2, sharpeyes.StateUp, "")
	p.awaitStatus(ch3, sharpeyes.StateDown, sharpeyes.ReasonChannelOff)
	if got := p.device(nvrID); got.Channels != 3 || len(got.MissingChannels) != 0 {
		t.Errorf("device: %+v", got)
	}
}

func TestKeepalivesStoppingTakeEveryChannelDown(t *testing.T) {
	p := newPlatform(t)
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "ON")
	p.sipp(d, "keepalive.xml")
	for _, id := range []string{ch1, ch2, ch3} {
		p.awaitStatus(id, sharpeyes.StateUp, "")
	}
	p.clock.Advance(timeout + time.Millisecond)
	for _, id := range []string{ch1, ch2, ch3} {
		p.awaitStatus(id, sharpeyes.StateDown, sharpeyes.ReasonKeepaliveTimeout)
	}
	// A keepalive brings the device back, and its channels up.
	p.sipp(d, "keepalive.xml")
	for _, id := range []string{ch1, ch2, ch3} {
		p.awaitStatus(id, sharpeyes.StateUp, "")
	}
}

func TestUnregisterTakesChannelsDownUnregistered(t *testing.T) {
	p := newPlatform(t)
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "ON")
	p.awaitStatus(ch1, sharpeyes.StateUp, "")
	p.clock.Advance(time.Second)
	p.sipp(d, "register.xml", register(0)...)
	for _, id := range []string{ch1, ch2, ch3} {
		p.awaitStatus(id, sharpeyes.StateDown, sharpeyes.ReasonUnregistered)
	}
}

func TestRestartKeepsChannelsUpUntilTheKeepaliveTimeout(t *testing.T) {
	p := newPlatform(t)
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "ON")
	p.sipp(d, "keepalive.xml")
	p.awaitStatus(ch1, sharpeyes.StateUp, "")
	p.clock.Advance(timeout / 2)
	p.restart()
	// The new server evaluates (at once, then every tick) and finds the
	// last keepalive in Redis: still up.
	p.awaitEvaluations(3)
	if c, _ := p.camera(ch1); c.Status.State != sharpeyes.StateUp {
		t.Fatalf("after restart within the timeout: %+v", c.Status)
	}
	p.clock.Advance(timeout/2 + time.Millisecond)
	p.awaitStatus(ch1, sharpeyes.StateDown, sharpeyes.ReasonKeepaliveTimeout)
}

// awaitEvaluations waits until the current server's evaluator completed n
// evaluations.
func (p *platform) awaitEvaluations(n int64) {
	p.t.Helper()
	p.await("passive evaluations", func() bool { return p.srv.Evaluations() >= n })
}

// Two serve replicas on one Redis each run a SIP server and the passive
// evaluator: one evaluates at a time (the lease holder), never both, and
// when it stops the other takes over within the lease and keeps the
// statuses true.
func TestTwoReplicasEvaluateOneAtATimeAndTakeOver(t *testing.T) {
	p := newPlatform(t)
	// A lease of 3 × 200 ms: no loaded machine stalls a holder that long.
	p.stop()
	p.opts.EvalInterval = 200 * time.Millisecond
	p.start()
	d := device{id: nvrID, password: password}
	p.holdDevice(d, "ON")
	p.sipp(d, "keepalive.xml")
	p.awaitStatus(ch1, sharpeyes.StateUp, "")

	o := p.opts
	o.Listen, o.Instance = "127.0.0.1:0", "" // its own SIP port and instance name
	second, err := gb28181.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		second.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		second.Close()
		<-done
	})
	first := p.srv.Evaluations()
	p.await("five more evaluations by the first replica", func() bool { return p.srv.Evaluations() >= first+5 })
	if n := second.Evaluations(); n != 0 {
		t.Fatalf("the second replica evaluated %d times while the first held the lease", n)
	}

	p.stop() // the first replica ends
	p.await("the second replica to take over", func() bool { return second.Evaluations() > 0 })
	p.clock.Advance(timeout + time.Millisecond)
	p.awaitStatus(ch1, sharpeyes.StateDown, sharpeyes.ReasonKeepaliveTimeout)
}
