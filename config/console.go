package config

import (
	"net/url"
	"strings"
)

// ConsoleConfig configures the web console.
type ConsoleConfig struct {
	// TileURL is an XYZ tile server (Web Mercator, 256 px PNG or JPEG
	// tiles) whose map the console draws beneath its camera markers, e.g.
	// the city's internal PGIS: "http://pgis.local/tiles/{z}/{x}/{y}.png".
	// It must be http or https and contain {z}, {x} and {y}. The browser
	// fetches the tiles itself, so the server need not reach them. Default
	// "": no tiles, the map draws a plain grid of coordinates (isolated
	// networks).
	TileURL string `yaml:"tile_url"`
}

func (c *ConsoleConfig) validate(e *errorList) {
	if c.TileURL == "" {
		return
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(c.TileURL, p) {
			e.add("console.tile_url", "must contain {z}, {x} and {y}, like http://pgis.local/tiles/{z}/{x}/{y}.png")
			return
		}
	}
	probe := strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(c.TileURL)
	if msg := checkURL(probe, "http", "https"); msg != "" {
		e.add("console.tile_url", "%s", msg)
		return
	}
	if u, _ := url.Parse(probe); u.User != nil {
		e.add("console.tile_url", "must not carry a user or password: every browser showing the map would see it")
	}
}
