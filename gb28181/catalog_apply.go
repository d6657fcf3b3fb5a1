package gb28181

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// isChannel reports whether a catalog item is a front-end device (device
// type 1xx: cameras, encoders, NVR channels) rather than a business group,
// virtual organisation, civil code or server, which catalogs list too.
func isChannel(device string, it CatalogItem) bool {
	gb, err := sharpeyes.ParseGBCode(it.DeviceID)
	return err == nil && gb.Type[0] == '1' && it.DeviceID != device
}

// applyCatalog upserts the channels of device's complete catalog as
// cameras and records the catalog. A new channel becomes a passive camera
// (probe gb28181, lifecycle active); a channel already passive takes the
// catalog's name, region, position, uplink and tags and keeps the rest of
// its record; a camera of another probe kind is only linked to the device
// (gb_device), so that the inventory's probe stays. Channels of the last
// catalog that this one lacks are reported (logged and kept in the
// catalog's Missing), never deleted.
func (s *Server) applyCatalog(ctx context.Context, d store.GBDevice, items []CatalogItem, now time.Time) error {
	var chans []CatalogItem
	for _, it := range items {
		if isChannel(d.ID, it) {
			chans = append(chans, it)
		}
	}
	ids := make([]string, len(chans))
	for i, it := range chans {
		ids[i] = it.DeviceID
	}
	existing, err := s.o.Store.CamerasByID(ctx, ids)
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(d.Addr)
	cat := store.GBCatalog{Device: d.ID, UpdatedAt: now}
	var cams []sharpeyes.Camera
	for _, it := range chans {
		c, ok := s.channelCamera(d.ID, host, it, existing)
		if !ok {
			continue
		}
		cams = append(cams, c)
		cat.Channels = append(cat.Channels, store.GBChannel{ID: c.ID, Off: it.Off()})
	}
	if len(cams) > 0 {
		if _, err := s.o.Store.PutMany(ctx, cams); err != nil {
			return err
		}
	}
	prev, err := s.o.Store.GBCatalog(ctx, d.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	cat.Missing = missing(prev, cat)
	if err := s.o.Store.PutGBCatalog(ctx, cat); err != nil {
		return err
	}
	if len(cat.Missing) > 0 {
		s.o.Logger.Warn("gb28181 catalog: channels no longer listed (kept, not deleted)", "device", d.ID,
			"missing", cat.Missing)
	}
	s.o.Logger.Info("gb28181 catalog applied", "device", d.ID, "channels", len(cat.Channels), "missing", len(cat.Missing))
	return nil
}

// channelCamera is the camera record of one catalog channel, or ok false
// when the item does not make a valid record (logged).
func (s *Server) channelCamera(device, host string, it CatalogItem, existing map[string]sharpeyes.Camera) (sharpeyes.Camera, bool) {
	c, known := existing[it.DeviceID]
	if known && !c.Probe.Passive() {
		c.GBDevice = device
	} else {
		if !known {
			c = sharpeyes.Camera{ID: it.DeviceID, Lifecycle: sharpeyes.Active}
		}
		c.Probe, c.GBDevice, c.Host, c.Port, c.Uplink = sharpeyes.ProbeGB28181, device, host, 0, device
		c.Name = it.Name
		if c.Name == "" {
			c.Name = it.DeviceID
		}
		c.Region = s.region(it)
		c.Lat, c.Lon = nil, nil
		if lat, lon, ok := it.LatLon(); ok {
			c.Lat, c.Lon = &lat, &lon
		}
		c.Tags = tagsOf(c.Tags, it)
	}
	if err := c.Normalize(); err != nil {
		s.o.Logger.Warn("gb28181 catalog: channel skipped", "device", device, "channel", it.DeviceID, "error", err)
		return c, false
	}
	return c, true
}

// tagsOf sets the manufacturer and model tags (and drops them when the
// catalog has none), keeping other tags.
func tagsOf(tags map[string]string, it CatalogItem) map[string]string {
	out := make(map[string]string, len(tags)+2)
	for k, v := range tags {
		if k != "manufacturer" && k != "model" {
			out[k] = v
		}
	}
	if it.Manufacturer != "" {
		out["manufacturer"] = it.Manufacturer
	}
	if it.Model != "" {
		out["model"] = it.Model
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// region names a channel's civil code (else its id's first six digits)
// by the configured regions: the longest of the code, its first 6, 4 or 2
// digits that has a name; the bare code when none has.
func (s *Server) region(it CatalogItem) string {
	code := it.CivilCode
	if code == "" || !isDigits(code) {
		code = it.DeviceID[:6]
	}
	for _, n := range []int{len(code), 6, 4, 2} {
		if n <= len(code) {
			if name, ok := s.o.Regions[code[:n]]; ok && name != "" {
				return name
			}
		}
	}
	return code
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// missing lists the channels of prev (listed or already missing) that cat
// does not list, sorted.
func missing(prev, cat store.GBCatalog) []string {
	now := make(map[string]bool, len(cat.Channels))
	for _, ch := range cat.Channels {
		now[ch.ID] = true
	}
	var out []string
	for _, ch := range prev.Channels {
		if !now[ch.ID] {
			out = append(out, ch.ID)
		}
	}
	for _, id := range prev.Missing {
		if !now[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// catalogPage takes one Catalog response MESSAGE of a registered device.
func (s *Server) catalogPage(ctx context.Context, d store.GBDevice, body []byte) error {
	c, err := ParseCatalog(body)
	if err != nil {
		return err
	}
	if c.DeviceID != d.ID {
		return fmt.Errorf("catalog of %s sent by %s", c.DeviceID, d.ID)
	}
	now := s.o.Now()
	items, done := s.pages.add(d.ID, c, now)
	if !done {
		return nil
	}
	// The catalog is applied on its own context: the MESSAGE is answered
	// at once, and a big catalog may take longer than one request.
	s.background(func() {
		actx, cancel := context.WithTimeout(s.ctx, time.Minute)
		defer cancel()
		if err := s.applyCatalog(actx, d, items, now); err != nil {
			s.o.Logger.Error("gb28181 catalog: store", "device", d.ID, "error", err)
			return
		}
		s.kick()
	})
	return nil
}
