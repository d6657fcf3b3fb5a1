package gb28181

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/internal/redistest"
	"github.com/sharpeyes/sharpeyes/store"
)

func catalogBody(enc, sn string, sum int, items ...string) string {
	return `<?xml version="1.0" encoding="` + enc + `"?>
<Response>
<CmdType>Catalog</CmdType>
<SN>` + sn + `</SN>
<DeviceID>34020000001180000001</DeviceID>
<SumNum>` + strconv.Itoa(sum) + `</SumNum>
<DeviceList Num="` + strconv.Itoa(len(items)) + `">` + strings.Join(items, "") + `</DeviceList>
</Response>`
}

func itemXML(id, name, status string) string {
	return `<Item><DeviceID>` + id + `</DeviceID><Name> ` + name + ` </Name><Manufacturer>Dahua</Manufacturer>` +
		`<Model>IPC-HFW</Model><CivilCode>43020201</CivilCode><Address>路口</Address><ParentID>34020000001180000001</ParentID>` +
		`<Status>` + status + `</Status><Longitude>113.13</Longitude><Latitude>27.83</Latitude></Item>`
}

func TestParseCatalogDecodesGBKPage(t *testing.T) {
	for _, enc := range []string{"GB2312", "GBK"} {
		t.Run(enc, func(t *testing.T) {
			body := gbk(t, catalogBody(enc, "7", 3, itemXML("43020200001310000001", "荷塘区月塘街道", "ON"),
				itemXML("43020200001310000002", "东门", "OFF")))
			c, err := ParseCatalog(body)
			if err != nil {
				t.Fatal(err)
			}
			if c.SN != "7" || c.DeviceID != "34020000001180000001" || c.SumNum != 3 || len(c.Items) != 2 {
				t.Fatalf("catalog %+v", c)
			}
			it := c.Items[0]
			if it.Name != "荷塘区月塘街道" || it.Address != "路口" || it.CivilCode != "43020201" || it.Off() || !c.Items[1].Off() {
				t.Errorf("items %+v", c.Items)
			}
			if lat, lon, ok := it.LatLon(); !ok || lat != 27.83 || lon != 113.13 {
				t.Errorf("lat/lon %v %v %v", lat, lon, ok)
			}
		})
	}
}

func TestParseCatalogRejectsWhatIsNoCatalog(t *testing.T) {
	tests := map[string]string{
		"keepalive":     `<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>x</DeviceID></Notify>`,
		"other command": `<Response><CmdType>DeviceInfo</CmdType><SN>1</SN><DeviceID>x</DeviceID><SumNum>1</SumNum></Response>`,
		"no device":     `<Response><CmdType>Catalog</CmdType><SN>1</SN><SumNum>1</SumNum></Response>`,
		"bad SumNum":    `<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>x</DeviceID><SumNum>-1</SumNum></Response>`,
		"huge SumNum":   `<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>x</DeviceID><SumNum>100000000</SumNum></Response>`,
		"encoding":      `<?xml version="1.0" encoding="EBCDIC-XX"?><Response><CmdType>Catalog</CmdType></Response>`,
		"truncated":     `<Response><CmdType>Catalog</CmdType><SN>1</SN>`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if c, err := ParseCatalog([]byte(body)); err == nil {
				t.Errorf("parsed %+v", c)
			}
		})
	}
}

func TestPagesCompleteACatalogAtSumNum(t *testing.T) {
	var p pages
	now := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	page := func(sn string, ids ...string) Catalog {
		c := Catalog{SN: sn, DeviceID: "d", SumNum: 3}
		for _, id := range ids {
			c.Items = append(c.Items, CatalogItem{DeviceID: id})
		}
		return c
	}
	if _, ok := p.add("d", page("1", "a", "b"), now); ok {
		t.Fatal("complete after 2 of 3")
	}
	if _, ok := p.add("d", page("1", "b"), now); ok {
		t.Fatal("a repeated item completed the catalog")
	}
	// A page of a new query starts over.
	if _, ok := p.add("d", page("2", "a", "b"), now); ok {
		t.Fatal("complete after 2 of 3 of SN 2")
	}
	items, ok := p.add("d", page("2", "c"), now)
	if !ok || len(items) != 3 {
		t.Fatalf("got %v %v", items, ok)
	}
	// An empty catalog (SumNum 0) is complete at once.
	if items, ok := p.add("e", Catalog{SN: "1", SumNum: 0}, now); !ok || len(items) != 0 {
		t.Errorf("empty catalog: %v %v", items, ok)
	}
}

// A channel that a later catalog lacks is reported in the catalog's
// Missing and its camera kept; listed again, it leaves Missing.
func TestLaterCatalogReportsMissingChannelsAndKeepsTheirCameras(t *testing.T) {
	st := store.New(redistest.Start(t).Client())
	s := &Server{o: Options{Store: st, Regions: map[string]string{"430202": "荷塘区"}}.withDefaults()}
	ctx := context.Background()
	d := store.GBDevice{ID: "34020000001180000001", Addr: "127.0.0.1:5062"}
	now := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	all := []CatalogItem{
		{DeviceID: "43020200001310000001", Name: "一号", CivilCode: "43020201", Status: "ON"},
		{DeviceID: "43020200001310000002", Name: "二号", Status: "ON"},
		{DeviceID: "43020200002150000001", Name: "业务分组"}, // a business group: no camera
	}
	if err := s.applyCatalog(ctx, d, all, now); err != nil {
		t.Fatal(err)
	}
	c, err := st.Camera(ctx, "43020200001310000001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "荷塘区" || c.Host != "127.0.0.1" || c.Probe != sharpeyes.ProbeGB28181 {
		t.Errorf("camera %+v", c)
	}
	if _, err := st.Camera(ctx, "43020200002150000001"); err == nil {
		t.Error("a business group became a camera")
	}
	if err := s.applyCatalog(ctx, d, all[:1], now); err != nil {
		t.Fatal(err)
	}
	cat, err := st.GBCatalog(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Channels) != 1 || !slices.Equal(cat.Missing, []string{"43020200001310000002"}) {
		t.Errorf("catalog %+v", cat)
	}
	if _, err := st.Camera(ctx, "43020200001310000002"); err != nil {
		t.Errorf("missing channel's camera: %v", err)
	}
	if err := s.applyCatalog(ctx, d, all, now); err != nil {
		t.Fatal(err)
	}
	if cat, _ := st.GBCatalog(ctx, d.ID); len(cat.Missing) != 0 || len(cat.Channels) != 2 {
		t.Errorf("listed again: %+v", cat)
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte(catalogBody("UTF-8", "1", 1, itemXML("43020200001310000001", "一号", "ON"))))
	f.Add(gbk(f, catalogBody("GB2312", "2", 2, itemXML("43020200001310000001", "一号", "OFF"))))
	f.Add([]byte(`<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>x</DeviceID><SumNum>0</SumNum><DeviceList Num="0"/></Response>`))
	f.Add([]byte(`<Response><CmdType>Catalog</CmdType><DeviceID>x</DeviceID><SumNum>1</SumNum><DeviceList><Item><Latitude>NaN</Latitude><Longitude>1e999</Longitude></Item></DeviceList></Response>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := ParseCatalog(body)
		if err != nil {
			return
		}
		if c.DeviceID == "" || c.SumNum < 0 || c.SumNum > maxSumNum || len(c.Items) > maxItems {
			t.Fatalf("accepted %+v", c)
		}
		for _, it := range c.Items {
			if lat, lon, ok := it.LatLon(); ok && !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
				t.Fatalf("position out of range: %v %v", lat, lon)
			}
		}
	})
}
