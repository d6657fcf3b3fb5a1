package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/fleet"
)

// runFleet serves a simulated camera fleet on loopback until interrupted.
func runFleet(ctx context.Context, e env, args []string) error {
	fs := newFlags("fleet", e.stderr)
	n := fs.Int("cameras", 1000, "number of simulated cameras")
	down := fs.Float64("down", 0, "percent of cameras that refuse connections")
	blackhole := fs.Float64("blackhole", 0, "percent of cameras whose connects time out")
	mix := fs.String("mix", "", "more behaviours as name=percent,… (silent, rtsp_401, rtsp_404, rtsp_503, slow, garbage, drift, reset, novideo)")
	kind := fs.String("kind", "", "probe kind of every camera (tcp, rtsp, onvif, http); default a demo mix")
	seed := fs.Int64("seed", 1, "seed of the deterministic fleet")
	base := fs.String("base-ip", fleet.DefaultBaseIP, "first camera address (127.x.y.z)")
	user := fs.String("user", "", "RTSP username (Digest auth required when set)")
	pass := fs.String("password", "", "RTSP password")
	out := fs.String("inventory", "", "write the fleet's inventory to this file (.csv or .json)")
	control := fs.String("control", "127.0.0.1:0", "address of the control API (GET /cameras, POST /cameras/{id}?behavior=…)")
	bind := fs.String("bind", "loopback", "where the camera listeners take connections: loopback (127.0.0.0/8 only) or all (every interface)")
	var gb gbFleetFlags
	gb.register(fs)
	var ports [4]int
	for i, name := range []string{"rtsp-port", "onvif-port", "tcp-port", "http-port"} {
		fs.IntVar(&ports[i], name, 0, "listener port (0: any free port)")
	}
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *bind != "loopback" && *bind != "all" {
		return usageErrorf("--bind: %q is not loopback or all", *bind)
	}
	if *n == 0 && gb.devices == 0 {
		return usageErrorf("--cameras: 0 cameras and no --gb-devices: nothing to simulate")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	stopGB, err := gb.start(ctx, e, log)
	if err != nil {
		return err
	}
	defer stopGB()
	if *n == 0 {
		<-ctx.Done()
		return nil
	}
	cfg, err := fleetConfig(*n, *down, *blackhole, *mix, *kind)
	if err != nil {
		return err
	}
	cfg.Seed, cfg.BaseIP, cfg.Username, cfg.Password = *seed, *base, *user, *pass
	cfg.RTSPPort, cfg.ONVIFPort, cfg.TCPPort, cfg.HTTPPort = ports[0], ports[1], ports[2], ports[3]
	cfg.ListenAll = *bind == "all"
	cfg.Logger = log
	f, err := fleet.Start(ctx, cfg)
	if err != nil {
		return usageError{err}
	}
	defer f.Close()
	if *out != "" {
		if err := writeFleetInventory(f, *out); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *control)
	if err != nil {
		return fmt.Errorf("control api: %w", err)
	}
	srv := &http.Server{Handler: f.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	p := f.Ports()
	fmt.Fprintf(e.stdout, "fleet of %d cameras from %s: rtsp :%d onvif :%d tcp :%d http :%d; control http://%s\n",
		*n, cfg.BaseIP, p.RTSP, p.ONVIF, p.TCP, p.HTTP, ln.Addr())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func fleetConfig(n int, down, blackhole float64, mix, kind string) (fleet.Config, error) {
	cfg := fleet.Demo(n)
	cfg.Mix = map[fleet.Behavior]float64{}
	cfg.Username, cfg.Password = "", ""
	if down > 0 {
		cfg.Mix[fleet.Refused] = down / 100
	}
	if blackhole > 0 {
		cfg.Mix[fleet.Blackhole] = blackhole / 100
	}
	for _, kv := range strings.Split(mix, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		name, pct, ok := strings.Cut(kv, "=")
		v, err := strconv.ParseFloat(pct, 64)
		if !ok || err != nil {
			return cfg, usageErrorf("--mix: %q is not name=percent", kv)
		}
		cfg.Mix[fleet.Behavior(name)] = v / 100
	}
	if kind != "" {
		k := sharpeyes.ProbeKind(kind)
		cfg.Kinds = map[sharpeyes.ProbeKind]float64{k: 1}
		if k == sharpeyes.ProbeRTSP {
			cfg.Kinds = nil // the rest is rtsp
		}
	}
	return cfg, nil
}

func writeFleetInventory(f *fleet.Fleet, path string) error {
	format := "csv"
	if strings.HasSuffix(path, ".json") {
		format = "json"
	}
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write inventory: %w", err)
	}
	if err := f.WriteInventory(file, format); err != nil {
		file.Close()
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	return errors.Join(file.Close())
}
