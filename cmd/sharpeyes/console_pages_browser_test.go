package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharpeyes/sharpeyes/internal/browsertest"
)

const (
	pagesViewer   = "viewer-token-0123456789"
	pagesOperator = "operator-token-0123456789"
)

// privateServe starts serve with a swept demo fleet and two tokens
// (viewer, operator): the console's data needs one.
func privateServe(t *testing.T, n int) string {
	t.Helper()
	cfg := t.TempDir() + "/sharpeyes.yml"
	yml := "auth:\n  dashboard_public: false\ntokens:\n" +
		"  - name: desk\n    role: viewer\n    token: " + pagesViewer + "\n" +
		"  - name: crew\n    role: operator\n    token: " + pagesOperator + "\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"SHARPEYES_COLLECTOR_SCHEDULE=*/2 * * * * *", "SHARPEYES_COLLECTOR_PROBE_TIMEOUT=1s",
		"SHARPEYES_COLLECTOR_FAILURE_THRESHOLD=1"}
	base, _, _ := startServe(t, env, "--demo", fmt.Sprint(n), "--demo-gb", "0", "--config", cfg)
	await(t, 60*time.Second, "a sweep to find cameras up and down", func() bool {
		var s struct{ Up, Down int }
		authJSON(t, http.MethodGet, base+"/api/v1/status/summary", pagesViewer, &s)
		return s.Up > 0 && s.Down > 0
	})
	return base
}

// authJSON calls the API with a token and decodes the answer into v.
func authJSON(t *testing.T, method, u, token string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil && res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}

