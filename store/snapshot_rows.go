package store

import (
	"fmt"
	"math"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// A snapshot keeps each camera as a row of small numbers instead of a
// sharpeyes.Camera: a Camera is 272 bytes of string headers and pointers
// before its strings, which made an API replica of a 500,000-camera
// province hold 263 MB of inventory (docs/scale.md). A row is 64 bytes;
// the camera's id, name and host sit back to back in one string per
// partition (shared by the snapshots that did not reload it), and the values many cameras share (region, maintainer,
// uplink, path, dates) are indexes into the snapshot's dictionary. Camera
// and Get rebuild the full record (everything but its secret, which a
// snapshot never holds) when a caller needs one.
type row struct {
	text                    uint32 // offset in its partition's text of the id, then the name, then the host
	idLen, nameLen, hostLen uint16
	port                    uint16
	probe, owner, lifecycle uint8 // indexes in Snapshot.enums (a handful of values)
	part                    uint8 // partition the camera was read from
	flags                   uint8
	region, maintainer      uint32 // dictionary indexes; 0 is ""
	uplink, path            uint32
	due, installed          uint32
	extra                   int32 // index in Snapshot.extras, -1 for none
	lat, lon                float64
}

const (
	rowHasGB uint8 = 1 << iota
	rowHasLat
	rowHasLon
)

// extra holds the fields few cameras have.
type extra struct {
	tags     map[string]string
	gbDevice string
}

// dictionary maps the strings a snapshot's rows share to small indexes.
type dictionary struct {
	list []string
	of   map[string]uint32
}

func newDictionary(hint int) *dictionary {
	d := &dictionary{list: make([]string, 1, hint+1), of: make(map[string]uint32, hint)}
	d.of[""] = 0
	return d
}

func (d *dictionary) add(s string) uint32 {
	if i, ok := d.of[s]; ok {
		return i
	}
	i := uint32(len(d.list))
	d.list = append(d.list, s)
	d.of[s] = i
	return i
}

// small returns the index of s, which must fit a byte: owners, lifecycles
// and probe kinds have a handful of values (validated on write).
func (d *dictionary) small(field, s string) (uint8, error) {
	i := d.add(s)
	if i > math.MaxUint8 {
		return 0, fmt.Errorf("more than 255 distinct values of %s in the inventory", field)
	}
	return uint8(i), nil
}

// builder assembles a snapshot's rows: decoded cameras and rows copied
// from the previous snapshot.
type builder struct {
	texts  [Partitions]string
	text   strings.Builder // of the partition being read
	dict   *dictionary
	enums  *dictionary
	rows   []row
	extras []extra
	// trans maps the previous snapshot's dictionary indexes to this one's
	// (noIndex until first used).
	trans, enumTrans []uint32
}

const noIndex = ^uint32(0)

func newBuilder(old *Snapshot, rows int) *builder {
	b := &builder{rows: make([]row, 0, rows+rows/64+16)}
	hint := 64
	if old != nil {
		hint = len(old.dict)
		b.trans = make([]uint32, len(old.dict))
		for i := range b.trans {
			b.trans[i] = noIndex
		}
		b.enumTrans = make([]uint32, len(old.enums))
		for i := range b.enumTrans {
			b.enumTrans[i] = noIndex
		}
	}
	b.dict, b.enums = newDictionary(hint), newDictionary(16)
	return b
}

// addText appends the id, name and host of a camera.
func (b *builder) addText(r *row, id, name, host string) error {
	if len(id) > math.MaxUint16 || len(name) > math.MaxUint16 || len(host) > math.MaxUint16 {
		return fmt.Errorf("camera %.40q: a field is longer than a snapshot holds (64 KiB)", id)
	}
	if b.text.Len()+len(id)+len(name)+len(host) > math.MaxUint32 {
		return fmt.Errorf("partition text is larger than a snapshot holds (4 GiB)")
	}
	r.text = uint32(b.text.Len())
	r.idLen, r.nameLen, r.hostLen = uint16(len(id)), uint16(len(name)), uint16(len(host))
	b.text.WriteString(id)
	b.text.WriteString(name)
	b.text.WriteString(host)
	return nil
}

// add appends a decoded camera read from partition part.
func (b *builder) add(c *sharpeyes.Camera, part int) error {
	r := row{part: uint8(part), extra: -1}
	if err := b.addText(&r, c.ID, c.Name, c.Host); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > math.MaxUint16 {
		return fmt.Errorf("camera %.40q: port %d is out of range", c.ID, c.Port)
	}
	r.port = uint16(c.Port)
	var err error
	if r.probe, err = b.enums.small("probe", string(c.Probe)); err != nil {
		return err
	}
	if r.owner, err = b.enums.small("owner", string(c.Owner)); err != nil {
		return err
	}
	if r.lifecycle, err = b.enums.small("lifecycle", string(c.Lifecycle)); err != nil {
		return err
	}
	r.region, r.maintainer, r.uplink = b.dict.add(c.Region), b.dict.add(c.Maintainer), b.dict.add(c.Uplink)
	r.path, r.due, r.installed = b.dict.add(c.Path), b.dict.add(string(c.Due)), b.dict.add(string(c.InstalledAt))
	if c.GB != nil {
		r.flags |= rowHasGB
	}
	if c.Lat != nil {
		r.flags |= rowHasLat
		r.lat = *c.Lat
	}
	if c.Lon != nil {
		r.flags |= rowHasLon
		r.lon = *c.Lon
	}
	if len(c.Tags) > 0 || c.GBDevice != "" {
		r.extra = int32(len(b.extras))
		b.extras = append(b.extras, extra{tags: c.Tags, gbDevice: c.GBDevice})
	}
	b.rows = append(b.rows, r)
	return nil
}

// endPartition ends the reading of partition p: its text is kept at its
// exact size.
func (b *builder) endPartition(p int) {
	b.texts[p] = strings.Clone(b.text.String())
	b.text.Reset()
}

// copyRow appends row i of the previous snapshot old, whose partition
// text b shares.
func (b *builder) copyRow(old *Snapshot, i int) error {
	r := old.rows[i]
	b.texts[r.part] = old.texts[r.part]
	tr := func(k uint32) uint32 {
		if b.trans[k] == noIndex {
			b.trans[k] = b.dict.add(old.dict[k])
		}
		return b.trans[k]
	}
	for _, e := range []struct {
		field string
		k     *uint8
	}{{"probe", &r.probe}, {"owner", &r.owner}, {"lifecycle", &r.lifecycle}} {
		if b.enumTrans[*e.k] == noIndex {
			n, err := b.enums.small(e.field, old.enums[*e.k])
			if err != nil {
				return err
			}
			b.enumTrans[*e.k] = uint32(n)
		}
		*e.k = uint8(b.enumTrans[*e.k])
	}
	r.region, r.maintainer, r.uplink = tr(r.region), tr(r.maintainer), tr(r.uplink)
	r.path, r.due, r.installed = tr(r.path), tr(r.due), tr(r.installed)
	if r.extra >= 0 {
		x := old.extras[r.extra]
		r.extra = int32(len(b.extras))
		b.extras = append(b.extras, x)
	}
	b.rows = append(b.rows, r)
	return nil
}

// The accessors below read one field of the camera at index i (0 <= i <
// Len) without building its record: reports walk hundreds of thousands.

// Len returns the number of cameras.
func (sn *Snapshot) Len() int { return len(sn.rows) }

// ID returns the id of camera i.
func (sn *Snapshot) ID(i int) string {
	r := &sn.rows[i]
	return sn.texts[r.part][r.text : r.text+uint32(r.idLen)]
}

// Name returns the name of camera i.
func (sn *Snapshot) Name(i int) string {
	r := &sn.rows[i]
	at := r.text + uint32(r.idLen)
	return sn.texts[r.part][at : at+uint32(r.nameLen)]
}

// Host returns the host of camera i.
func (sn *Snapshot) Host(i int) string {
	r := &sn.rows[i]
	at := r.text + uint32(r.idLen) + uint32(r.nameLen)
	return sn.texts[r.part][at : at+uint32(r.hostLen)]
}

// Region returns the region of camera i.
func (sn *Snapshot) Region(i int) string { return sn.dict[sn.rows[i].region] }

// Maintainer returns the maintainer of camera i.
func (sn *Snapshot) Maintainer(i int) string { return sn.dict[sn.rows[i].maintainer] }

// Uplink returns the uplink of camera i.
func (sn *Snapshot) Uplink(i int) string { return sn.dict[sn.rows[i].uplink] }

// Owner returns the owner of camera i.
func (sn *Snapshot) Owner(i int) sharpeyes.Owner { return sharpeyes.Owner(sn.enums[sn.rows[i].owner]) }

// Lifecycle returns the lifecycle of camera i.
func (sn *Snapshot) Lifecycle(i int) sharpeyes.Lifecycle {
	return sharpeyes.Lifecycle(sn.enums[sn.rows[i].lifecycle])
}

// Probe returns the probe kind of camera i.
func (sn *Snapshot) Probe(i int) sharpeyes.ProbeKind {
	return sharpeyes.ProbeKind(sn.enums[sn.rows[i].probe])
}

// Due returns the due date of camera i.
func (sn *Snapshot) Due(i int) sharpeyes.Date { return sharpeyes.Date(sn.dict[sn.rows[i].due]) }

// InstalledAt returns the installation date of camera i.
func (sn *Snapshot) InstalledAt(i int) sharpeyes.Date {
	return sharpeyes.Date(sn.dict[sn.rows[i].installed])
}

// Position returns the latitude and longitude of camera i, and whether it
// has both.
func (sn *Snapshot) Position(i int) (lat, lon float64, ok bool) {
	r := &sn.rows[i]
	return r.lat, r.lon, r.flags&(rowHasLat|rowHasLon) == rowHasLat|rowHasLon
}

// Match reports whether camera i passes every field of f except State,
// as f.Match does for its record.
func (sn *Snapshot) Match(i int, f sharpeyes.Filter) bool {
	c := sn.MatchView(i)
	return f.Match(&c)
}

// MatchView returns the fields of camera i that filters and silences
// compare (id, name, region, owner, lifecycle, maintainer, uplink) and no
// others, without allocating: for sharpeyes.Filter.Match and
// sharpeyes.Silence.Matches, so that one function decides what matches.
func (sn *Snapshot) MatchView(i int) sharpeyes.Camera {
	return sharpeyes.Camera{ID: sn.ID(i), Name: sn.Name(i), Owner: sn.Owner(i), Lifecycle: sn.Lifecycle(i),
		Maintainer: sn.Maintainer(i), Uplink: sn.Uplink(i), Region: sn.Region(i)}
}

// Camera returns the record of camera i (without its secret, which a
// snapshot does not hold). The record is the caller's own.
func (sn *Snapshot) Camera(i int) sharpeyes.Camera {
	r := &sn.rows[i]
	c := sharpeyes.Camera{ID: sn.ID(i), Name: sn.Name(i), Host: sn.Host(i), Port: int(r.port),
		Probe: sn.Probe(i), Path: sn.dict[r.path], Region: sn.Region(i), Owner: sn.Owner(i),
		Lifecycle: sn.Lifecycle(i), Maintainer: sn.Maintainer(i), Uplink: sn.Uplink(i),
		Due: sn.Due(i), InstalledAt: sn.InstalledAt(i)}
	if r.flags&rowHasLat != 0 {
		lat := r.lat
		c.Lat = &lat
	}
	if r.flags&rowHasLon != 0 {
		lon := r.lon
		c.Lon = &lon
	}
	if r.extra >= 0 {
		x := &sn.extras[r.extra]
		c.GBDevice = x.gbDevice
		if x.tags != nil {
			c.Tags = make(map[string]string, len(x.tags))
			for k, v := range x.tags {
				c.Tags[k] = v
			}
		}
	}
	if r.flags&rowHasGB != 0 {
		if gb, err := sharpeyes.CheckID(c.ID); err == nil {
			c.GB = gb
		}
	}
	return c
}

// Cameras returns every camera's record, in id order. It builds them all:
// callers that need a few fields of many cameras use the accessors.
func (sn *Snapshot) Cameras() []sharpeyes.Camera {
	out := make([]sharpeyes.Camera, len(sn.rows))
	for i := range out {
		out[i] = sn.Camera(i)
	}
	return out
}
