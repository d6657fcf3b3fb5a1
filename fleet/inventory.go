package fleet

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// generator builds the inventory camera by camera, walking the region
// hierarchy district / township / grid.
type generator struct {
	cfg   Config
	addrs addrRange
	plan  plan
	ports Ports
	rng   *rand.Rand
	cams  []sharpeyes.Camera
}

// generate returns the inventory of a fleet: ids, names, regions,
// maintainers and uplinks follow from cfg alone.
func generate(cfg Config, addrs addrRange, p plan, ports Ports) []sharpeyes.Camera {
	g := generator{cfg: cfg, addrs: addrs, plan: p, ports: ports, rng: newRand(cfg.Seed, 2),
		cams: make([]sharpeyes.Camera, 0, cfg.Cameras)}
	ds := districts(cfg.Region, cfg.Cameras)
	for d, nd := range split(cfg.Cameras, len(ds)) {
		towns := ds[d].townships
		for t, nt := range split(nd, min(max(ceilDiv(nd, camerasPerTownship), 1), len(towns))) {
			g.township(ds[d], d, t, nt)
		}
	}
	return g.cams
}

// township adds the n cameras of township t of district d.
func (g *generator) township(dist district, d, t, n int) {
	town := dist.townships[t]
	maintainer := maintainers[(d*3+t)%len(maintainers)]
	inTown := 0
	for grid, ng := range split(n, max(ceilDiv(n, camerasPerGrid), 1)) {
		for k := 0; k < ng; k++ {
			i := len(g.cams)
			c := g.camera(i, dist.code)
			c.Name = fmt.Sprintf("%s网格%02d-%s%d号", town, grid+1, places[i%len(places)], k+1)
			c.Region = fmt.Sprintf("%s/%s/网格%02d", dist.name, town, grid+1)
			c.Maintainer = maintainer
			c.Uplink = fmt.Sprintf("SW-%s-%03d", string([]rune(town)[:2]), inTown/camerasPerUplink)
			lat := 27.80 + 0.04*float64(d) + 0.008*float64(t) + 0.001*float64(grid) + 0.001*g.rng.Float64()
			lon := 113.10 + 0.05*float64(d) + 0.006*float64(t) + 0.001*float64(grid) + 0.001*g.rng.Float64()
			c.Lat, c.Lon = round6(lat), round6(lon)
			g.cams = append(g.cams, c)
			inTown++
		}
	}
}

// camera returns camera i's id, address, probe and dates.
func (g *generator) camera(i int, code string) sharpeyes.Camera {
	kind, b := g.plan.kinds[i], g.plan.behaviors[i]
	c := sharpeyes.Camera{
		ID:        fmt.Sprintf("%s0000%s%d%06d", code, "132", 0, i+1),
		Host:      g.addrs.host(i),
		Probe:     kind,
		Owner:     g.plan.owners[i],
		Lifecycle: g.plan.lifecycles[i],
		Secret:    sharpeyes.Credentials{Username: g.cfg.Username, Password: g.cfg.Password},
	}
	switch kind {
	case sharpeyes.ProbeRTSP:
		c.Port, c.Path = g.ports.RTSP, rtspPath
	case sharpeyes.ProbeONVIF:
		c.Port, c.Path = g.ports.ONVIF, onvifPath
	case sharpeyes.ProbeHTTP:
		c.Port, c.Path = g.ports.HTTP, httpPath
	case sharpeyes.ProbeTCP:
		c.Port = g.ports.TCP
	}
	switch b {
	case Refused:
		c.Port = g.ports.Refused
	case Blackhole:
		c.Port = g.ports.Blackhole
	}
	g.dates(&c)
	return c
}

// dates sets installed_at of active and retired cameras and due of planned
// and building ones, some of which are overdue.
func (g *generator) dates(c *sharpeyes.Camera) {
	day := func(y int, m time.Month, d, spread int) sharpeyes.Date {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(spread))
		return sharpeyes.Date(t.Format("2006-01-02"))
	}
	switch c.Lifecycle {
	case sharpeyes.Active:
		c.InstalledAt = day(2016, time.January, 1, 3600)
	case sharpeyes.Retired:
		c.InstalledAt = day(2012, time.March, 1, 1500)
	case sharpeyes.Building:
		c.Due = day(2026, time.January, 1, 540)
	case sharpeyes.Planned:
		c.Due = day(2026, time.September, 1, 720)
	}
}

func round6(v float64) *float64 {
	r := math.Round(v*1e6) / 1e6
	return &r
}

// inventoryHeader is the CSV header of SPEC, plus the credentials.
var inventoryHeader = []string{"id", "name", "host", "port", "probe", "path", "region", "owner", "lifecycle",
	"maintainer", "uplink", "lat", "lon", "due", "installed_at", "username", "password"}

// WriteInventory writes the inventory with its credentials, for import:
// format "csv" (UTF-8 without BOM, the English header of SPEC plus
// username and password) or "json" (an array of camera objects with
// username and password fields). It returns an error for another format or
// when w fails.
func (f *Fleet) WriteInventory(w io.Writer, format string) error {
	switch format {
	case "csv":
		return writeCSV(w, f.cams)
	case "json":
		in := make([]sharpeyes.CameraInput, len(f.cams))
		for i, c := range f.cams {
			c.GB = nil // derived from the id on import
			in[i] = sharpeyes.CameraInput{Camera: c, Username: c.Secret.Username, Password: c.Secret.Password}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(in); err != nil {
			return fmt.Errorf("write inventory json: %w", err)
		}
		return nil
	}
	return fmt.Errorf("write inventory: unknown format %q (want csv or json)", format)
}

func writeCSV(w io.Writer, cams []sharpeyes.Camera) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(inventoryHeader); err != nil {
		return fmt.Errorf("write inventory csv: %w", err)
	}
	row := make([]string, len(inventoryHeader))
	for _, c := range cams {
		row = append(row[:0], c.ID, c.Name, c.Host, portField(c.Port), string(c.Probe), c.Path, c.Region,
			string(c.Owner), string(c.Lifecycle), c.Maintainer, c.Uplink, floatField(c.Lat), floatField(c.Lon),
			string(c.Due), string(c.InstalledAt), c.Secret.Username, c.Secret.Password)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write inventory csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write inventory csv: %w", err)
	}
	return nil
}

func portField(p int) string {
	if p == 0 {
		return ""
	}
	return strconv.Itoa(p)
}

func floatField(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 6, 64)
}
