"use strict";
// The map view (/map): every camera with coordinates on a canvas, coloured
// by state, in grid clusters below zoom CLUSTER_UNTIL. Web Mercator, so
// that the XYZ tiles of console.tile_url (the city's PGIS) line up
// beneath the markers; without tiles it draws a grid of coordinates.
// Loaded before app.js, which takes MAP_VIEW as its view on /map; the
// functions here use app.js's helpers (t, api's token, cameraHref) only
// once the page runs. The map's figures are on #map-canvas's dataset
// (points, markers, clusters, tiles...) for the browser tests.
const MAP_VIEW = /\/map\/?$/.test(location.pathname) ? (() => {
  const TILE = 256, MIN_ZOOM = 2, MAX_ZOOM = 19, CLUSTER_UNTIL = 16, CELL = 56, MAX_TILES = 400;
  const COLORS = ["#1a7f37", "#e08a00", "#c62828", "#8a96a3"]; // up, degraded, down, unknown
  const STATES = ["up", "degraded", "down", "unknown"];
  document.querySelector("main").insertAdjacentHTML("beforeend", `<div id="mapview"><section class="panel">
<h2><span data-i18n="mapTitle">摄像机地图</span> <span id="map-count" class="count"></span></h2>
<div class="filters"><select id="map-state"><option value="" data-i18n="allStates">全部状态</option></select>
<select id="map-owner"><option value="" data-i18n="allOwners">全部建设类型</option></select>
<select id="map-maintainer"><option value="" data-i18n="allMaintainers">全部运维单位</option></select>
<select id="map-lifecycle"><option value="" data-i18n="allLifecycles">全部建设状态</option></select></div>
<div id="map-box" class="mapbox"><canvas id="map-canvas"></canvas><div class="mapctl">
<button id="map-in" type="button">+</button><button id="map-out" type="button">−</button>
<button id="map-fit" type="button" data-i18n="fitAll">全部</button></div></div>
<p id="map-legend" class="hint maplegend"></p><p class="hint" data-i18n="mapHint"></p></section></div>`);
  const box = document.getElementById("map-box"), cv = document.getElementById("map-canvas"), g = cv.getContext("2d");
  const sels = { state: "#map-state", owner: "#map-owner", maintainer: "#map-maintainer", lifecycle: "#map-lifecycle" };
  let data = null, etag = "", mx = null, my = null, sel = new Int32Array(0), shown = [0, 0, 0, 0];
  let view = { x: 0.5, y: 0.5, z: MIN_ZOOM }, fitted = false, W = 0, H = 0, dpr = 1, queued = false;
  let clusters = new Map(); // zoom level -> clusters of sel
  let hits = []; // what the last frame drew: [x, y, r, camera index or -1 - cluster index]
  const tiles = new Map(), tileStats = { requested: 0, loaded: 0, failed: 0 };

  const scale = (z) => TILE * 2 ** z;
  function project(lat, lon) {
    const s = Math.sin(Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }
  const latOf = (y) => Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI;
  const screen = (x, y, S) => [(x - view.x) * S + W / 2, (y - view.y) * S + H / 2];

  // ---- data and filters ----
  function setData(d) {
    const fresh = d !== data; // a 304 hands back the data held: relabel only
    if (fresh) {
      data = d;
      mx = new Float64Array(d.count); my = new Float64Array(d.count);
      for (let i = 0; i < d.count; i++) [mx[i], my[i]] = project(d.lat[i], d.lon[i]);
    }
    const opts = {
      state: STATES.map((s, i) => [String(i), t("states")[s]]),
      owner: d.owners.map((o, i) => [String(i), o ? t("owners")[o] || o : t("none")]),
      maintainer: d.maintainers.map((m, i) => [String(i), m || t("none")]),
      lifecycle: d.lifecycles.filter(Boolean).map((l, i) => [String(i), t("lifecycles")[l] || l]),
    };
    for (const [k, list] of Object.entries(opts)) {
      const s = document.querySelector(sels[k]), keep = s.value;
      s.replaceChildren(s.options[0], ...list.map(([v, label]) => { const o = document.createElement("option"); o.value = v; o.textContent = label; return o; }));
      s.value = list.some((x) => x[0] === keep) ? keep : "";
    }
    document.getElementById("map-in").title = t("zoomIn");
    document.getElementById("map-out").title = t("zoomOut");
    if (fresh) applyFilter();
    else legend();
  }
  function applyFilter() {
    const f = Object.fromEntries(Object.entries(sels).map(([k, s]) => [k, document.querySelector(s).value]));
    const st = f.state === "" ? -1 : 48 + Number(f.state), ow = f.owner === "" ? -1 : 48 + Number(f.owner);
    const lc = f.lifecycle === "" ? -1 : 48 + Number(f.lifecycle), mt = f.maintainer === "" ? -1 : Number(f.maintainer);
    const out = new Int32Array(data.count);
    let n = 0;
    shown = [0, 0, 0, 0];
    for (let i = 0; i < data.count; i++) {
      const s = data.state.charCodeAt(i);
      if ((st < 0 || s === st) && (ow < 0 || data.owner.charCodeAt(i) === ow) &&
        (lc < 0 || data.lifecycle.charCodeAt(i) === lc) && (mt < 0 || data.maintainer[i] === mt)) { out[n++] = i; shown[s - 48]++; }
    }
    sel = out.subarray(0, n);
    clusters = new Map();
    if (!fitted && n && W > 0) { fit(); fitted = true; } // else resize fits, once the box has a size
    legend();
    redraw();
  }
  for (const s of Object.values(sels)) document.querySelector(s).addEventListener("input", applyFilter);
  function legend() {
    document.getElementById("map-count").textContent = sel.length.toLocaleString("en-US");
    const items = STATES.map((s, i) => `<span class="dot ${s}"></span>${t("states")[s]} ${shown[i].toLocaleString("en-US")}`);
    const missing = data.total - data.count;
    const tileNote = tileStats.failed && !tileStats.loaded ? " · " + t("tilesFailed") : "";
    const el = document.getElementById("map-legend");
    el.innerHTML = items.join(" ") + (missing ? " · " : "");
    if (missing) el.append(t("noCoords", missing.toLocaleString("en-US")));
    el.append(tileNote);
  }

  // ---- clustering: a grid of CELL px at each whole zoom level ----
  // Typed arrays, not an object per cell: at zoom 15 a city has tens of
  // thousands of cells. Cells are numbered within the cameras' bounding
  // box: a dense index when it is small enough, else a Map of small ints.
  function clustersAt(level) {
    if (clusters.has(level)) return clusters.get(level);
    const k = scale(level) / CELL, m = sel.length;
    let ax = Infinity, ay = Infinity, bx = -Infinity, by = -Infinity;
    for (let j = 0; j < m; j++) {
      const cx = Math.floor(mx[sel[j]] * k), cy = Math.floor(my[sel[j]] * k);
      if (cx < ax) ax = cx; if (cx > bx) bx = cx; if (cy < ay) ay = cy; if (cy > by) by = cy;
    }
    const h = by - ay + 1, dense = (bx - ax + 1) * h <= 4e6;
    const grid = dense ? new Int32Array(Math.max(0, (bx - ax + 1) * h)).fill(-1) : new Map(), of = new Int32Array(m);
    let n = 0;
    for (let j = 0; j < m; j++) {
      const key = (Math.floor(mx[sel[j]] * k) - ax) * h + Math.floor(my[sel[j]] * k) - ay;
      let c = dense ? grid[key] : grid.get(key) ?? -1;
      if (c < 0) { c = n++; if (dense) grid[key] = c; else grid.set(key, c); }
      of[j] = c;
    }
    const cl = { n, cnt: new Int32Array(n), x: new Float64Array(n), y: new Float64Array(n), st: new Int32Array(4 * n),
      first: new Int32Array(n), box: new Float64Array(4 * n).fill(1) }; // box: x0, x1, y0, y1
    for (let c = 0; c < n; c++) cl.box[4 * c + 1] = cl.box[4 * c + 3] = 0;
    for (let j = 0; j < m; j++) {
      const i = sel[j], c = of[j], b = 4 * c, x = mx[i], y = my[i];
      if (!cl.cnt[c]) cl.first[c] = i;
      cl.cnt[c]++; cl.x[c] += x; cl.y[c] += y; cl.st[b + data.state.charCodeAt(i) - 48]++;
      if (x < cl.box[b]) cl.box[b] = x; if (x > cl.box[b + 1]) cl.box[b + 1] = x;
      if (y < cl.box[b + 2]) cl.box[b + 2] = y; if (y > cl.box[b + 3]) cl.box[b + 3] = y;
    }
    for (let c = 0; c < n; c++) { cl.x[c] /= cl.cnt[c]; cl.y[c] /= cl.cnt[c]; }
    clusters.set(level, cl);
    return cl;
  }

  // ---- drawing ----
  function redraw() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; draw(); });
  }
  function draw() {
    const t0 = performance.now();
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#eef1f4";
    g.fillRect(0, 0, W, H);
    const tiled = data && data.tile_url && drawTiles();
    if (!tiled) drawGrid();
    hits = [];
    const s = { markers: 0, clusters: 0, clustered: 0 };
    if (data) drawCameras(s);
    const ds = cv.dataset;
    ds.points = sel.length; ds.markers = s.markers; ds.clusters = s.clusters; ds.clustered = s.clustered;
    ds.inView = s.markers + s.clustered; ds.zoom = view.z.toFixed(2);
    ds.tilesRequested = tileStats.requested; ds.tilesLoaded = tileStats.loaded; ds.tilesFailed = tileStats.failed;
    ds.drawMs = (performance.now() - t0).toFixed(2);
    if (data && !ds.firstDataMs) ds.firstDataMs = performance.now().toFixed(0); // since the page's navigation
    ds.frames = Number(ds.frames || 0) + 1;
  }
  function drawCameras(s) {
    const S = scale(view.z), R = 5;
    const inView = (x, y, r) => x > -r && y > -r && x < W + r && y < H + r;
    const dots = [[], [], [], []];
    const big = [];
    if (view.z >= CLUSTER_UNTIL) {
      for (let j = 0; j < sel.length; j++) {
        const i = sel[j], x = (mx[i] - view.x) * S + W / 2, y = (my[i] - view.y) * S + H / 2;
        if (inView(x, y, R)) dots[data.state.charCodeAt(i) - 48].push(x, y, i);
      }
    } else {
      const cl = clustersAt(Math.floor(view.z));
      for (let c = 0; c < cl.n; c++) {
        const x = (cl.x[c] - view.x) * S + W / 2, y = (cl.y[c] - view.y) * S + H / 2;
        if (!inView(x, y, 24)) continue;
        if (cl.cnt[c] === 1) dots[data.state.charCodeAt(cl.first[c]) - 48].push(x, y, cl.first[c]);
        else big.push(x, y, c);
      }
    }
    g.strokeStyle = "#fff";
    g.lineWidth = 1.5;
    for (const st of [3, 0, 1, 2]) { // down on top
      const d = dots[st];
      if (!d.length) continue;
      g.beginPath();
      for (let k = 0; k < d.length; k += 3) { g.moveTo(d[k] + R, d[k + 1]); g.arc(d[k], d[k + 1], R, 0, 2 * Math.PI); hits.push([d[k], d[k + 1], R + 3, d[k + 2]]); }
      g.fillStyle = COLORS[st];
      g.fill();
      g.stroke();
      s.markers += d.length / 3;
    }
    if (!big.length) return;
    const cl = clustersAt(Math.floor(view.z));
    g.font = "600 11px system-ui, sans-serif";
    g.textAlign = "center";
    g.textBaseline = "middle";
    for (let k = 0; k < big.length; k += 3) {
      const c = big[k + 2], n = cl.cnt[c], x = big[k], y = big[k + 1], r = Math.min(26, 11 + 6 * Math.log10(n));
      let a = -Math.PI / 2;
      for (let st = 0; st < 4; st++) {
        const part = cl.st[4 * c + st];
        if (!part) continue;
        const b = a + 2 * Math.PI * part / n;
        g.beginPath(); g.moveTo(x, y); g.arc(x, y, r, a, b); g.closePath();
        g.fillStyle = COLORS[st]; g.fill();
        a = b;
      }
      g.beginPath(); g.arc(x, y, r - 5, 0, 2 * Math.PI); g.fillStyle = "#fff"; g.fill();
      g.fillStyle = "#1b2430";
      g.fillText(n >= 10000 ? Math.round(n / 1000) + "k" : String(n), x, y + 0.5);
      hits.push([x, y, r, -1 - c]);
      s.clusters++; s.clustered += n;
    }
  }
  // drawGrid draws lines of latitude and longitude about 120 px apart, labelled.
  function drawGrid() {
    const S = scale(view.z), perDeg = S / 360;
    const step = [20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002].find((d) => d * perDeg < 200) || 0.0001;
    const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (String(step).includes("5") || String(step).includes("2") ? 1 : 0));
    const left = (view.x - W / 2 / S) * 360 - 180, right = (view.x + W / 2 / S) * 360 - 180;
    const top = latOf(view.y - H / 2 / S), bottom = latOf(view.y + H / 2 / S);
    g.strokeStyle = "#d5dbe1"; g.lineWidth = 1; g.fillStyle = "#6b7785"; g.font = "11px system-ui, sans-serif";
    g.textAlign = "left"; g.textBaseline = "top";
    g.beginPath();
    const lons = [], lats = [];
    for (let lon = Math.ceil(left / step) * step; lon <= right && lons.length < 200; lon += step) {
      const [x] = screen((lon + 180) / 360, 0, S);
      g.moveTo(Math.round(x) + 0.5, 0); g.lineTo(Math.round(x) + 0.5, H); lons.push([x, lon]);
    }
    for (let lat = Math.ceil(Math.max(bottom, -85) / step) * step; lat <= Math.min(top, 85) && lats.length < 200; lat += step) {
      const y = screen(0, project(lat, 0)[1], S)[1];
      g.moveTo(0, Math.round(y) + 0.5); g.lineTo(W, Math.round(y) + 0.5); lats.push([y, lat]);
    }
    g.stroke();
    const deg = (v, pos, neg) => Math.abs(v).toFixed(digits) + "°" + (v < 0 ? neg : pos);
    for (const [x, lon] of lons) g.fillText(deg(lon, "E", "W"), x + 3, 3);
    for (const [y, lat] of lats) g.fillText(deg(lat, "N", "S"), 3, y + 3);
  }
  // drawTiles draws the XYZ tiles under the view; false when none is loaded yet.
  function drawTiles() {
    const tz = Math.max(0, Math.min(MAX_ZOOM, Math.round(view.z))), n = 2 ** tz, size = TILE * 2 ** (view.z - tz);
    const S = scale(view.z), ox = W / 2 - view.x * S, oy = H / 2 - view.y * S;
    let drew = false;
    for (let ty = Math.max(0, Math.floor(-oy / size)); ty < n && ty * size + oy < H; ty++) {
      for (let tx = Math.floor(-ox / size); tx * size + ox < W; tx++) {
        const img = tile(tz, ((tx % n) + n) % n, ty);
        if (img && img.complete && img.naturalWidth) { g.drawImage(img, tx * size + ox, ty * size + oy, size + 0.5, size + 0.5); drew = true; }
      }
    }
    return drew;
  }
  function tile(z, x, y) {
    const key = z + "/" + x + "/" + y;
    let img = tiles.get(key);
    if (img) return img;
    if (tiles.size >= MAX_TILES) tiles.delete(tiles.keys().next().value);
    img = new Image();
    img.onload = () => { tileStats.loaded++; redraw(); };
    img.onerror = () => { tileStats.failed++; if (!tileStats.loaded) legend(); redraw(); };
    img.src = data.tile_url.replace("{z}", z).replace("{x}", x).replace("{y}", y);
    tileStats.requested++;
    tiles.set(key, img);
    return img;
  }

  // ---- moving ----
  function zoomAt(px, py, z) {
    z = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
    const S0 = scale(view.z), S1 = scale(z);
    view.x += (px - W / 2) * (1 / S0 - 1 / S1);
    view.y += (py - H / 2) * (1 / S0 - 1 / S1);
    view.z = z;
    redraw();
  }
  function panBy(dx, dy) { const S = scale(view.z); view.x -= dx / S; view.y -= dy / S; redraw(); }
  // fitBounds shows the box (Mercator units) with a margin, at least at zoom min.
  function fitBounds(x0, x1, y0, y1, min) {
    const z = Math.log2(Math.min(Math.max(W - 60, 60) / Math.max(x1 - x0, 1e-9), Math.max(H - 60, 60) / Math.max(y1 - y0, 1e-9)) / TILE);
    view = { x: (x0 + x1) / 2, y: (y0 + y1) / 2, z: Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.max(min || 0, z))) };
    redraw();
  }
  function fit() {
    let x0 = 1, x1 = 0, y0 = 1, y1 = 0;
    for (const i of sel) { x0 = Math.min(x0, mx[i]); x1 = Math.max(x1, mx[i]); y0 = Math.min(y0, my[i]); y1 = Math.max(y1, my[i]); }
    if (x1 >= x0) fitBounds(x0, x1, y0, y1);
  }
  function hitAt(x, y) {
    let best = null, bd = Infinity;
    for (const h of hits) {
      const d = (h[0] - x) ** 2 + (h[1] - y) ** 2;
      if (d <= h[2] * h[2] && d < bd) { best = h; bd = d; }
    }
    return best;
  }
  function clickAt(x, y) {
    const h = hitAt(x, y);
    if (!h) return;
    if (h[3] >= 0) { location.href = cameraHref(data.ids[h[3]]); return; }
    const b = clustersAt(Math.floor(view.z)).box, c = 4 * (-1 - h[3]);
    fitBounds(b[c], b[c + 1], b[c + 2], b[c + 3], Math.floor(view.z) + 1);
  }
  const pointers = new Map();
  let moved = 0;
  const local = (e) => { const r = cv.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  cv.addEventListener("pointerdown", (e) => {
    cv.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 1) moved = 0;
  });
  cv.addEventListener("pointermove", (e) => {
    const prev = pointers.get(e.pointerId);
    if (!prev) { cv.style.cursor = hitAt(...local(e)) ? "pointer" : ""; return; }
    const p = local(e);
    if (pointers.size === 1) {
      panBy(p[0] - prev[0], p[1] - prev[1]);
      moved += Math.abs(p[0] - prev[0]) + Math.abs(p[1] - prev[1]);
    } else if (pointers.size === 2) { // pinch: zoom by the change of distance, about the midpoint
      const other = [...pointers].find(([id]) => id !== e.pointerId)[1];
      const d0 = Math.hypot(prev[0] - other[0], prev[1] - other[1]), d1 = Math.hypot(p[0] - other[0], p[1] - other[1]);
      if (d0 > 0 && d1 > 0) zoomAt((p[0] + other[0]) / 2, (p[1] + other[1]) / 2, view.z + Math.log2(d1 / d0));
      moved = Infinity;
    }
    pointers.set(e.pointerId, p);
  });
  const release = (e) => {
    if (pointers.delete(e.pointerId) && pointers.size === 0 && moved < 5 && e.type === "pointerup") clickAt(...local(e));
  };
  cv.addEventListener("pointerup", release);
  cv.addEventListener("pointercancel", release);
  cv.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = local(e);
    zoomAt(x, y, view.z - Math.max(-1, Math.min(1, e.deltaY * (e.deltaMode ? 0.05 : 0.002))));
  }, { passive: false });
  cv.addEventListener("dblclick", (e) => { const [x, y] = local(e); zoomAt(x, y, Math.floor(view.z) + 1); });
  document.getElementById("map-in").addEventListener("click", () => zoomAt(W / 2, H / 2, Math.floor(view.z) + 1));
  document.getElementById("map-out").addEventListener("click", () => zoomAt(W / 2, H / 2, Math.ceil(view.z) - 1));
  document.getElementById("map-fit").addEventListener("click", fit);
  function resize() {
    dpr = window.devicePixelRatio || 1;
    W = box.clientWidth; H = box.clientHeight;
    cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
    cv.style.width = W + "px"; cv.style.height = H + "px";
    if (!fitted && sel.length && W > 0) { fit(); fitted = true; }
    draw();
  }
  new ResizeObserver(resize).observe(box);

  // load fetches the map data, revalidating with its ETag (304: keep it).
  async function load() {
    const headers = { Accept: "application/json" }, tok = tokenStore.getItem(TOKEN_KEY);
    if (tok) headers.Authorization = "Bearer " + tok;
    if (etag && data) headers["If-None-Match"] = etag;
    let r;
    try { r = await fetch("api/v1/map", { headers, cache: "no-store" }); } catch (_) { throw new ApiError(0, t("unreachableServer")); }
    if (r.status === 304) return data;
    if (!r.ok) {
      let msg = r.status + " " + r.statusText;
      try { msg = (await r.json()).error.message || msg; } catch (_) { /* not JSON */ }
      throw new ApiError(r.status, msg);
    }
    const d = await r.json();
    etag = r.headers.get("ETag") || "";
    setData(d); // draw now, not when the slowest call of the refresh is back
    return d;
  }
  return {
    calls: { summary: "status/summary", map: load },
    tables: {},
    render: { map: (ok) => setData(ok.map) },
    // for tests and benchmarks: move the view as a user would
    panBy, zoomAt: (z) => zoomAt(W / 2, H / 2, z), fit, view: () => Object.assign({}, view),
    drawn: () => hits.slice(), id: (i) => data.ids[i],
  };
})() : null;
