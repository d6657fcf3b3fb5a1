package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharpeyes/sharpeyes/internal/browsertest"
)

// consoleServe starts serve with a swept demo fleet of n cameras and waits
// until a sweep has found cameras up and down.
func consoleServe(t *testing.T, n int) string {
	t.Helper()
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/2 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s",
		"SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=1"}
	// No GB/T 28181 devices: their channels appear and change state on
	// the devices' own clock, which the console tests' counts cannot
	// follow (TestServeDemoShowsRegisteredGBDevices covers them).
	base, logs, _ := startServe(t, env, "--demo", fmt.Sprint(n), "--demo-gb", "0")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve logged:\n%s", tail(logs.String(), 6000))
			// serve runs in this process: where its goroutines wait tells
			// a hung request from a browser that stopped asking.
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			dump := stacks.String()
			t.Logf("goroutines (by count, first 60,000 bytes):\n%s", dump[:min(len(dump), 60000)])
		}
	})
	await(t, 60*time.Second, "a sweep to find cameras up and down", func() bool {
		var s struct{ Up, Down int }
		getJSON(t, base+"/api/v1/status/summary", &s)
		return s.Up > 0 && s.Down > 0
	})
	return base
}

// openDown is one open outage of the demo fleet, with the camera's address.
type openDown struct{ ID, Name, Host string }

func someDownCamera(t *testing.T, base string) openDown {
	t.Helper()
	var cams struct {
		Items []struct{ ID, Name, Host string }
	}
	getJSON(t, base+"/api/v1/cameras?state=down&limit=1", &cams)
	if len(cams.Items) == 0 {
		t.Fatal("no camera is down")
	}
	c := cams.Items[0]
	return openDown{c.ID, c.Name, c.Host}
}

// clearSearch empties the down list's search box.
var clearSearch = chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
	_, err := chromedp.Evaluate[string](`document.querySelector("#down-q").value = ""`)(ctx, tg)
	return err
})

// awaitJS waits until the expression is true in the page.
func awaitJS(t *testing.T, b *browsertest.Browser, within time.Duration, what, expr string) {
	t.Helper()
	await(t, within, what, func() bool {
		ok, err := browsertest.Eval[bool](b, 10*time.Second, expr)
		return err == nil && ok
	})
}

