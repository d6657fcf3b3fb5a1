package fleet

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestWriteInventoryCSVParsesBack(t *testing.T) {
	f := mustStart(t, testConfig())
	var buf bytes.Buffer
	if err := f.WriteInventory(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if !reflect.DeepEqual(rows[0], inventoryHeader) || inventoryHeader[0] != "id" {
		t.Fatalf("header = %q", rows[0])
	}
	cams := f.Cameras()
	if len(rows) != len(cams)+1 {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(cams))
	}
	for i, c := range cams {
		row := map[string]string{}
		for j, h := range rows[0] {
			row[h] = rows[i+1][j]
		}
		want := map[string]string{"id": c.ID, "name": c.Name, "host": c.Host, "port": strconv.Itoa(c.Port),
			"probe": string(c.Probe), "path": c.Path, "region": c.Region, "owner": string(c.Owner),
			"lifecycle": string(c.Lifecycle), "maintainer": c.Maintainer, "uplink": c.Uplink,
			"lat": strconv.FormatFloat(*c.Lat, 'f', 6, 64), "due": string(c.Due),
			"installed_at": string(c.InstalledAt), "username": "admin", "password": "s3cret:pw"}
		for k, v := range want {
			if row[k] != v {
				t.Errorf("row %d %s = %q, want %q", i+1, k, row[k], v)
			}
		}
	}
}

func TestWriteInventoryJSON(t *testing.T) {
	f := mustStart(t, Config{Cameras: 5, Username: "u", Password: "p"})
	var buf bytes.Buffer
	if err := f.WriteInventory(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var in []sharpeyes.CameraInput
	if err := json.Unmarshal(buf.Bytes(), &in); err != nil {
		t.Fatalf("parse: %v", err)
	}
	for i, c := range f.Cameras() {
		got := in[i].ToCamera()
		if err := got.Normalize(); err != nil {
			t.Fatalf("camera %d does not validate: %v", i, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("camera %d: read back %+v, want %+v", i, got, c)
		}
	}
	if err := f.WriteInventory(&buf, "xlsx"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestInventoryShape(t *testing.T) {
	cfg := testConfig()
	cfg.Cameras, cfg.BaseIP = 1000, "127.20.0.250"
	f := mustStart(t, cfg)
	ids, hosts, perUplink, districts := map[string]bool{}, map[string]bool{}, map[string]int{}, map[string]bool{}
	for i, c := range f.Cameras() {
		if c.GB == nil || c.GB.Type != "132" || c.GB.Region != c.ID[:6] || ids[c.ID] || hosts[c.Host] {
			t.Fatalf("camera %d: id %s gb %+v host %s: bad or duplicate", i, c.ID, c.GB, c.Host)
		}
		ids[c.ID], hosts[c.Host] = true, true
		if strings.HasSuffix(c.Host, ".0") || strings.HasSuffix(c.Host, ".255") {
			t.Errorf("camera %d has host %s", i, c.Host)
		}
		if levels := strings.Split(c.Region, "/"); len(levels) != 3 || c.Maintainer == "" || c.Name == "" {
			t.Errorf("camera %d: region %q maintainer %q name %q", i, c.Region, c.Maintainer, c.Name)
		} else {
			districts[levels[0]] = true
		}
		perUplink[c.Uplink]++
	}
	if got := f.Cameras()[5].Host; got != "127.20.1.1" {
		t.Errorf("sixth camera from 127.20.0.250 is %s, want 127.20.1.1", got)
	}
	for up, n := range perUplink {
		if n > camerasPerUplink {
			t.Errorf("uplink %s carries %d cameras", up, n)
		}
	}
	if len(districts) != 5 {
		t.Errorf("1000 cameras over %d districts, want 5", len(districts))
	}
}

func TestInventoryRegionOption(t *testing.T) {
	cfg := Config{Cameras: 300, Region: "演示区"}.withDefaults()
	addrs, err := newAddrRange(cfg.BaseIP, cfg.Cameras)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range generate(cfg, addrs, newPlan(cfg), Ports{RTSP: 554}) {
		if !strings.HasPrefix(c.Region, "演示区/") {
			t.Fatalf("region %q lacks the prefix", c.Region)
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	cfg := testConfig().withDefaults()
	addrs, err := newAddrRange(cfg.BaseIP, cfg.Cameras)
	if err != nil {
		t.Fatal(err)
	}
	inv := func(seed int64) []sharpeyes.Camera {
		c := cfg
		c.Seed = seed
		return generate(c, addrs, newPlan(c), Ports{RTSP: 554, ONVIF: 80, TCP: 8000, HTTP: 80})
	}
	if !reflect.DeepEqual(inv(1), inv(1)) {
		t.Error("the same seed gave two inventories")
	}
	if reflect.DeepEqual(newPlan(cfg), newPlan(Config{Cameras: cfg.Cameras, Seed: 2, Mix: cfg.Mix})) {
		t.Error("another seed gave the same plan")
	}
}

func TestPlanDealsMix(t *testing.T) {
	cfg := Demo(2000).withDefaults()
	p := newPlan(cfg)
	got := map[Behavior]int{}
	for i, b := range p.behaviors {
		got[b]++
		if b != OK && (!isEligible(b, p.kinds[i]) || !p.lifecycles[i].Probed()) {
			t.Errorf("camera %d: %s dealt to a %s %s camera", i, b, p.lifecycles[i], p.kinds[i])
		}
	}
	for b, frac := range cfg.Mix {
		if want := count(frac, cfg.Cameras); got[b] != want {
			t.Errorf("%s: %d cameras, want %d", b, got[b], want)
		}
	}
	if len(p.short) != 0 {
		t.Errorf("short: %v", p.short)
	}
}
