package config

import (
	"errors"
	"time"
)

// DefaultTimezone is the zone of Timezone when none is configured: the
// whole of China keeps Beijing time.
const DefaultTimezone = "Asia/Shanghai"

// Location returns the *time.Location of c.Timezone, or time.UTC for a
// value Validate would reject. The binary embeds the tz database
// (time/tzdata), so a container without /usr/share/zoneinfo knows every
// zone too.
func (c *Config) Location() *time.Location {
	loc, err := loadZone(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// loadZone loads an IANA zone by name. "" and "Local" are refused: both
// would make dates depend on the machine sharpeyes happens to run on.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errNoZone
	}
	return time.LoadLocation(name)
}

var errNoZone = errors.New("no time zone named")

func validateTimezone(name string, e *errorList) {
	if _, err := loadZone(name); err != nil {
		e.add("timezone", "%q is not a time zone of the IANA database; use a name like Asia/Shanghai or UTC", clip(name))
	}
}