func evalString(t *testing.T, b *browsertest.Browser, expr string) string {
	t.Helper()
	s, err := browsertest.Eval[string](b, 10*time.Second, expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

func navigate(t *testing.T, b *browsertest.Browser, u string) {
	t.Helper()
	if err := b.Do(30*time.Second, chromedp.Navigate(u)); err != nil {
		t.Fatal(err)
	}
}

func noConsoleErrors(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	for _, e := range b.Errors() {
		t.Errorf("page error: %s", e)
	}
}

// summaryMatches is true when the page's cards show the figures the API
// answers now (the collector sweeps every 2 s, so the test retries).
const summaryMatches = `(async () => {
  const s = await (await fetch("api/v1/status/summary")).json();
  const cards = [...document.querySelectorAll("#summary .card b")].map((b) => b.textContent);
  return cards.length === 7 && cards[0] === (100 * s.online_rate).toFixed(1) + "%" &&
    cards[1] === s.up.toLocaleString("en-US") && cards[3] === s.down.toLocaleString("en-US") &&
    cards[4] === s.unknown.toLocaleString("en-US");
})()`

// The console in a real Chromium: the overview shows the demo fleet's
// numbers, Chinese by default and English with ?lang=en (remembered), the
// down list finds a camera by id, name and IP and links its page, which
// shows its record and state; nothing overflows a 390 px phone, and the
// page reports no error.
func TestConsoleInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	base := consoleServe(t, 60)

	t.Run("overview shows the fleet's numbers in Chinese", func(t *testing.T) {
		navigate(t, b, base+"/")
		awaitJS(t, b, 30*time.Second, "the summary cards to match the API", summaryMatches)
		if lang := evalString(t, b, `document.documentElement.lang`); lang != "zh-CN" {
			t.Errorf("html lang = %q, want zh-CN", lang)
		}
		heads := evalString(t, b, `[...document.querySelectorAll("h2, th, .card .label")].map((e) => e.textContent).join("|")`)
		for _, want := range []string{"当前离线", "在线率", "运维单位"} {
			if !strings.Contains(heads, want) {
				t.Errorf("headings lack %q: %s", want, heads)
			}
		}
		if strings.Contains(heads, "Online rate") || strings.Contains(heads, "Down now") {
			t.Errorf("Chinese page carries English labels: %s", heads)
		}
	})

	t.Run("lang=en is English and remembered, the switch goes back", func(t *testing.T) {
		navigate(t, b, base+"/?lang=en")
		awaitJS(t, b, 10*time.Second, "English headings", `document.documentElement.lang === "en" && document.body.textContent.includes("Down now")`)
		if strings.Contains(evalString(t, b, `[...document.querySelectorAll("h2, th, .card .label")].map((e) => e.textContent).join("|")`), "在线率") {
			t.Error("English page carries Chinese labels")
		}
		navigate(t, b, base+"/")
		awaitJS(t, b, 10*time.Second, "English remembered without ?lang", `document.documentElement.lang === "en"`)
		if err := b.Do(10*time.Second, chromedp.Click("#lang")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "Chinese after the switch", `document.documentElement.lang === "zh-CN" && document.body.textContent.includes("当前离线")`)
		navigate(t, b, base+"/")
		awaitJS(t, b, 10*time.Second, "Chinese remembered", `document.documentElement.lang === "zh-CN"`)
	})

	cam := someDownCamera(t, base)
	t.Run("down list search", func(t *testing.T) {
		navigate(t, b, base+"/")
		awaitJS(t, b, 30*time.Second, "down rows with links", `document.querySelectorAll("#outages tbody a").length > 0`)
		for _, q := range []string{cam.ID, cam.Host, cam.Name} {
			if err := b.Do(10*time.Second, clearSearch, chromedp.SendKeys("#down-q", q)); err != nil {
				t.Fatal(err)
			}
			awaitJS(t, b, 10*time.Second, "the camera found by "+q, fmt.Sprintf(
				`[...document.querySelectorAll("#outages tbody tr")].some((r) => r.textContent.includes(%q))`, cam.ID))
			n := evalString(t, b, `String(document.querySelectorAll("#outages tbody a").length)`)
			if q == cam.ID && n != "1" {
				t.Errorf("searching the id %s shows %s rows", q, n)
			}
		}
		if err := b.Do(10*time.Second, clearSearch, chromedp.SendKeys("#down-q", "no-such-camera-zz")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "no row for a search that matches nothing", `document.querySelectorAll("#outages tbody a").length === 0`)
		// the region filter keeps the rows of the region chosen
		awaitJS(t, b, 10*time.Second, "rows of the chosen region only", `(() => {
			document.querySelector("#down-q").value = "";
			const sel = document.querySelector("#down-region");
			if (sel.options.length < 2) return false;
			sel.value = sel.options[1].value;
			sel.dispatchEvent(new Event("input"));
			const rows = [...document.querySelectorAll("#outages tbody tr")];
			return rows.length > 0 && rows.every((r) => r.children[1] && r.children[1].textContent.startsWith(sel.value));
		})()`)
	})

	t.Run("a camera never probed says so", func(t *testing.T) {
		var planned struct{ Items []struct{ ID string } }
		getJSON(t, base+"/api/v1/cameras?lifecycle=planned&limit=1", &planned)
		if len(planned.Items) == 0 {
			t.Skip("the demo fleet has no planned camera")
		}
		navigate(t, b, base+"/cameras/"+url.PathEscape(planned.Items[0].ID))
		awaitJS(t, b, 20*time.Second, "not yet probed", `document.querySelector("#cam-state .card.state b")?.textContent === "尚未探测"`)
	})

	t.Run("camera page shows the record and state", func(t *testing.T) {
		navigate(t, b, base+"/")
		awaitJS(t, b, 30*time.Second, "down rows", `document.querySelectorAll("#outages tbody a").length > 0`)
		if err := b.Do(10*time.Second, chromedp.SendKeys("#down-q", cam.ID),
			chromedp.Click(`#outages tbody a`)); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 20*time.Second, "the camera page", fmt.Sprintf(`location.pathname === "/cameras/" + %q &&
			document.querySelector("#cam-record").textContent.includes(%q)`, cam.ID, cam.Host))
		awaitJS(t, b, 20*time.Second, "state, availability and outages", `
			document.querySelector("#cam-state .card.state b").textContent === "离线" &&
			document.querySelectorAll("#cam-state .avail").length === 2 &&
			document.querySelectorAll("#cam-outages tbody tr.open").length === 1`)
		if rec := evalString(t, b, `document.querySelector("#cam-record").textContent`); strings.Contains(rec, "Demo#2024") {
			t.Error("the camera page shows the camera's password")
		}
		if err := b.Do(10*time.Second, chromedp.Click(`#silence button`)); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "the silence to be confirmed", `document.querySelector("#silence-result").textContent.startsWith("已静默至")`)
	})

	t.Run("phone width has no horizontal overflow", func(t *testing.T) {
		for _, path := range []string{"/", "/cameras/" + url.PathEscape(cam.ID)} {
			if err := b.Do(10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
			navigate(t, b, base+path)
			awaitJS(t, b, 30*time.Second, "the page to render", `document.querySelectorAll("#summary .card, #cam-state .card.state").length > 0`)
			w, err := browsertest.Eval[int](b, 10*time.Second, `document.documentElement.scrollWidth`)
			if err != nil {
				t.Fatal(err)
			}
			if w > 390 {
				wide := evalString(t, b, `[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 390).slice(0, 8).map((e) => e.tagName + "#" + e.id + "." + e.className + ":" + Math.round(e.getBoundingClientRect().right)).join(" ") + " innerWidth " + innerWidth + " " + ["header","main","footer","#cam","#home"].map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.tagName + "#" + e.id + "=" + e.scrollWidth + "/" + e.clientWidth).join(" ")`)
				t.Errorf("%s at 390 px: scrollWidth %d, the page scrolls sideways; widest: %s", path, w, wide)
			}
		}
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	})

	if dir := os.Getenv("SHARPEYES_SCREENSHOTS"); dir != "" {
		screenshots(t, b, base, cam.ID, dir)
	}
	noConsoleErrors(t, b)
}

// screenshots writes the console's pictures for the README (make screenshots).
func screenshots(t *testing.T, b *browsertest.Browser, base, id, dir string) {
	shots := []struct {
		file, path string
		w, h       int64
		mobile     bool
	}{
		{"console-desktop.png", "/", 1280, 900, false},
		{"console-phone.png", "/", 390, 844, true},
		{"console-camera-phone.png", "/cameras/" + url.PathEscape(id), 390, 844, true},
	}
	for _, s := range shots {
		opts := []chromedp.EmulateViewportOption{}
		if s.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(s.w, s.h, opts...)); err != nil {
			t.Fatal(err)
		}
		navigate(t, b, base+s.path)
		awaitJS(t, b, 30*time.Second, "the page to render", `document.querySelector("#updated").textContent.includes(":")`)
		png, err := browsertest.Run(b, 30*time.Second, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
