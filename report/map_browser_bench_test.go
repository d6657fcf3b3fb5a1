package report

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/internal/browsertest"
	"github.com/sharpeyes/sharpeyes/web"
)

// panScript pans the map by small steps, one per frame, at a zoom (null:
// the fitted view), and returns the draw times and frame intervals in ms.
// Bounded: 120 steps or 20 s.
const panScript = `(async (zoom) => {
  if (zoom !== null) MAP_VIEW.zoomAt(zoom);
  const d = document.querySelector("#map-canvas").dataset, frame = () => new Promise(requestAnimationFrame);
  await frame(); await frame();
  const draw = [], gap = [], end = performance.now() + 20000;
  let last = performance.now();
  for (let k = 0; k < 120 && performance.now() < end; k++) {
    MAP_VIEW.panBy(k % 40 < 20 ? 9 : -9, k % 20 < 10 ? 5 : -5);
    await frame();
    const now = performance.now();
    draw.push(Number(d.drawMs)); gap.push(now - last); last = now;
  }
  return { draw, gap, inView: Number(d.inView), clusters: Number(d.clusters), markers: Number(d.markers), zoom: MAP_VIEW.view().z };
})`

// zoomScript zooms in one level per frame from the fitted view to 16 and
// returns each frame's draw time (a new level builds its clusters).
const zoomScript = `(async () => {
  MAP_VIEW.fit();
  const d = document.querySelector("#map-canvas").dataset, frame = () => new Promise(requestAnimationFrame);
  await frame();
  const draw = [];
  for (let z = Math.floor(MAP_VIEW.view().z) + 1; z <= 16; z++) { MAP_VIEW.zoomAt(z); await frame(); draw.push(Number(d.drawMs)); }
  return { draw };
})()`

type panResult struct {
	Draw, Gap                 []float64
	InView, Clusters, Markers int
	Zoom                      float64
}

// BenchmarkMapInChromium measures the console's map in headless Chromium
// at 10,000 and 100,000 cameras in the same run: the time from navigation
// to the first frame with every camera (and to the map data's arrival),
// on the first load of the page and on a reload, and the draw time and frame
// interval while panning (one step per frame) at the fitted view
// (clusters), at zoom 13 and at zoom 16 (every camera its own marker,
// all 100,000 culled each frame), and the draw time of zoom steps:
//
//	go test -run '^$' -bench MapInChromium -benchtime 1x ./report
//
// It skips without chromium and with -short.
func BenchmarkMapInChromium(b *testing.B) {
	if testing.Short() {
		b.Skip("-short: the browser benchmark is skipped")
	}
	br := browsertest.Start(b)
	e := newEnv(b)
	for b.Loop() {
		if b.N > 1 {
			continue // one measured run
		}
		var base map[string]float64
		for _, n := range []int{10_000, benchCameras} {
			f := benchMapBrowser(b, br, envOn(b, e.rdb), n)
			for k, v := range f {
				b.ReportMetric(v, fmt.Sprintf("%dk-%s", n/1000, k))
			}
			if base != nil {
				for _, k := range []string{"reload-render-ms", "fit-draw-p50-ms", "z16-draw-p50-ms"} {
					b.ReportMetric(f[k]/base[k], "ratio-"+k)
				}
			}
			base = f
		}
	}
	for _, msg := range br.Errors() {
		b.Errorf("page error: %s", msg)
	}
}

func benchMapBrowser(b *testing.B, br *browsertest.Browser, e *env, n int) map[string]float64 {
	mapBenchFleet(b, e, n)
	h := api.NewRouter(api.Deps{Store: e.store, OpenAccess: true, Dashboard: web.Handler(),
		Mount: []func(*gin.RouterGroup, api.Authz){e.rep.Routes}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	if _, err := e.rep.mapData(b.Context()); err != nil { // the server's cache is warm, as after Warm
		b.Fatal(err)
	}
	if err := br.Do(10*time.Second, chromedp.EmulateViewport(1280, 900)); err != nil {
		b.Fatal(err)
	}
	f := map[string]float64{}
	// twice: the first load of the page in this browser, then a reload
	for _, name := range []string{"first-load", "reload"} {
		first, data := renderTimes(b, br, srv.URL+"/map", n)
		f[name+"-render-ms"], f[name+"-data-ms"] = first, data
	}
	for _, p := range []struct {
		name string
		zoom string
	}{{"fit", "null"}, {"z13", "13"}, {"z16", "16"}} {
		raw, err := browsertest.Eval[json.RawMessage](br, 60*time.Second, panScript+"("+p.zoom+")")
		if err != nil {
			b.Fatal(err)
		}
		var r panResult
		if err := json.Unmarshal(raw, &r); err != nil || len(r.Draw) == 0 {
			b.Fatalf("pan %s: %v %s", p.name, err, raw)
		}
		f[p.name+"-draw-p50-ms"], f[p.name+"-draw-p95-ms"] = pct(r.Draw, 50), pct(r.Draw, 95)
		f[p.name+"-frame-p50-ms"], f[p.name+"-frame-p95-ms"] = pct(r.Gap, 50), pct(r.Gap, 95)
		f[p.name+"-in-view"], f[p.name+"-drawn"] = float64(r.InView), float64(r.Markers+r.Clusters)
	}
	raw, err := browsertest.Eval[json.RawMessage](br, 60*time.Second, zoomScript)
	if err != nil {
		b.Fatal(err)
	}
	var z struct{ Draw []float64 }
	if err := json.Unmarshal(raw, &z); err != nil || len(z.Draw) == 0 {
		b.Fatalf("zoom: %v %s", err, raw)
	}
	f["zoom-step-max-ms"] = pct(z.Draw, 100)
	return f
}

// renderTimes navigates to the map and returns when (ms after the
// navigation started) the first frame with all n cameras was drawn, and
// when the map data had arrived (its fetch's responseEnd).
func renderTimes(b *testing.B, br *browsertest.Browser, u string, n int) (first, data float64) {
	if err := br.Do(60*time.Second, chromedp.Navigate(u)); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond) // polling the page's figures, with a deadline
	defer tick.Stop()
	for range tick.C {
		v, err := browsertest.Eval[[]float64](br, 10*time.Second, fmt.Sprintf(`(() => { const d = document.querySelector("#map-canvas").dataset;
			const r = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/api/v1/map"));
			return d.points === "%d" && r ? [Number(d.firstDataMs), r.responseEnd] : [0, 0]; })()`, n))
		if err == nil && len(v) == 2 && v[0] > 0 {
			return v[0], v[1]
		}
		if time.Now().After(deadline) {
			b.Fatalf("the map of %d cameras did not render within 60 s (%v)", n, err)
		}
	}
	return 0, 0
}

// pct returns the p-th percentile of v (sorted in place).
func pct(v []float64, p int) float64 {
	slices.Sort(v)
	return v[(len(v)-1)*p/100]
}