// saveToken types a token into the header's form and saves it.
func saveToken(t *testing.T, b *browsertest.Browser, token string) {
	t.Helper()
	if err := b.Do(10*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => { document.querySelector("#token").value = ""; return true; })()`)(ctx, tg)
		return err
	}), chromedp.SendKeys("#token", token), chromedp.Click("#auth button")); err != nil {
		t.Fatal(err)
	}
}

type camRow struct {
	ID, Name, Host, Region, Maintainer, Uplink, Owner string
}

// The console's pages in a real Chromium against a private server (tokens
// configured): the console asks for a token and then loads with it; the
// down and degraded lists; silences created and ended as operator (a
// viewer gets a 403 message); the month (SLA) and build-out pages match
// the API; each page in Chinese by default and English on the switch,
// none overflowing a 390 px phone, with no page error.
func TestConsolePagesInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	base := privateServe(t, 120)

	t.Run("private console asks for a token, then loads with it", func(t *testing.T) {
		navigate(t, b, base+"/")
		awaitJS(t, b, 20*time.Second, "the token prompt", `!document.querySelector("#error").hidden &&
			document.querySelector("#error").textContent.includes("需要API令牌") && document.querySelector("#auth").classList.contains("attention")`)
		saveToken(t, b, "wrong-token-0123456789")
		awaitJS(t, b, 20*time.Second, "a rejected token said so", `document.querySelector("#error").textContent.includes("令牌无效")`)
		saveToken(t, b, pagesViewer)
		awaitJS(t, b, 20*time.Second, "the summary with the token", `document.querySelector("#error").hidden &&
			document.querySelectorAll("#summary .card").length === 7 && document.querySelectorAll("#outages tbody a").length > 0`)
	})

	var down struct{ Items []camRow }
	authJSON(t, http.MethodGet, base+"/api/v1/cameras?state=down&limit=1000", pagesViewer, &down)
	if len(down.Items) < 2 {
		t.Fatalf("%d cameras down, want at least 2", len(down.Items))
	}
	cam := down.Items[0]

	t.Run("lists: down, search, sort, filter, group, CSV", func(t *testing.T) {
		navigate(t, b, base+"/#lists")
		awaitJS(t, b, 30*time.Second, "the down list", `document.querySelectorAll("#list tbody a").length > 0`)
		awaitJS(t, b, 30*time.Second, "as many rows as down cameras", fmt.Sprintf(`(async () => {
			const r = await fetch("api/v1/cameras?state=down&limit=1000", {headers: {Authorization: "Bearer %s"}});
			const n = (await r.json()).items.length;
			return document.querySelectorAll("#list tbody a").length === n;
		})()`, pagesViewer))
		if err := b.Do(10*time.Second, chromedp.SendKeys("#list-q", cam.Host)); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "the camera found by IP", fmt.Sprintf(
			`[...document.querySelectorAll("#list tbody tr")].some((r) => r.textContent.includes(%q))`, cam.ID))
		// sort by id: the rows' ids ascending, then descending
		awaitJS(t, b, 10*time.Second, "rows sorted by id both ways", `(() => {
			document.querySelector("#list-q").value = "";
			const th = document.querySelector('#list th[data-sort="id"]');
			const ids = () => [...document.querySelectorAll("#list tbody td.camera .id:first-of-type")].map((e) => e.textContent);
			th.click();
			const up = ids(); th.click(); const dn = ids();
			const sorted = [...up].sort();
			return up.length > 1 && up.join() === sorted.join() && dn.join() === [...sorted].reverse().join();
		})()`)
		// ?uplink= (the group alert's link) keeps that uplink's rows only
		navigate(t, b, base+"/?uplink="+url.QueryEscape(cam.Uplink))
		awaitJS(t, b, 30*time.Second, "only the uplink's rows", fmt.Sprintf(`(() => {
			const rows = [...document.querySelectorAll("#list tbody tr")];
			return !document.querySelector("#page").hidden && document.querySelector("#list-uplink").value === %q &&
				rows.length > 0 && rows.every((r) => r.children[4].textContent === %q);
		})()`, cam.Uplink, cam.Uplink))
		navigate(t, b, base+"/?region="+url.QueryEscape(cam.Region))
		awaitJS(t, b, 30*time.Second, "only the region's rows", fmt.Sprintf(`(() => {
			const rows = [...document.querySelectorAll("#list tbody tr")];
			return rows.length > 0 && rows.some((r) => r.textContent.includes(%q)) && rows.every((r) => r.children[1].textContent.startsWith(%q));
		})()`, cam.ID, cam.Region))
		navigate(t, b, base+"/?maintainer="+url.QueryEscape(cam.Maintainer))
		awaitJS(t, b, 30*time.Second, "only the maintainer's rows", fmt.Sprintf(`(() => {
			const rows = [...document.querySelectorAll("#list tbody tr")];
			return rows.length > 0 && rows.every((r) => r.children[3].textContent === %q);
		})()`, cam.Maintainer))
		// group by uplink: a heading row per uplink, each followed by its rows
		navigate(t, b, base+"/#lists")
		awaitJS(t, b, 30*time.Second, "group headings", `(() => {
			const g = document.querySelector("#list-group");
			if (!g.checked) { g.checked = true; g.dispatchEvent(new Event("input")); }
			const heads = [...document.querySelectorAll("#list tbody tr.group")];
			return heads.length > 0 && heads.every((h) => h.nextElementSibling && !h.nextElementSibling.classList.contains("group"));
		})()`)
		// the CSV is the rows shown: BOM, a header, one line per camera
		csv := evalString(t, b, `(() => {
			const s = document.querySelector("#list-region"); s.value = s.options[1].value; s.dispatchEvent(new Event("input"));
			return PAGES.lists.csv();
		})()`)
		shown := evalString(t, b, `String(document.querySelectorAll("#list tbody a").length)`)
		lines := strings.Split(strings.TrimRight(csv, "\r\n"), "\r\n")
		if !strings.HasPrefix(csv, "\ufeff编号,名称,地址,区域") || fmt.Sprint(len(lines)-1) != shown {
			t.Errorf("CSV of %s rows has %d lines after its header:\n%s", shown, len(lines)-1, csv)
		}
		if err := b.Do(10*time.Second, chromedp.Click("#list-csv")); err != nil {
			t.Fatal(err)
		}
		// the degraded tab lists the degraded cameras
		awaitJS(t, b, 10*time.Second, "the degraded tab", fmt.Sprintf(`(async () => {
			document.querySelector("#list-region").value = ""; document.querySelector("#list-degraded").click();
			const r = await fetch("api/v1/cameras?state=degraded&limit=1000", {headers: {Authorization: "Bearer %s"}});
			const n = (await r.json()).items.length;
			const rows = document.querySelectorAll("#list tbody a").length;
			return document.querySelector("#list-degraded").classList.contains("on") &&
				(n ? rows === n : document.querySelector("#list tbody td.message").textContent === "当前无异常摄像机");
		})()`, pagesViewer))
	})

	t.Run("silences: a viewer is refused, an operator creates and ends one", func(t *testing.T) {
		navigate(t, b, base+"/#silences")
		awaitJS(t, b, 20*time.Second, "the silences page", `document.querySelector("#sil-start").value !== "" && document.querySelector("#sil-list tbody tr") !== null`)
		fill := fmt.Sprintf(`(() => {
			document.querySelector("#sil-kind").value = "uplink";
			document.querySelector("#sil-value").value = %q;
			document.querySelector("#sil-comment").value = "光缆抢修";
			document.querySelector("#sil-form button").click();
			return true;
		})()`, cam.Uplink)
		evalString(t, b, `String(`+fill+`)`)
		awaitJS(t, b, 10*time.Second, "a 403 message for the viewer", `document.querySelector("#sil-result").textContent.includes("403")`)
		saveToken(t, b, pagesOperator)
		evalString(t, b, `String(`+fill+`)`)
		awaitJS(t, b, 10*time.Second, "the silence confirmed and listed", fmt.Sprintf(`document.querySelector("#sil-result").textContent.startsWith("已静默至") &&
			[...document.querySelectorAll("#sil-list tbody tr.active")].some((r) => r.textContent.includes(%q) && r.textContent.includes("光缆抢修"))`, cam.Uplink))
		var sils struct {
			Items []struct {
				ID, Uplink, Comment, Author string
				Active                      bool
				Start, End                  time.Time
			}
		}
		authJSON(t, http.MethodGet, base+"/api/v1/silences", pagesOperator, &sils)
		if len(sils.Items) != 1 || sils.Items[0].Uplink != cam.Uplink || !sils.Items[0].Active || sils.Items[0].Author != "crew" ||
			sils.Items[0].End.Sub(sils.Items[0].Start) < 119*time.Minute {
			t.Fatalf("silences in the API: %+v, want one active 2 h silence of uplink %s by crew", sils.Items, cam.Uplink)
		}
		if err := b.Do(10*time.Second, chromedp.Click(`#sil-list tbody tr.active button`)); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "the silence ended", `document.querySelector("#sil-result").textContent === "静默已结束" &&
			document.querySelectorAll("#sil-list tbody tr.ended").length === 1`)
		authJSON(t, http.MethodGet, base+"/api/v1/silences", pagesOperator, &sils)
		if len(sils.Items) != 1 || sils.Items[0].Active || sils.Items[0].End.After(time.Now()) {
			t.Errorf("after end now the API has %+v, want it ended", sils.Items)
		}
	})

	t.Run("camera page: probe now with its steps, acknowledge and withdraw, 7-day timeline", func(t *testing.T) {
		// The token is the operator's since the silences subtest.
		navigate(t, b, base+"/cameras/"+url.PathEscape(cam.ID))
		awaitJS(t, b, 20*time.Second, "the camera page with its timeline", `document.querySelector("#cam-state .card") !== null &&
			document.querySelector("#cam-timeline svg") !== null && document.querySelector("#cam-ack").textContent.includes("尚无人确认")`)
		if err := b.Do(10*time.Second, chromedp.Click("#probe-now")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 20*time.Second, "the probe's verdict and steps", `document.querySelector("#probe-result").dataset.state === "down" &&
			document.querySelectorAll("#probe-result table.steps tr").length > 0 &&
			document.querySelector("#probe-result").textContent.includes("不记入状态")`)
		evalString(t, b, `String((() => { document.querySelector("#ack-comment").value = "维修队已出发"; document.querySelector("#ack button[type=submit]").click(); return true; })())`)
		awaitJS(t, b, 20*time.Second, "the acknowledgement shown", `document.querySelector("#cam-ack").textContent.includes("crew") &&
			document.querySelector("#cam-ack").textContent.includes("维修队已出发") && !document.querySelector("#ack-withdraw").hidden`)
		var got struct {
			Status struct {
				Acknowledgement *struct{ By, Comment string }
			}
		}
		authJSON(t, http.MethodGet, base+"/api/v1/cameras/"+url.PathEscape(cam.ID), pagesViewer, &got)
		if a := got.Status.Acknowledgement; a == nil || a.By != "crew" || a.Comment != "维修队已出发" {
			t.Fatalf("acknowledgement in the API: %+v, want crew's", a)
		}
		if err := b.Do(10*time.Second, chromedp.Click("#ack-withdraw")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 20*time.Second, "the acknowledgement withdrawn", `document.querySelector("#cam-ack").textContent.includes("尚无人确认") &&
			document.querySelector("#ack-withdraw").hidden`)
	})

	t.Run("month page matches the SLA report, CSV and English", func(t *testing.T) {
		navigate(t, b, base+"/#month")
		var sla struct {
			Month  string
			Groups []struct{ Key string }
		}
		authJSON(t, http.MethodGet, base+"/api/v1/reports/sla?group_by=maintainer", pagesOperator, &sla)
		awaitJS(t, b, 20*time.Second, "a row per maintainer", fmt.Sprintf(`document.querySelector("#month-pick").value === %q &&
			document.querySelectorAll("#month-table tbody tr").length === %d && document.querySelector("#month-note").textContent.includes("+08:00")`,
			sla.Month, len(sla.Groups)))
		for _, g := range sla.Groups {
			if !strings.Contains(evalString(t, b, `document.querySelector("#month-table tbody").textContent`), g.Key) {
				t.Errorf("no row for %s", g.Key)
			}
		}
		// the current month (from the month picker)
		awaitJS(t, b, 20*time.Second, "this month's report", `(() => {
			const p = document.querySelector("#month-pick"), m = today().slice(0, 7);
			if (p.value !== m) { p.value = m; p.dispatchEvent(new Event("change")); return false; }
			return document.querySelector("#month-note").textContent.startsWith(m) && document.querySelectorAll("#month-table tfoot tr").length === 1;
		})()`)
		if err := b.Do(10*time.Second, chromedp.Click("#lang")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "English headings", `document.querySelector("#month-table th").textContent === "Maintainer" &&
			[...document.querySelectorAll("#month-table th")].some((th) => th.textContent === "Over repair deadline") &&
			document.querySelector("#nav a.on").textContent === "Month (SLA)"`)
		if err := b.Do(10*time.Second, chromedp.Click("#lang")); err != nil {
			t.Fatal(err)
		}
		awaitJS(t, b, 10*time.Second, "Chinese again", `document.querySelector("#month-table th").textContent === "运维单位"`)
	})

	t.Run("build-out page: townships, chart, overdue list", func(t *testing.T) {
		navigate(t, b, base+"/#buildout")
		var bo struct {
			Groups []struct{ Key string }
			Months []string
		}
		authJSON(t, http.MethodGet, base+"/api/v1/reports/buildout?group_by=region&level=2", pagesOperator, &bo)
		months := 0 // the months from the first to the last commissioned, at most 24
		if n := len(bo.Months); n > 0 {
			first, _ := time.Parse("2006-01", bo.Months[0])
			last, _ := time.Parse("2006-01", bo.Months[n-1])
			months = min((last.Year()-first.Year())*12+int(last.Month()-first.Month())+1, 24)
		}
		var overdue int
		for _, lc := range []string{"planned", "building"} {
			var l struct{ Items []struct{ Due string } }
			authJSON(t, http.MethodGet, base+"/api/v1/cameras?limit=1000&lifecycle="+lc, pagesOperator, &l)
			day := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
			for _, c := range l.Items {
				if c.Due != "" && c.Due < day {
					overdue++
				}
			}
		}
		awaitJS(t, b, 20*time.Second, "townships, bars and overdue rows", fmt.Sprintf(`
			document.querySelectorAll("#bo-towns tbody tr").length === %d &&
			document.querySelectorAll("#bo-chart rect").length === %d &&
			document.querySelectorAll("#bo-overdue tbody a").length === %d`, len(bo.Groups), months, overdue))
	})

	t.Run("honest states: stale sweep and times with their offset", func(t *testing.T) {
		navigate(t, b, base+"/")
		awaitJS(t, b, 20*time.Second, "the overview", `document.querySelectorAll("#summary .card").length === 7`)
		if z := evalString(t, b, `document.querySelector("#zone").textContent`); z != "Asia/Shanghai (UTC+08:00)" {
			t.Errorf("footer zone %q, want Asia/Shanghai (UTC+08:00)", z)
		}
		if s := evalString(t, b, `document.querySelector("#outages tbody td.time").textContent`); !strings.HasSuffix(s, "+08:00") {
			t.Errorf("a down time %q has no +08:00 offset", s)
		}
		// a summary whose last sweep ended long ago is shown stale
		awaitJS(t, b, 10*time.Second, "a stale sweep card", `(() => {
			renderSummary({ cameras: 3, up: 1, probed: 2, down: 1, online_rate: 0.5, stale_after_s: 120,
				last_sweep: { end: new Date(Date.now() - 3600e3).toISOString(), duration_s: 1 } });
			const c = [...document.querySelectorAll("#summary .card.time")][0];
			return c.classList.contains("stale") && c.textContent.includes("已过期");
		})()`)
	})

	t.Run("pages fit a phone", func(t *testing.T) {
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"lists", "silences", "month", "buildout"} {
			navigate(t, b, base+"/#"+h)
			awaitJS(t, b, 30*time.Second, "the page to load", `document.querySelector("#updated").textContent.includes(":")`)
			if w, err := browsertest.Eval[int](b, 10*time.Second, `document.documentElement.scrollWidth`); err != nil || w > 390 {
				wide := evalString(t, b, `[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 390).slice(0, 6).map((e) => e.tagName + "#" + e.id + "." + e.className).join(" ")`)
				t.Errorf("#%s at 390 px: scrollWidth %d (%v); widest: %s", h, w, err, wide)
			}
		}
		if err := b.Do(10*time.Second, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	})

	if dir := os.Getenv("SHARPEYES_SCREENSHOTS"); dir != "" {
		saveToken(t, b, pagesViewer)
		pageScreenshots(t, b, base, dir)
	}
	noConsoleErrors(t, b)
}

// Before the first sweep the console says so: no sweep yet, and the down
// list and a camera say "not yet probed", not "nothing is down".
func TestConsoleBeforeTheFirstSweep(t *testing.T) {
	b := browsertest.Start(t)
	// No GB/T 28181 devices: their channels' passive statuses are not
	// the collector's sweep.
	base, _, _ := startServe(t, nil, "--demo", "20", "--demo-gb", "0", "--no-collector")
	navigate(t, b, base+"/")
	awaitJS(t, b, 20*time.Second, "no sweep yet", `document.querySelectorAll("#summary .card").length === 7 &&
		document.querySelector("#summary .card.time").textContent.includes("尚未巡检") &&
		document.querySelector("#outages tbody td.message").textContent === "尚未探测：暂无摄像机状态"`)
	navigate(t, b, base+"/#lists")
	awaitJS(t, b, 20*time.Second, "the list not yet probed", `document.querySelector("#list tbody td.message") &&
		document.querySelector("#list tbody td.message").textContent === "尚未探测：暂无摄像机状态"`)
	noConsoleErrors(t, b)
}

// pageScreenshots writes the pictures of the pages for the README.
func pageScreenshots(t *testing.T, b *browsertest.Browser, base, dir string) {
	for _, p := range []string{"lists", "silences", "month", "buildout"} {
		for _, phone := range []bool{false, true} {
			file := "console-" + p + ".png"
			w, h := int64(1280), int64(900)
			opts := []chromedp.EmulateViewportOption{}
			if phone {
				file, w, h = "console-"+p+"-phone.png", 390, 844
				opts = append(opts, chromedp.EmulateMobile)
			}
			if err := b.Do(10*time.Second, chromedp.EmulateViewport(w, h, opts...)); err != nil {
				t.Fatal(err)
			}
			navigate(t, b, base+"/#"+p)
			awaitJS(t, b, 30*time.Second, "the page to render", `document.querySelector("#updated").textContent.includes(":") && document.querySelector("#error").hidden`)
			if p == "month" { // this month: the demo fleet has no history before today
				awaitJS(t, b, 30*time.Second, "this month's report", `(() => {
					const p = document.querySelector("#month-pick"), m = today().slice(0, 7);
					if (p.value !== m) { p.value = m; p.dispatchEvent(new Event("change")); return false; }
					return document.querySelector("#month-note").textContent.startsWith(m);
				})()`)
			}
			png, err := browsertest.Run(b, 30*time.Second, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir+"/"+file, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
