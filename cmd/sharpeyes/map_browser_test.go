package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharpeyes/sharpeyes/internal/browsertest"
)

// mapData is what the tests read of GET /api/v1/map.
type mapData struct {
	Count int      `json:"count"`
	IDs   []string `json:"ids"`
	State string   `json:"state"`
	Owner string   `json:"owner"`
}

// downPolice counts the police cameras that are down.
func downPolice(m mapData) int {
	n := 0
	for i := range m.State {
		if m.State[i] == '2' && m.Owner[i] == '0' {
			n++
		}
	}
	return n
}

// camerasWithCoordinates counts the cameras of the list API that have
// lat and lon (not 0,0): what the map must draw.
func camerasWithCoordinates(t *testing.T, base string) int {
	t.Helper()
	var all struct {
		Items []struct{ Lat, Lon *float64 }
	}
	getJSON(t, base+"/api/v1/cameras?limit=1000", &all)
	n := 0
	for _, c := range all.Items {
		if c.Lat != nil && c.Lon != nil && (*c.Lat != 0 || *c.Lon != 0) {
			n++
		}
	}
	return n
}

// mapStat reads one figure of the last frame from the canvas's dataset.
func mapStat(t *testing.T, b *browsertest.Browser, name string) int {
	t.Helper()
	n, err := browsertest.Eval[int](b, 10*time.Second, `Number(document.querySelector("#map-canvas").dataset.`+name+`)`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// drawn is true once a frame after the given view change shows the
// figures of cond.
func awaitFrame(t *testing.T, b *browsertest.Browser, what, move, cond string) {
	t.Helper()
	if _, err := browsertest.Eval[bool](b, 10*time.Second, `(() => { `+move+`; return true; })()`); err != nil {
		t.Fatal(err)
	}
	awaitJS(t, b, 10*time.Second, what, `(() => { const d = document.querySelector("#map-canvas").dataset; return `+cond+`; })()`)
}

// The map in a real Chromium: every camera with coordinates is drawn,
// clustered when zoomed out and one marker each at full zoom; filters
// change the counts; clicking a cluster zooms in and clicking a camera
// opens its page; no tile is requested without console.tile_url, nothing
// overflows a 390 px phone, and the page reports no error.
func TestMapInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	base := consoleServe(t, 60)
	want := camerasWithCoordinates(t, base)
	var m mapData
	getJSON(t, base+"/api/v1/map", &m)
	if want == 0 || m.Count != want {
		t.Fatalf("the map endpoint has %d cameras, the list %d with coordinates", m.Count, want)
	}
	if err := b.Do(10*time.Second, chromedp.EmulateViewport(1280, 1200)); err != nil {
		t.Fatal(err)
	}
	navigate(t, b, base+"/map")
	awaitJS(t, b, 30*time.Second, "the map to draw every camera", fmt.Sprintf(
		`document.querySelector("#map-canvas").dataset.points === "%d" && document.querySelector("#map-canvas").dataset.inView === "%d"`, want, want))

	t.Run("clusters when zoomed out", func(t *testing.T) {
		awaitFrame(t, b, "clusters at zoom 10", `MAP_VIEW.zoomAt(10)`,
			fmt.Sprintf(`d.zoom === "10.00" && Number(d.clusters) > 0 && Number(d.clustered) > 1 && d.inView === "%d"`, want))
		if mk, cl := mapStat(t, b, "markers"), mapStat(t, b, "clusters"); mk+cl >= want {
			t.Errorf("zoomed out: %d markers and %d clusters for %d cameras, nothing grouped", mk, cl, want)
		}
	})

	t.Run("one marker per camera at full zoom", func(t *testing.T) {
		awaitFrame(t, b, "every camera a marker", `MAP_VIEW.fit(); MAP_VIEW.zoomAt(Math.max(16, MAP_VIEW.view().z))`,
			fmt.Sprintf(`Number(d.zoom) >= 16 && d.clusters === "0" && d.markers === "%d"`, want))
	})

	t.Run("filters change the counts", func(t *testing.T) {
		down := 0
		for _, c := range m.State {
			if c == '2' {
				down++
			}
		}
		awaitFrame(t, b, "only the down cameras", `const s = document.querySelector("#map-state"); s.value = "2"; s.dispatchEvent(new Event("input"))`,
			fmt.Sprintf(`d.points === "%d" && d.markers === "%d"`, down, down))
		if down == 0 || down == want {
			t.Errorf("%d of %d cameras are down: the filter shows nothing", down, want)
		}
		awaitFrame(t, b, "all cameras again", `const s = document.querySelector("#map-state"); s.value = ""; s.dispatchEvent(new Event("input"))`,
			fmt.Sprintf(`d.points === "%d"`, want))
		police := strings.Count(m.Owner, "0")
		awaitFrame(t, b, "the police's cameras", `const s = document.querySelector("#map-owner"); s.value = "0"; s.dispatchEvent(new Event("input"))`,
			fmt.Sprintf(`d.points === "%d"`, police))
		if police == 0 || police == want {
			t.Errorf("%d of %d cameras are police cameras: the filter shows nothing", police, want)
		}
		awaitFrame(t, b, "down police cameras", `const s = document.querySelector("#map-state"); s.value = "2"; s.dispatchEvent(new Event("input"))`,
			fmt.Sprintf(`d.points === "%d"`, downPolice(m)))
		awaitFrame(t, b, "all cameras again", `for (const id of ["#map-state", "#map-owner"]) { const s = document.querySelector(id); s.value = ""; s.dispatchEvent(new Event("input")); }`,
			fmt.Sprintf(`d.points === "%d"`, want))
	})

	t.Run("clicking a cluster zooms in", func(t *testing.T) {
		awaitFrame(t, b, "clusters at zoom 10", `MAP_VIEW.zoomAt(10)`, `d.zoom === "10.00" && Number(d.clusters) > 0`)
		clickMap(t, b, `MAP_VIEW.drawn().find((h) => h[3] < 0)`)
		awaitJS(t, b, 10*time.Second, "a deeper zoom", `MAP_VIEW.view().z >= 11`)
	})

	t.Run("clicking a camera opens its page", func(t *testing.T) {
		awaitFrame(t, b, "markers", `MAP_VIEW.fit(); MAP_VIEW.zoomAt(Math.max(16, MAP_VIEW.view().z))`, `d.clusters === "0"`)
		// The header can re-flow when its texts change (the time of the
		// last refresh), moving the canvas between reading a marker's
		// position and the click: a click that opened nothing is tried
		// again on the marker's new position, three times at most.
		var id string
		for try := 1; try <= 3; try++ {
			id = evalString(t, b, `(() => { const h = MAP_VIEW.drawn().find((h) => h[3] >= 0); window.__target = h; return MAP_VIEW.id(h[3]); })()`)
			clickMap(t, b, `window.__target`)
			if pageLeft(b, "/map", 5*time.Second) {
				break
			}
			t.Logf("click %d on camera %s opened nothing: the canvas moved; trying again", try, id)
		}
		awaitJS(t, b, 20*time.Second, "the camera page", fmt.Sprintf(`location.pathname === "/cameras/" + %q && document.querySelector("#cam-record").textContent.includes(%q)`, id, id))
	})

	t.Run("no tiles without console.tile_url", func(t *testing.T) {
		navigate(t, b, base+"/map")
		awaitJS(t, b, 30*time.Second, "the map", fmt.Sprintf(`document.querySelector("#map-canvas").dataset.points === "%d"`, want))
		if n := mapStat(t, b, "tilesRequested"); n != 0 {
			t.Errorf("%d tiles requested with no tile server configured", n)
		}
	})

	t.Run("phone width has no horizontal overflow", func(t *testing.T) {
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		navigate(t, b, base+"/map")
		awaitJS(t, b, 30*time.Second, "the map", fmt.Sprintf(`document.querySelector("#map-canvas").dataset.points === "%d"`, want))
		if w, err := browsertest.Eval[int](b, 10*time.Second, `document.documentElement.scrollWidth`); err != nil || w > 390 {
			t.Errorf("/map at 390 px: scrollWidth %d (%v)", w, err)
		}
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	})

	if dir := os.Getenv("SHARPEYES_SCREENSHOTS"); dir != "" {
		mapScreenshots(t, b, base, want, dir)
	}
	noConsoleErrors(t, b)
}

// clickMap clicks with the mouse at a drawn item ([x, y, r, i] in canvas
// pixels) that the expression returns.
func clickMap(t *testing.T, b *browsertest.Browser, item string) {
	t.Helper()
	xy, err := browsertest.Eval[[]float64](b, 10*time.Second, `(() => { const h = `+item+`;
		const r = document.querySelector("#map-canvas").getBoundingClientRect(); return [r.left + h[0], r.top + h[1]]; })()`)
	if err != nil || len(xy) != 2 {
		t.Fatalf("no item to click: %v", err)
	}
	if err := b.Do(10*time.Second, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatal(err)
	}
}

// tileServer serves one grey PNG for every /tiles/{z}/{x}/{y}.png on
// loopback and keeps the paths asked.
type tileServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newTileServer(t *testing.T) *tileServer {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = 0xd8
	}
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ts := &tileServer{}
	valid := regexp.MustCompile(`^/tiles/\d+/\d+/\d+\.png$`)
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.paths = append(ts.paths, r.URL.Path)
		ts.mu.Unlock()
		if !valid.MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tileServer) asked() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.paths...)
}

