// Package sharpeyes holds the domain types of the camera inventory and its
// health: Camera, Status, Event and Outage. It imports no other package of
// this module, so every layer (store, collector, api, report, alert) can
// share these types without import cycles.
package sharpeyes

import (
	"fmt"
	"net"
	"strings"
	"time"
	"unicode/utf8"
)

// ProbeKind names how a camera is checked.
type ProbeKind string

// The probe kinds of SPEC.
const (
	ProbeTCP   ProbeKind = "tcp"
	ProbeRTSP  ProbeKind = "rtsp"
	ProbeONVIF ProbeKind = "onvif"
	ProbeHTTP  ProbeKind = "http"
	ProbeICMP  ProbeKind = "icmp"
)

// ProbeKinds lists every active probe kind (one the collector runs) in a
// stable order.
var ProbeKinds = []ProbeKind{ProbeTCP, ProbeRTSP, ProbeONVIF, ProbeHTTP, ProbeICMP}

// ProbeGB28181 marks a GB/T 28181 channel whose status is passive: the
// collector never probes it; package gb28181 writes its status from its
// device's registration, keepalives and catalog (SPEC "GB/T 28181 devices").
const ProbeGB28181 ProbeKind = "gb28181"

// Passive reports whether cameras of this kind are never probed actively.
func (k ProbeKind) Passive() bool { return k == ProbeGB28181 }

// Owner is who built the camera.
type Owner string

// Owners of SPEC, with their Chinese names in OwnerZH.
const (
	OwnerPolice     Owner = "police"
	OwnerGovernment Owner = "government"
	OwnerSocial     Owner = "social"
)

// Owners lists every valid owner in a stable order.
var Owners = []Owner{OwnerPolice, OwnerGovernment, OwnerSocial}

// OwnerZH maps each owner to the Chinese word used in spreadsheets.
var OwnerZH = map[Owner]string{OwnerPolice: "公安", OwnerGovernment: "自建", OwnerSocial: "社会"}

// Lifecycle is where a camera stands in the build-out.
type Lifecycle string

// Lifecycles of SPEC.
const (
	Planned  Lifecycle = "planned"
	Building Lifecycle = "building"
	Active   Lifecycle = "active"
	Retired  Lifecycle = "retired"
)

// Lifecycles lists every valid lifecycle in build-out order.
var Lifecycles = []Lifecycle{Planned, Building, Active, Retired}

// LifecycleZH maps each lifecycle to the Chinese word used in spreadsheets.
var LifecycleZH = map[Lifecycle]string{Planned: "规划", Building: "在建", Active: "已建", Retired: "撤除"}

// Probed reports whether cameras in this lifecycle are probed by the
// collector: active ones count in online rates, building ones are probed to
// find those ready for acceptance.
func (l Lifecycle) Probed() bool { return l == Active || l == Building }

// DefaultPort returns the port a probe kind uses when the record gives none,
// or 0 where there is no default (tcp needs one, icmp has none).
func DefaultPort(k ProbeKind) int {
	switch k {
	case ProbeRTSP:
		return 554
	case ProbeONVIF, ProbeHTTP:
		return 80
	}
	return 0
}

// Credentials are a camera's login. They are write-only: never marshalled
// into JSON by Camera, never returned by the API, never logged.
type Credentials struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

// Empty reports whether neither field is set.
func (c Credentials) Empty() bool { return c.Username == "" && c.Password == "" }

// String hides the password so that a stray %v cannot leak it.
func (c Credentials) String() string {
	if c.Empty() {
		return "{}"
	}
	return "{" + c.Username + ":<redacted>}"
}

