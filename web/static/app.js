"use strict";
// The sharpeyes console reads the JSON API (status/summary and the reports);
// it has no build step and no dependencies. Field names follow SPEC.md;
// strings come from i18n.js, times are formatted by time.js. Two views:
// the overview (/) and one camera (/cameras/{id}, same page; the server
// sets <base> so that relative links work from both).
const $ = (s) => document.querySelector(s);
const REFRESH_MS = 15000;
const TOKEN_KEY = "sharpeyes.token";

// The token lives in sessionStorage: it is gone when the tab closes, and a
// token an older version kept in localStorage is removed.
const tokenStore = window.sessionStorage;
try { window.localStorage.removeItem(TOKEN_KEY); } catch (_) { /* storage disabled */ }
const tokenInput = $("#token");
tokenInput.value = tokenStore.getItem(TOKEN_KEY) || "";
$("#auth").addEventListener("submit", (e) => {
  e.preventDefault();
  tokenStore.setItem(TOKEN_KEY, tokenInput.value.trim());
  refresh();
});

// The camera view: /cameras/{id} (the last path segment, whatever the mount point).
const camMatch = /\/cameras\/([^/]+)\/?$/.exec(location.pathname);
const CAMERA = camMatch ? decodeURIComponent(camMatch[1]) : null;

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, init) {
  const headers = { Accept: "application/json" };
  const tok = tokenStore.getItem(TOKEN_KEY);
  if (tok) headers.Authorization = "Bearer " + tok;
  if (init && init.body) headers["Content-Type"] = "application/json";
  let r;
  try {
    r = await fetch("api/v1/" + path, Object.assign({ headers, cache: "no-store" }, init));
  } catch (_) {
    throw new ApiError(0, t("unreachableServer"));
  }
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { msg = (await r.json()).error.message || msg; } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, msg);
  }
  return r.status === 204 ? null : r.json();
}