// With console.tile_url set the map draws the tile server's tiles (a
// loopback server here) at the view's zoom, and the page's CSP lets them in.
func TestMapDrawsTilesFromTheTileServer(t *testing.T) {
	b := browsertest.Start(t)
	tiles := newTileServer(t)
	base, _, _ := startServe(t, []string{"SHARPEYES_CONSOLE_TILE_URL=" + tiles.URL + "/tiles/{z}/{x}/{y}.png"}, "--demo", "20", "--demo-gb", "0")
	var m mapData
	getJSON(t, base+"/api/v1/map", &m)
	navigate(t, b, base+"/map")
	awaitJS(t, b, 30*time.Second, "tiles loaded and drawn", fmt.Sprintf(`(() => { const d = document.querySelector("#map-canvas").dataset;
		return d.points === "%d" && Number(d.tilesLoaded) > 0 && d.tilesFailed === "0"; })()`, m.Count))
	asked := tiles.asked()
	zoom := evalString(t, b, `String(Math.round(MAP_VIEW.view().z))`)
	if len(asked) == 0 {
		t.Fatal("the tile server was asked for nothing")
	}
	for _, p := range asked {
		if !regexp.MustCompile(`^/tiles/` + zoom + `/\d+/\d+\.png$`).MatchString(p) {
			t.Errorf("tile %s is not a tile of zoom %s", p, zoom)
		}
	}
	if n := mapStat(t, b, "tilesRequested"); n < len(asked) {
		t.Errorf("the page counts %d tiles requested, the server saw %d", n, len(asked))
	}
	noConsoleErrors(t, b)
}

// mapScreenshots writes the map's pictures for the README (make screenshots).
func mapScreenshots(t *testing.T, b *browsertest.Browser, base string, want int, dir string) {
	for _, s := range []struct {
		file   string
		w, h   int64
		mobile bool
	}{{"console-map-desktop.png", 1280, 900, false}, {"console-map-phone.png", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{}
		if s.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(s.w, s.h, opts...)); err != nil {
			t.Fatal(err)
		}
		navigate(t, b, base+"/map")
		awaitJS(t, b, 30*time.Second, "the map", fmt.Sprintf(`document.querySelector("#map-canvas").dataset.points === "%d" &&
			document.querySelector("#updated").textContent.includes(":")`, want))
		png, err := browsertest.Run(b, 30*time.Second, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pageLeft polls until the page's path is no longer path, for at most
// within, and reports whether it changed.
func pageLeft(b *browsertest.Browser, path string, within time.Duration) bool {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(within)
	for {
		if away, err := browsertest.Eval[bool](b, 5*time.Second, `location.pathname !== `+strconv.Quote(path)); err == nil && away {
			return true
		}
		select {
		case <-tick.C:
		case <-deadline:
			return false
		}
	}
}