// Camera is one record of the inventory. Its JSON form never carries the
// credentials (see CameraInput for the write side).
type Camera struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Host        string            `json:"host"`
	Port        int               `json:"port,omitempty"`
	Probe       ProbeKind         `json:"probe"`
	Path        string            `json:"path,omitempty"`
	Region      string            `json:"region,omitempty"`
	Owner       Owner             `json:"owner,omitempty"`
	Lifecycle   Lifecycle         `json:"lifecycle"`
	Maintainer  string            `json:"maintainer,omitempty"`
	Uplink      string            `json:"uplink,omitempty"`
	Lat         *float64          `json:"lat,omitempty"`
	Lon         *float64          `json:"lon,omitempty"`
	Due         Date              `json:"due,omitempty"`
	InstalledAt Date              `json:"installed_at,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	// GBDevice is the 20-digit id of the GB/T 28181 device whose catalog
	// lists this camera as a channel (set by the catalog). With an active
	// probe kind the camera has both: its stream is probed, and lost
	// signalling makes an answering camera degraded (signalling_lost).
	GBDevice string `json:"gb_device,omitempty"`
	// GB is derived from a 20-digit GB/T 28181 id by Normalize.
	GB *GBCode `json:"gb,omitempty"`
	// Secret is the write-only login; `json:"-"` keeps it out of every
	// response and export.
	Secret Credentials `json:"-"`
}

// CameraInput is the write form of a camera, as accepted by JSON imports and
// the API: the record plus its credentials.
type CameraInput struct {
	Camera
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

// ToCamera moves the credentials into the record's Secret.
func (in CameraInput) ToCamera() Camera {
	c := in.Camera
	c.Secret = Credentials{Username: in.Username, Password: in.Password}
	return c
}

// Date is a calendar date in the form 2006-01-02; the empty Date means unset.
type Date string

// ParseDate accepts YYYY-MM-DD (and YYYY/MM/DD, which Excel writes) and
// returns it normalised, or an error naming the bad value.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date(t.Format("2006-01-02")), nil
		}
	}
	return "", fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
}

// In returns the start of the date (midnight) in loc, the zone of
// date-only values (config timezone), or the zero time when unset.
func (d Date) In(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", string(d), loc)
	return t
}

// FieldError is one invalid field of a record.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every invalid field of one record.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "invalid camera: " + strings.Join(parts, "; ")
}

// Normalize fills defaults (port by probe kind, lifecycle active), parses a
// GB/T 28181 id and validates every field as SPEC says. It returns a
// ValidationError naming each bad field, or nil.
func (c *Camera) Normalize() error {
	var errs ValidationError
	bad := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	c.ID = strings.TrimSpace(c.ID)
	c.Name = strings.TrimSpace(c.Name)
	c.Host = strings.TrimSpace(c.Host)
	c.GB = nil
	if gb, err := CheckID(c.ID); err != nil {
		bad("id", "%v", err)
	} else {
		c.GB = gb
	}
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		bad("name", "is required")
	case n > 128:
		bad("name", "is %d characters long, at most 128", n)
	}
	if c.Probe == "" {
		c.Probe = ProbeRTSP
	}
	if !validProbe(c.Probe) {
		bad("probe", "%q is not one of tcp, rtsp, onvif, http, icmp, gb28181", c.Probe)
	}
	if c.Lifecycle == "" {
		c.Lifecycle = Active
	}
	if !validLifecycle(c.Lifecycle) {
		bad("lifecycle", "%q is not one of planned, building, active, retired", c.Lifecycle)
	}
	if c.Owner != "" && !validOwner(c.Owner) {
		bad("owner", "%q is not one of police, government, social", c.Owner)
	}
	if c.GBDevice != "" && (len(c.GBDevice) != 20 || !allDigits(c.GBDevice)) {
		bad("gb_device", "%q is not a 20-digit GB/T 28181 device id", truncate(c.GBDevice, 80))
	}
	if c.Host == "" {
		if c.Lifecycle.Probed() && !c.Probe.Passive() {
			bad("host", "is required for a %s camera", c.Lifecycle)
		}
	} else if err := CheckHost(c.Host); err != nil {
		bad("host", "%v", err)
	} else {
		// Store IPv6 literals bare so that net.JoinHostPort adds the brackets.
		c.Host = strings.TrimSuffix(strings.TrimPrefix(c.Host, "["), "]")
	}
	if c.Port == 0 {
		c.Port = DefaultPort(c.Probe)
	}
	switch {
	case c.Port < 0 || c.Port > 65535:
		bad("port", "%d is out of range 1-65535", c.Port)
	case c.Port == 0 && c.Probe == ProbeTCP:
		bad("port", "is required for a tcp probe")
	}
	// The negated comparisons also reject NaN, which JSON cannot carry.
	if c.Lat != nil && !(*c.Lat >= -90 && *c.Lat <= 90) {
		bad("lat", "%g is out of range -90..90", *c.Lat)
	}
	if c.Lon != nil && !(*c.Lon >= -180 && *c.Lon <= 180) {
		bad("lon", "%g is out of range -180..180", *c.Lon)
	}
	for field, d := range map[string]*Date{"due": &c.Due, "installed_at": &c.InstalledAt} {
		nd, err := ParseDate(string(*d))
		if err != nil {
			bad(field, "%v", err)
		}
		*d = nd
	}
	if utf8.RuneCountInString(c.Region) > 256 {
		bad("region", "is longer than 256 characters")
	}
	c.Region = normalizeRegion(c.Region)
	c.checkLimits(bad)
	if len(errs) == 0 {
		return nil
	}
	sortFieldErrors(errs)
	return errs
}

// CheckHost accepts an IPv4 or IPv6 literal (bare or in brackets) or a DNS
// name, and returns an error saying what is wrong with anything else.
func CheckHost(h string) error {
	if h == "" {
		return fmt.Errorf("is empty")
	}
	if inner, ok := strings.CutPrefix(h, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if ip := net.ParseIP(inner); ok && ip != nil && strings.Contains(inner, ":") {
			return nil
		}
		return fmt.Errorf("%q is not a valid IPv6 address", h)
	}
	if ip := net.ParseIP(h); ip != nil {
		return nil
	}
	if looksNumeric(h) {
		return fmt.Errorf("%q is not a valid IPv4 address", h)
	}
	if len(h) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", h)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if len(label) == 0 || len(label) > 63 {
			return fmt.Errorf("%q is not a valid host name", h)
		}
		for i, r := range label {
			ok := r == '-' && i > 0 && i < len(label)-1 ||
				r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
			if !ok {
				return fmt.Errorf("%q is not a valid host name", h)
			}
		}
	}
	return nil
}

func looksNumeric(h string) bool {
	for _, r := range h {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

func normalizeRegion(r string) string {
	parts := strings.Split(r, "/")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}

func validProbe(k ProbeKind) bool {
	if k == ProbeGB28181 {
		return true
	}
	for _, v := range ProbeKinds {
		if v == k {
			return true
		}
	}
	return false
}

func validOwner(o Owner) bool {
	for _, v := range Owners {
		if v == o {
			return true
		}
	}
	return false
}

func validLifecycle(l Lifecycle) bool {
	for _, v := range Lifecycles {
		if v == l {
			return true
		}
	}
	return false
}

// fieldOrder is the column order of SPEC, used to report errors stably.
var fieldOrder = map[string]int{"id": 0, "name": 1, "host": 2, "port": 3, "probe": 4, "path": 5,
	"region": 6, "owner": 7, "lifecycle": 8, "maintainer": 9, "uplink": 10, "lat": 11, "lon": 12,
	"due": 13, "installed_at": 14, "tags": 15, "username": 16, "password": 17, "gb_device": 18}

func sortFieldErrors(errs ValidationError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && fieldOrder[errs[j].Field] < fieldOrder[errs[j-1].Field]; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