// ---- formatting ----
const num = (n) => (n == null ? "–" : Number(n).toLocaleString("en-US"));
const pct = (x) => (x == null ? "–" : (100 * x).toFixed(1) + "%");
const pad = (n) => String(n).padStart(2, "0");
// Times are shown in the server's timezone with their offset (time.js);
// UTC until the first summary names the zone.
let tz = zoneFormatter("UTC");
const when = (v) => tz.when(v);
const clock = (v) => tz.clock(v);
function setZone(s) {
  tz = zoneFormatter(s.timezone); // a zone the browser lacks falls back to UTC
  $("#zone").textContent = `${tz.zone} (UTC${tz.offset() === "Z" ? "" : tz.offset()})`;
}
function dur(s) {
  const u = t("units");
  s = Math.max(0, Math.round(s || 0));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}${u.d} ${h}${u.h}`;
  if (h) return m ? `${h}${u.h} ${pad(m)}${u.m}` : `${h}${u.h}`;
  if (m) return s % 60 ? `${m}${u.m} ${pad(s % 60)}${u.s}` : `${m}${u.m}`;
  return `${s}${u.s}`;
}
const reasonText = (r) => t("reasons")[r] || r || t("unknown");
// Online-rate bands used for colour only.
const band = (x) => (x == null ? "" : x >= 0.95 ? "good" : x >= 0.9 ? "warn" : "bad");

// ---- DOM helpers ----
function el(tag, cls, ...kids) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
  return e;
}
function link(href, ...kids) { const a = el("a", "", ...kids); a.href = href; return a; }
const cameraHref = (id) => "cameras/" + encodeURIComponent(id);
function bar(parts) { // parts: [[fraction, class], ...]
  const b = el("span", "bar");
  for (const [f, cls] of parts) {
    const s = el("span", cls);
    s.style.width = (100 * Math.min(1, Math.max(0, f || 0))).toFixed(1) + "%"; // CSSOM, allowed by CSP
    b.append(s);
  }
  return b;
}
function rateCell(x) {
  return el("td", "rate " + band(x), bar([[x, "fill"]]), el("span", "pct", pct(x)));
}
function regionCell(key) {
  if (!key) return el("td", "muted", t("none"));
  const i = key.lastIndexOf("/");
  return i < 0 ? el("td", "key", key) : el("td", "key", el("span", "muted", key.slice(0, i + 1)), key.slice(i + 1));
}
const numCell = (n, cls) => el("td", "num" + (cls ? " " + cls : ""), num(n));
function message(tbody, text, cls) {
  const cols = tbody.closest("table").querySelectorAll("thead th").length;
  const td = el("td", "message " + (cls || ""), text);
  td.colSpan = cols;
  tbody.replaceChildren(el("tr", "", td));
}
function card(label, value, sub, cls) {
  return el("div", "card " + (cls || ""), el("span", "label", label), el("b", "", value), el("span", "sub", sub || "\u00a0"));
}
// labelled gives a cell the column's name, shown above it when the table stacks on a phone.
function labelled(td, key) { td.dataset.label = t(key); return td; }

// ---- overview ----
// sweepAge is how long ago the last sweep ended (s), and whether that is stale.
function sweepAge(s) {
  const sw = s.last_sweep;
  const age = sw && sw.end ? (Date.now() - new Date(sw.end)) / 1000 : null;
  return { sw, age, late: age != null && !!s.stale_after_s && age > s.stale_after_s };
}
function renderSummary(s) {
  const { sw, age, late } = sweepAge(s);
  $("#summary").replaceChildren(
    card(t("onlineRate"), pct(s.online_rate), s.probed ? t("probed", num(s.up), num(s.probed)) : t("nothingProbed"), "rate " + band(s.online_rate)),
    card(t("up"), num(s.up), "", s.up ? "up" : ""),
    card(t("degraded"), num(s.degraded), t("reachableUnhealthy"), s.degraded ? "degraded" : ""),
    card(t("down"), num(s.down), t("openOutages", num(s.open_outages)), s.down ? "down" : ""),
    card(t("unknown"), num(s.unknown), t("neverProbed", num(s.never_probed)), ""),
    card(t("lastSweep"), sw && sw.end ? clock(sw.end) : "–",
      !sw ? t("noSweep") : sw.isolated ? t("isolated") : late ? t("staleSweep", dur(age))
        : t("sweepAgo", dur(age), (sw.duration_s || 0).toFixed(1)),
      "time " + (sw && sw.isolated ? "down" : late ? "degraded stale" : "")),
    card(t("stale"), num(s.stale), s.stale_after_s ? t("staleSub", dur(s.stale_after_s)) : "", s.stale ? "degraded" : ""),
  );
  const lc = s.lifecycle || {};
  $("#fleet").textContent = t("fleet", num(s.cameras), num(lc.active), num(lc.building), num(lc.planned), num(lc.retired), num(s.ready_for_acceptance));
  document.title = (s.down ? t("downTitle", s.down) : "") + t("title");
}

// The down list: the open outages (longest first) joined with the down
// cameras' addresses, filtered in the page by text, region and maintainer.
let down = { items: [], total: 0, more: false, probed: true };
function setDown(o, cams, summary) {
  const host = new Map(((cams && cams.items) || []).map((c) => [c.id, c.host || ""]));
  down = {
    items: (o.items || []).map((x) => Object.assign({ host: host.get(x.camera_id) || "" }, x))
      .sort((a, b) => (b.duration_s || 0) - (a.duration_s || 0)),
    total: summary && summary.open_outages != null ? summary.open_outages : (o.items || []).length,
    more: !!o.next_cursor,
    probed: !summary || !!summary.probed,
  };
  fillSelect($("#down-region"), down.items.map((x) => regionLevel(x.region, 2)));
  fillSelect($("#down-maintainer"), down.items.map((x) => x.maintainer));
  renderDown();
}
const regionLevel = (r, n) => (r || "").split("/").slice(0, n).join("/");
function fillSelect(sel, values) {
  const keep = sel.value;
  const opts = [...new Set(values.filter(Boolean))].sort();
  sel.replaceChildren(sel.options[0], ...opts.map((v) => { const o = el("option", "", v); o.value = v; return o; }));
  sel.value = opts.includes(keep) ? keep : "";
}
function renderDown() {
  const q = $("#down-q").value.trim().toLowerCase();
  const region = $("#down-region").value, maint = $("#down-maintainer").value;
  const items = down.items.filter((x) =>
    (!q || x.camera_id.toLowerCase().includes(q) || (x.name || "").toLowerCase().includes(q) || x.host.toLowerCase().includes(q)) &&
    (!region || x.region === region || (x.region || "").startsWith(region + "/")) &&
    (!maint || x.maintainer === maint));
  const body = $("#outages tbody");
  $("#down-count").textContent = num(down.total);
  $("#down-count").className = "count" + (down.total ? " bad" : "");
  const more = $("#outages-more");
  const filtered = q || region || maint;
  more.hidden = !down.more && !filtered;
  more.textContent = filtered ? t("matching", num(items.length), num(down.items.length)) : t("showing", num(down.items.length), num(down.total));
  if (!items.length) {
    // Nothing down means nothing only once something was probed.
    if (!down.items.length && !down.probed) return message(body, t("notProbedYet"), "");
    return message(body, down.items.length ? t("noMatch") : t("noneDown"), down.items.length ? "" : "ok");
  }
  body.replaceChildren(...items.map((x) => el("tr", "",
    el("td", "camera", link(cameraHref(x.camera_id), el("span", "name", x.name || t("unnamed"))), el("span", "id", x.camera_id),
      x.host ? el("span", "id", x.host) : null),
    labelled(regionCell(x.region), "region"), labelled(el("td", "", x.maintainer || "–"), "maintainer"),
    labelled(el("td", "time", when(x.start)), "since"),
    labelled(el("td", "num", dur(x.duration_s)), "duration"),
    labelled(el("td", "", el("span", "reason", x.reason || "unknown"), " ", el("span", "muted", reasonText(x.reason))), "reason"),
  )));
}
for (const id of ["#down-q", "#down-region", "#down-maintainer"]) $(id).addEventListener("input", renderDown);

function coverageRow(g, tag) {
  const lc = g.lifecycle || {};
  return el("tr", tag, tag ? el("td", "key", t("totalRow")) : regionCell(g.key), numCell(lc.active), numCell(g.up),
    numCell(g.degraded, g.degraded ? "warn" : ""), numCell(g.down, g.down ? "bad" : ""),
    numCell(g.unknown), rateCell(g.online_rate));
}
function renderCoverage(id, r) {
  const groups = r.groups || [];
  $(id + " tfoot").replaceChildren(...(groups.length && r.total ? [coverageRow(r.total, "total")] : []));
  if (!groups.length) return message($(id + " tbody"), t("empty"));
  $(id + " tbody").replaceChildren(...groups.map((g) => coverageRow(g)));
}

function buildoutRow(g, tag) {
  const n = g.total || 0, f = (x) => (n ? (x || 0) / n : 0);
  return el("tr", tag, tag ? el("td", "key", t("totalRow")) : regionCell(g.key), numCell(g.total),
    numCell(g.planned), numCell(g.building), numCell(g.active), numCell(g.retired),
    numCell(g.overdue, g.overdue ? "bad" : ""), numCell(g.ready_for_acceptance, g.ready_for_acceptance ? "info" : ""),
    el("td", "rate", bar([[f(g.active), "active"], [f(g.building), "building"], [f(g.planned), "planned"]]),
      el("span", "pct", n ? pct(f(g.active)) : "–")));
}
function renderBuildout(r) {
  const groups = r.groups || [];
  $("#buildout tfoot").replaceChildren(...(groups.length && r.total ? [buildoutRow(r.total, "total")] : []));
  if (!groups.length) return message($("#buildout tbody"), t("empty"));
  $("#buildout tbody").replaceChildren(...groups.map((g) => buildoutRow(g)));
}

// ---- camera page ----
function renderCamera(c, summary) {
  const st = c.status || {};
  document.title = (c.name || c.id) + " · " + t("title");
  $("#cam-title").replaceChildren(el("span", "", c.name || t("unnamed")), " ", el("span", "id", c.id));
  const never = !st.last_probe;
  const state = never ? "unknown" : st.state || "unknown";
  const probeAge = st.last_probe ? (Date.now() - new Date(st.last_probe)) / 1000 : null;
  const staleProbe = probeAge != null && summary && summary.stale_after_s && probeAge > summary.stale_after_s;
  const stateSub = never ? "" : [st.reason ? reasonText(st.reason) + " (" + st.reason + ")" : "", st.since ? t("stateSince", when(st.since)) : ""].filter(Boolean).join(" · ");
  const cards = [
    card(t("state"), never ? t("notYetProbed") : t("states")[state] || state, stateSub, "state " + state),
    card(t("lastProbe"), st.last_probe ? clock(st.last_probe) : "–",
      staleProbe ? t("staleProbe") + " · " + dur(probeAge) : [st.latency_ms != null ? t("latency", Math.round(st.latency_ms)) : "",
        st.consecutive_failures ? t("failures", st.consecutive_failures) : ""].filter(Boolean).join(" · "),
      "time " + (staleProbe ? "degraded stale" : "")),
  ];
  const old = $("#cam-state").querySelectorAll(".avail");
  $("#cam-state").replaceChildren(...cards, ...old);
  const rows = [
    ["id", c.id], ["name", c.name], ["address", c.host ? c.host + (c.port ? ":" + c.port : "") : ""],
    ["probe", c.probe], ["path", c.path], ["region", c.region], ["owner", t("owners")[c.owner] || c.owner],
    ["lifecycle", t("lifecycles")[c.lifecycle] || c.lifecycle], ["maintainer", c.maintainer], ["uplink", c.uplink],
    ["location", c.lat != null && c.lon != null && (c.lat || c.lon) ? `${c.lat}, ${c.lon}` : ""],
    ["installedAt", c.installed_at], ["due", c.due],
    ["tags", c.tags ? Object.entries(c.tags).map(([k, v]) => k + "=" + v).join(", ") : ""],
  ];
  $("#cam-record").replaceChildren(...rows.filter((r) => r[1]).flatMap(([k, v]) => [el("dt", "", t(k)), el("dd", "", v)]));
  renderAck(st);
}
// renderAck shows who acknowledged the current down or degraded episode
// (POST cameras/{id}/ack), and offers to acknowledge or withdraw.
function renderAck(st) {
  const a = st.acknowledgement, open = st.state === "down" || st.state === "degraded";
  $("#cam-ack").textContent = a ? t("ackedBy", a.by || "?", when(a.at), a.comment || "") : open ? t("notAcked") : t("nothingToAck");
  $("#cam-ack").className = "hint " + (a ? "ok" : open ? "bad" : "");
  $("#ack").hidden = !open;
  $("#ack-withdraw").hidden = !a;
}
async function camAction(out, call, done) {
  try {
    const r = await call();
    out.textContent = done(r);
    out.className = "hint ok";
    last = null;
    refresh();
  } catch (err) {
    out.textContent = err.status === 401 || err.status === 403 ? t("operatorNeeded") : t("actionFailed", err.message);
    out.className = "hint bad";
  }
}
$("#ack").addEventListener("submit", (e) => {
  e.preventDefault();
  camAction($("#ack-result"), () => api("cameras/" + encodeURIComponent(CAMERA) + "/ack",
    { method: "POST", body: JSON.stringify({ comment: $("#ack-comment").value.trim() }) }), () => t("acked"));
});
$("#ack-withdraw").addEventListener("click", () =>
  camAction($("#ack-result"), () => api("cameras/" + encodeURIComponent(CAMERA) + "/ack", { method: "DELETE" }), () => t("ackWithdrawn")));
// Probe now: the API probes the camera as the collector would and answers
// the verdict with each step and a hint; nothing is recorded.
$("#probe-now").addEventListener("click", async () => {
  const out = $("#probe-result"), btn = $("#probe-now");
  btn.disabled = true;
  out.replaceChildren(el("p", "hint", t("probing")));
  try {
    const r = await api("cameras/" + encodeURIComponent(CAMERA) + "/probe?lang=" + LANG, { method: "POST" });
    const verdict = (t("states")[r.state] || r.state) + (r.reason ? " (" + r.reason + ")" : "") + " · " + t("latency", Math.round(r.latency_ms));
    const rows = (r.steps || []).map((s) => el("tr", s.ok ? "" : "open", el("td", "", s.name),
      el("td", "num", s.duration_ms.toFixed(1) + " ms"), el("td", "", s.ok ? "ok" : "FAIL"), el("td", "", s.detail || "")));
    const table = el("table", "steps", el("tbody", "", ...rows));
    out.replaceChildren(el("p", "state " + r.state, t("probeVerdict", verdict)), table, ...(r.hint ? [el("p", "hint", r.hint)] : []));
    out.dataset.state = r.state;
  } catch (err) {
    out.replaceChildren(el("p", "hint bad", err.status === 401 || err.status === 403 ? t("operatorNeeded") : t("actionFailed", err.message)));
  } finally {
    btn.disabled = false;
  }
});
function renderAvailability(a7, a30) {
  const fig = (rep) => ((rep && rep.cameras) || []).find((x) => x.camera_id === CAMERA);
  const avCard = (label, f) => card(label, f && f.availability != null ? pct(f.availability) : "–",
    !f || f.availability == null ? t("noMonitored") : t("outagesN", num(f.outages), f.mttr_s != null ? dur(f.mttr_s) : ""),
    "avail rate " + band(f && f.availability));
  for (const e of $("#cam-state").querySelectorAll(".avail")) e.remove();
  $("#cam-state").append(avCard(t("avail7"), fig(a7)), avCard(t("avail30"), fig(a30)));
}
// renderTimeline draws the last 7 days as one bar: the outages recorded
// (red) over the time without one; each day's start is marked.
function renderTimeline(items) {
  const end = Date.now(), start = end - 7 * 86400e3, w = 700, x = (ms) => ((ms - start) / (end - start)) * w;
  const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} 18`);
  svg.setAttribute("preserveAspectRatio", "none");
  const rect = (x0, x1, cls) => {
    const r = document.createElementNS(ns, "rect");
    r.setAttribute("x", x0); r.setAttribute("width", Math.max(1, x1 - x0)); r.setAttribute("y", 0); r.setAttribute("height", 18);
    r.setAttribute("class", cls);
    svg.append(r);
  };
  rect(0, w, "tl-ok");
  let n = 0;
  for (const o of items) {
    const s = Math.max(start, new Date(o.start).getTime()), e = Math.min(end, o.end ? new Date(o.end).getTime() : end);
    if (e > s) { rect(x(s), x(e), "tl-down"); n++; }
  }
  const days = [];
  for (let d = 6; d >= 0; d--) days.push(el("span", "", new Date(end - d * 86400e3).toLocaleDateString(LANG === "zh" ? "zh-CN" : "en-GB", { timeZone: (tz && tz.zone) || "UTC", month: "numeric", day: "numeric" })));
  const box = $("#cam-timeline");
  box.dataset.outages = n;
  box.replaceChildren(el("p", "hint", t("last7d")), svg, el("div", "tl-days", ...days));
}
function renderCamOutages(o) {
  const items = (o.items || []).filter((x) => x.camera_id === CAMERA).sort((a, b) => new Date(b.start) - new Date(a.start));
  renderTimeline(items);
  const body = $("#cam-outages tbody");
  if (!items.length) return message(body, t("noOutages"), "ok");
  body.replaceChildren(...items.map((x) => el("tr", x.end ? "" : "open",
    labelled(el("td", "time", when(x.start)), "start"),
    labelled(el("td", "time", x.end ? when(x.end) : t("open")), "end"),
    labelled(el("td", "num", dur(x.duration_s)), "duration"),
    labelled(el("td", "", el("span", "reason", x.reason || "unknown"), " ", el("span", "muted", reasonText(x.reason))), "reason"))));
}
$("#silence").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#silence-result");
  const start = new Date(), end = new Date(start.getTime() + Number($("#silence-hours").value) * 3600e3);
  try {
    const s = await api("silences", { method: "POST", body: JSON.stringify({
      camera_id: CAMERA, start: start.toISOString(), end: end.toISOString(), comment: $("#silence-comment").value.trim() }) });
    out.textContent = t("silenced", when(s.end || end));
    out.className = "hint ok";
  } catch (err) {
    out.textContent = err.status === 401 || err.status === 403 ? t("silenceAuth") : t("silenceFailed", err.message);
    out.className = "hint bad";
  }
});

