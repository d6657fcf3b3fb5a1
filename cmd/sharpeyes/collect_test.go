package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

// asSharpeyes, set in a child's environment, makes this test binary run
// as the sharpeyes command, so that tests can start separate processes.
const asSharpeyes = "SE_TEST_RUN_AS_SHARPEYES"

func TestMain(m *testing.M) {
	if os.Getenv(asSharpeyes) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// Separate `collect --once` processes started together on one host, with
// the default instance names, share one sweep: each camera probed once.
func TestCollectOnceProcessesProbeEachCameraOnce(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ processes, cameras int }{{2, 201}, {3, 50}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d processes, %d cameras", tc.processes, tc.cameras), func(t *testing.T) {
			ctx := context.Background()
			srv := redistest.Start(t)
			f, err := fleet.Start(ctx, fleet.Config{Cameras: tc.cameras, Seed: 4,
				Kinds: map[sharpeyes.ProbeKind]float64{sharpeyes.ProbeTCP: 1}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			s := store.New(srv.Client())
			if _, err := s.PutMany(ctx, f.Cameras()); err != nil {
				t.Fatal(err)
			}
			cmds := make([]*exec.Cmd, tc.processes)
			outs := make([]*bytes.Buffer, tc.processes)
			for i := range cmds {
				cmd := exec.Command(exe, "collect", "--once", "--json", "--redis", "redis://"+srv.Addr)
				cmd.Env = append(os.Environ(), asSharpeyes+"=1",
					"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=2s", "SHARPEYES_COLLECTOR_LEASE_TTL=1s")
				outs[i] = &bytes.Buffer{}
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds[i] = cmd
			}
			written := 0
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("process %d: %v\n%s", i, err, outs[i])
				}
				var sum struct {
					Written int `json:"written"`
				}
				out := outs[i].Bytes()
				if err := json.Unmarshal(out[bytes.IndexByte(out, '{'):], &sum); err != nil {
					t.Fatalf("process %d: summary: %v\n%s", i, err, out)
				}
				written += sum.Written
			}
			ids, twice := make([]string, 0, tc.cameras), 0
			for _, c := range f.Cameras() {
				ids = append(ids, c.ID)
				if n := f.Hits(c.ID); n != 1 {
					if twice++; twice <= 5 {
						t.Errorf("%s probed %d times, want once", c.ID, n)
					}
				}
			}
			sts, err := s.Statuses(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != tc.cameras || written != tc.cameras {
				t.Fatalf("%d statuses, %d written; want %d", len(sts), written, tc.cameras)
			}
		})
	}
}

// TestCollectOnceListsFailingCameras: after its summary, `collect --once`
// lists the first N failing cameras by reason (id, name, host), so the
// technician knows where to go.
func TestCollectOnceListsFailingCameras(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	f, err := fleet.Start(ctx, fleet.Config{Cameras: 20, Seed: 5, BaseIP: "127.26.0.2",
		Mix: map[fleet.Behavior]float64{fleet.Refused: 0.2, fleet.RTSP404: 0.15}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := store.New(srv.Client()).PutMany(ctx, f.Cameras()); err != nil {
		t.Fatal(err)
	}
	var failing []string // "reason id name host", in the order expected
	for _, c := range f.Cameras() {
		if _, reason := f.Expected(c.ID); reason != "" {
			failing = append(failing, strings.Join([]string{reason, c.ID, c.Name, c.Host}, " "))
		}
	}
	slices.Sort(failing)
	if len(failing) < 5 {
		t.Fatalf("fleet has %d failing cameras, the test needs 5", len(failing))
	}
	for _, tt := range []struct {
		args []string
		want int
	}{{nil, len(failing)}, {[]string{"--show-failing", "3"}, 3}, {[]string{"--show-failing", "0"}, 0}} {
		args := append([]string{"collect", "--once", "--redis", "redis://" + srv.Addr}, tt.args...)
		code, out, errOut := runCmd(t, []string{"SHARPEYES_COLLECTOR_PROBE_TIMEOUT=2s"}, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		_, list, found := strings.Cut(out, "failing cameras")
		if tt.want == 0 {
			if found {
				t.Errorf("%v: listed failing cameras:\n%s", args, out)
			}
			continue
		}
		if !found {
			t.Fatalf("%v: no failing cameras listed:\n%s", args, out)
		}
		lines := strings.Split(strings.TrimSpace(list), "\n")[2:] // header line, column titles
		var got []string
		for _, l := range lines {
			got = append(got, strings.Join(strings.Fields(l), " "))
		}
		if !slices.Equal(got, failing[:tt.want]) {
			t.Errorf("%v: listed\n%s\nwant\n%s", args, strings.Join(got, "\n"), strings.Join(failing[:tt.want], "\n"))
		}
		if !strings.Contains(list, fmt.Sprintf("%d", len(failing))) {
			t.Errorf("%v: the list does not say how many cameras fail (%d):\n%s", args, len(failing), list)
		}
	}
}
