package fleet

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// GBChannel is one channel (camera) of a simulated device's catalog.
type GBChannel struct {
	ID, Name, Manufacturer, Model, CivilCode, Address, ParentID string
	// On is false for a channel the catalog says is OFF.
	On       bool
	Lat, Lon float64
}

// catalogModels are the manufacturers and models channels are given in
// turn.
var catalogModels = [][2]string{{"海康威视", "DS-2CD3T46WD"}, {"大华", "DH-IPC-HFW2431S"}, {"宇视", "IPC2124LR3"}}

// catalog returns the device's channels as its catalog lists them now.
func (d *gbDevice) catalog() []GBChannel {
	cfg := d.f.cfg
	dist := zhuzhou[d.idx%len(zhuzhou)]
	out := make([]GBChannel, cfg.Channels)
	for c := range out {
		serial := d.idx*cfg.Channels + c + 1
		town := dist.townships[(d.idx/len(zhuzhou)+c/10)%len(dist.townships)]
		m := catalogModels[serial%len(catalogModels)]
		out[c] = GBChannel{
			ID:   gbID(dist.code, "131", serial),
			Name: fmt.Sprintf("%s%s%s%d号", dist.name, town, places[serial%len(places)], c+1),
			// GB2312 has every character of these names (a test checks).
			Manufacturer: m[0], Model: m[1], CivilCode: dist.code,
			Address:  "湖南省株洲市" + dist.name + town,
			ParentID: d.id, On: true,
			Lat: *round6(27.80 + 0.001*float64(serial%500)), Lon: *round6(113.10 + 0.001*float64(serial%700)),
		}
	}
	if len(out) > 0 && d.behavior() == GBChannelOff {
		out[0].On = false
	}
	return out
}

// manscdpQuery is the part of a platform's MANSCDP request a device reads.
type manscdpQuery struct {
	XMLName  xml.Name
	CmdType  string `xml:"CmdType"`
	SN       string `xml:"SN"`
	DeviceID string `xml:"DeviceID"`
}

// handle answers a MESSAGE of the platform and returns its status code: a
// Catalog query is 200, then answered with Catalog response MESSAGEs to
// src; other queries are 200 and ignored.
func (d *gbDevice) handle(req *sip.Request, src *net.UDPAddr) int {
	dec := xml.NewDecoder(bytes.NewReader(req.Body()))
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(in), nil
	}
	var q manscdpQuery
	if err := dec.Decode(&q); err != nil {
		return 400
	}
	if q.XMLName.Local != "Query" || strings.TrimSpace(q.CmdType) != "Catalog" {
		return 200
	}
	sn := strings.TrimSpace(q.SN)
	d.mu.Lock()
	repeat := d.lastQuery == sn
	d.lastQuery = sn
	d.mu.Unlock()
	if !repeat { // a retransmitted query is answered once
		d.f.n.queries.Add(1)
		dst := *src
		d.f.wg.Go(func() { d.answerCatalog(sn, &dst) })
	}
	return 200
}

// answerCatalog sends the catalog in pages of PageSize channels, each a
// MESSAGE answered before the next is sent; it gives up on a page that is
// not answered 200.
func (d *gbDevice) answerCatalog(sn string, dst *net.UDPAddr) {
	ctx, cancel := context.WithTimeout(d.f.ctx, time.Minute) // Close ends it too
	defer cancel()
	chans := d.catalog()
	size := d.f.cfg.PageSize
	for start := 0; start == 0 || start < len(chans); start += size {
		page := chans[start:min(start+size, len(chans))]
		body, err := catalogBody(sn, d.id, len(chans), page)
		if err != nil {
			d.f.log.Error("gb28181 device: catalog body", "device", d.id, "error", err)
			return
		}
		res := d.message(ctx, dst, body)
		if res == nil || res.StatusCode != 200 {
			return
		}
		d.f.n.pages.Add(1)
	}
}

// catalogBody is one Catalog response MESSAGE body, encoded in GB2312 as
// its declaration says.
func catalogBody(sn, id string, sum int, page []GBChannel) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>Catalog</CmdType>\r\n"+
		"<SN>%s</SN>\r\n<DeviceID>%s</DeviceID>\r\n<SumNum>%d</SumNum>\r\n<DeviceList Num=\"%d\">\r\n",
		xmlText(sn), id, sum, len(page))
	for _, c := range page {
		status := "ON"
		if !c.On {
			status = "OFF"
		}
		fmt.Fprintf(&b, "<Item>\r\n<DeviceID>%s</DeviceID>\r\n<Name>%s</Name>\r\n<Manufacturer>%s</Manufacturer>\r\n"+
			"<Model>%s</Model>\r\n<Owner>Owner</Owner>\r\n<CivilCode>%s</CivilCode>\r\n<Address>%s</Address>\r\n"+
			"<Parental>0</Parental>\r\n<ParentID>%s</ParentID>\r\n<SafetyWay>0</SafetyWay>\r\n<RegisterWay>1</RegisterWay>\r\n"+
			"<Secrecy>0</Secrecy>\r\n<Status>%s</Status>\r\n<Longitude>%.6f</Longitude>\r\n<Latitude>%.6f</Latitude>\r\n</Item>\r\n",
			c.ID, xmlText(c.Name), xmlText(c.Manufacturer), xmlText(c.Model), c.CivilCode, xmlText(c.Address),
			c.ParentID, status, c.Lon, c.Lat)
	}
	b.WriteString("</DeviceList>\r\n</Response>\r\n")
	return simplifiedchinese.GBK.NewEncoder().Bytes([]byte(b.String()))
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