// ---- refresh loop ----
function showProblem(errors) {
  const banner = $("#error");
  const auth = errors.find((e) => e.status === 401 || e.status === 403);
  const unreachable = errors.find((e) => e.status === 0);
  $("#auth").classList.toggle("attention", !!auth);
  if (auth && auth.status === 401) {
    banner.textContent = tokenStore.getItem(TOKEN_KEY) ? t("tokenRejected") : t("tokenNeeded");
    if (document.activeElement === document.body) tokenInput.focus();
  } else if (auth) {
    banner.textContent = t("tokenLow");
  } else if (unreachable) {
    banner.textContent = t("serverDown");
  } else {
    banner.textContent = t("partial") + errors.map((e) => e.message).join("; ");
  }
  banner.hidden = !errors.length;
}

const HOME = {
  calls: {
    summary: "status/summary",
    outages: "reports/outages?open=true&limit=1000",
    downCams: "cameras?state=down&limit=1000",
    coverage: "reports/coverage?group_by=region&level=2",
    maintainers: "reports/coverage?group_by=maintainer",
    buildout: "reports/buildout?group_by=region&level=2",
  },
  tables: { outages: "#outages", coverage: "#coverage", maintainers: "#maintainers", buildout: "#buildout" },
  render: {
    summary: (ok) => renderSummary(ok.summary),
    outages: (ok) => setDown(ok.outages, ok.downCams, ok.summary),
    coverage: (ok) => renderCoverage("#coverage", ok.coverage),
    maintainers: (ok) => renderCoverage("#maintainers", ok.maintainers),
    buildout: (ok) => renderBuildout(ok.buildout),
  },
};
const CAM = CAMERA && {
  calls: {
    summary: "status/summary",
    camera: "cameras/" + encodeURIComponent(CAMERA),
    a7: "reports/availability?window=7d&cameras=true&worst=0&q=" + encodeURIComponent(CAMERA),
    a30: "reports/availability?window=30d&cameras=true&worst=0&q=" + encodeURIComponent(CAMERA),
    outages: "reports/outages?from=-30d&limit=1000&q=" + encodeURIComponent(CAMERA),
  },
  tables: { outages: "#cam-outages" },
  render: {
    camera: (ok) => renderCamera(ok.camera, ok.summary),
    a7: (ok) => renderAvailability(ok.a7, ok.a30),
    outages: (ok) => renderCamOutages(ok.outages),
  },
};
// The other pages (lists.js, silences.js, month.js, buildout.js) register
// in PAGES and are opened by the address's #hash; a list filter in the
// query (?uplink=, ?region=, ?maintainer=, ?owner=; alert links) opens the
// lists. Each page builds its own part of #page once.
const PAGES = window.PAGES || {};
function pageName() {
  if (CAMERA || MAP_VIEW) return ""; // MAP_VIEW: map.js, on /map
  const h = location.hash.slice(1);
  if (PAGES[h]) return h;
  const q = new URLSearchParams(location.search);
  return PAGES.lists && ["region", "maintainer", "uplink", "owner", "state"].some((k) => q.has(k)) ? "lists" : "";
}
let VIEW, PAGE = "";
function pickView() {
  PAGE = pageName();
  const page = PAGES[PAGE];
  VIEW = CAM || MAP_VIEW || page || HOME;
  $("#home").hidden = VIEW !== HOME;
  $("#cam").hidden = !CAMERA;
  $("#page").hidden = !page;
  for (const [name, p] of Object.entries(PAGES)) {
    if (name === PAGE && !p.root) { p.root = el("div", "page"); $("#page").append(p.root); p.init(p.root); }
    if (p.root) p.root.hidden = name !== PAGE;
  }
  for (const a of document.querySelectorAll("#nav a")) {
    const key = a.dataset.page || (a.hash || "").slice(1);
    a.classList.toggle("on", MAP_VIEW ? key === "map" : key === PAGE && !CAMERA);
  }
}
pickView();
window.addEventListener("hashchange", () => { pickView(); applyLang(); last = null; refresh(); });
const callsOf = (v) => (typeof v.calls === "function" ? v.calls() : v.calls);

