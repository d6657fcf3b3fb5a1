package gb28181

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxItems caps the channels one catalog page may carry (a page is at
// most maxBody bytes anyway) and maxSumNum the channels of one catalog.
const (
	maxItems  = 1000
	maxSumNum = 100_000
)

// CatalogItem is one entry of a Catalog response's DeviceList.
type CatalogItem struct {
	DeviceID     string `xml:"DeviceID"`
	Name         string `xml:"Name"`
	Manufacturer string `xml:"Manufacturer"`
	Model        string `xml:"Model"`
	CivilCode    string `xml:"CivilCode"`
	Address      string `xml:"Address"`
	ParentID     string `xml:"ParentID"`
	// Status is ON or OFF (some devices write ONLINE/OFFLINE).
	Status    string `xml:"Status"`
	Longitude string `xml:"Longitude"`
	Latitude  string `xml:"Latitude"`
}

// Off reports whether the item's Status says the channel is off.
func (it CatalogItem) Off() bool {
	s := strings.ToUpper(strings.TrimSpace(it.Status))
	return s == "OFF" || s == "OFFLINE"
}

// LatLon returns the item's WGS-84 position, or ok false when either is
// missing, unparseable, out of range, or both are 0 (devices send 0 for
// "not set").
func (it CatalogItem) LatLon() (lat, lon float64, ok bool) {
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(it.Latitude), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(it.Longitude), 64)
	if err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) || lat == 0 && lon == 0 {
		return 0, 0, false
	}
	return lat, lon, true
}

// Catalog is one Catalog response MESSAGE: one page of a device's
// channels. SumNum is the number of channels over all pages.
type Catalog struct {
	SN       string
	DeviceID string
	SumNum   int
	Items    []CatalogItem
}

type catalogXML struct {
	XMLName  xml.Name `xml:"Response"`
	CmdType  string   `xml:"CmdType"`
	SN       string   `xml:"SN"`
	DeviceID string   `xml:"DeviceID"`
	SumNum   string   `xml:"SumNum"`
	List     struct {
		Num   string        `xml:"Num,attr"`
		Items []CatalogItem `xml:"Item"`
	} `xml:"DeviceList"`
}

// ParseCatalog parses a Catalog Response body (GB/T 28181 annex A.2.6),
// decoding GB2312/GBK/GB18030/UTF-8 as its XML declaration says. A body
// over 64 KiB, another root or CmdType, a missing DeviceID, a SumNum that
// is not a number in 0..100000 or more than 1000 items is an error. Text
// fields are trimmed.
func ParseCatalog(body []byte) (Catalog, error) {
	if len(body) > maxBody {
		return Catalog{}, fmt.Errorf("catalog: body of %d bytes exceeds %d", len(body), maxBody)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	var x catalogXML
	if err := dec.Decode(&x); err != nil {
		return Catalog{}, fmt.Errorf("catalog: %w", err)
	}
	if strings.TrimSpace(x.CmdType) != "Catalog" {
		return Catalog{}, fmt.Errorf("catalog: CmdType %q", clipText(x.CmdType))
	}
	c := Catalog{SN: strings.TrimSpace(x.SN), DeviceID: strings.TrimSpace(x.DeviceID)}
	if c.DeviceID == "" {
		return Catalog{}, errors.New("catalog: no DeviceID")
	}
	n, err := strconv.Atoi(strings.TrimSpace(x.SumNum))
	if err != nil || n < 0 || n > maxSumNum {
		return Catalog{}, fmt.Errorf("catalog: SumNum %q is not a number in 0..%d", clipText(x.SumNum), maxSumNum)
	}
	c.SumNum = n
	if len(x.List.Items) > maxItems {
		return Catalog{}, fmt.Errorf("catalog: %d items in one message, at most %d", len(x.List.Items), maxItems)
	}
	for _, it := range x.List.Items {
		for _, f := range []*string{&it.DeviceID, &it.Name, &it.Manufacturer, &it.Model, &it.CivilCode,
			&it.Address, &it.ParentID, &it.Status, &it.Longitude, &it.Latitude} {
			*f = strings.TrimSpace(*f)
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