let busy = false, last = null, again = false;
function draw(ok, errors) {
  if (ok.summary) setZone(ok.summary);
  for (const n of Object.keys(callsOf(VIEW))) {
    const body = VIEW.tables && VIEW.tables[n] && $(VIEW.tables[n] + " tbody");
    if (!ok[n]) { // keep the last good data; say so only when there is none
      if (body && !body.rows.length) message(body, t("notLoaded"), "bad");
      continue;
    }
    if (!VIEW.render || !VIEW.render[n]) continue;
    try { VIEW.render[n](ok); } catch (e) { errors.push(new ApiError(-1, `${n}: ${e.message}`)); }
  }
  if (CAMERA && !ok.camera && errors.some((e) => e.status === 404)) $("#cam-title").textContent = t("noCamera") + " " + CAMERA;
}
async function refresh() {
  if (busy) { again = true; return; } // a page changed while loading: load once more
  busy = true;
  const view = VIEW, calls = callsOf(VIEW);
  const names = Object.keys(calls);
  const res = await Promise.allSettled(names.map((n) => (typeof calls[n] === "function" ? calls[n]() : api(calls[n]))));
  if (view !== VIEW) { busy = again = false; return refresh(); } // the page changed meanwhile
  const ok = {}, errors = [];
  res.forEach((r, i) => (r.status === "fulfilled" ? (ok[names[i]] = r.value) : errors.push(r.reason)));
  last = { ok, errors };
  draw(ok, errors.slice());
  showProblem(errors);
  const now = clock(new Date());
  last.at = now;
  $("#updated").textContent = errors.length ? t("updateFailed", now) : t("updated", now);
  $("#updated").classList.toggle("bad", errors.length > 0);
  busy = false;
  if (again) { again = false; refresh(); }
}
$("#lang").addEventListener("click", () => {
  setLang(LANG === "zh" ? "en" : "zh");
  if (last) { // redraw what is on screen in the new language
    draw(last.ok, last.errors.slice());
    showProblem(last.errors);
    $("#updated").textContent = last.errors.length ? t("updateFailed", last.at) : t("updated", last.at);
  }
});
applyLang();
refresh();
setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
