"use strict";
// The sharpeyes dashboard reads the JSON API (status/summary and the reports);
// it has no build step and no dependencies. Field names follow SPEC.md.
const $ = (s) => document.querySelector(s);
const REFRESH_MS = 15000;
const TITLE = document.title;
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

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  const headers = { Accept: "application/json" };
  const t = tokenStore.getItem(TOKEN_KEY);
  if (t) headers.Authorization = "Bearer " + t;
  let r;
  try {
    r = await fetch("api/v1/" + path, { headers, cache: "no-store" });
  } catch (_) {
    throw new ApiError(0, "server unreachable 无法连接服务器");
  }
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { msg = (await r.json()).error.message || msg; } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, msg);
  }
  return r.json();
}

// ---- formatting ----
const num = (n) => (n == null ? "–" : Number(n).toLocaleString("en-US"));
const pct = (x) => (x == null ? "–" : (100 * x).toFixed(1) + "%");
const pad = (n) => String(n).padStart(2, "0");
// Times are shown in the server's timezone with their offset (time.js);
// UTC until the first summary names the zone.
let tz = zoneFormatter("UTC");
const when = (t) => tz.when(t);
const clock = (t) => tz.clock(t);
function setZone(s) {
  tz = zoneFormatter(s.timezone); // a zone the browser lacks falls back to UTC
  $("#zone").textContent = `${tz.zone} (UTC${tz.offset() === "Z" ? "" : tz.offset()})`;
}
function dur(s) {
  s = Math.max(0, Math.round(s || 0));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return m ? `${h}h ${pad(m)}m` : `${h}h`;
  if (m) return s % 60 ? `${m}m ${pad(s % 60)}s` : `${m}m`;
  return `${s}s`;
}
// Online-rate bands used for colour only.
const band = (x) => (x == null ? "" : x >= 0.95 ? "good" : x >= 0.9 ? "warn" : "bad");
const EMPTY = "No cameras yet: import the inventory (sharpeyes import FILE). 暂无摄像机，请先导入台账。";
const REASONS = {
  timeout: "超时", refused: "拒绝连接", unreachable: "不可达", dns: "域名解析失败",
  rtsp_401: "视频认证失败", rtsp_404: "视频路径不存在", rtsp_5xx: "视频服务错误",
  bad_response: "响应异常", clock_drift: "时钟偏差", no_video: "无视频",
  auth_downgrade: "拒绝降级认证",
};

// ---- DOM helpers ----
function el(tag, cls, ...kids) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
  return e;
}
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
  if (!key) return el("td", "muted", "(none 未分配)");
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

// ---- sections ----
function renderSummary(s) {
  setZone(s);
  const sw = s.last_sweep;
  const age = sw && sw.end ? (Date.now() - new Date(sw.end)) / 1000 : null;
  const late = age != null && s.stale_after_s && age > s.stale_after_s;
  $("#summary").replaceChildren(
    card("Online rate 在线率", pct(s.online_rate), s.probed ? `${num(s.up)} of ${num(s.probed)} probed 已探测` : "nothing probed yet 尚无探测", "rate " + band(s.online_rate)),
    card("Up 在线", num(s.up), "", s.up ? "up" : ""),
    card("Degraded 异常", num(s.degraded), "reachable, unhealthy 可达异常", s.degraded ? "degraded" : ""),
    card("Down 离线", num(s.down), `${num(s.open_outages)} open outages 未恢复`, s.down ? "down" : ""),
    card("Unknown 未知", num(s.unknown), `${num(s.never_probed)} never probed 从未探测`, ""),
    card("Last sweep 最近巡检", sw && sw.end ? clock(sw.end) : "–",
      !sw ? "no sweep yet 尚未巡检" : sw.isolated ? "collector isolated 采集端网络疑似中断"
        : `${dur(age)} ago · took ${(sw.duration_s || 0).toFixed(1)} s`,
      sw && sw.isolated ? "down" : late ? "degraded" : ""),
    card("Stale 过期", num(s.stale), s.stale_after_s ? `not probed in ${dur(s.stale_after_s)} 超时未探测` : "", s.stale ? "degraded" : ""),
  );
  const lc = s.lifecycle || {};
  $("#fleet").textContent = `${num(s.cameras)} cameras 摄像机 · ${num(lc.active)} active 已建 · ${num(lc.building)} building 在建 · ` +
    `${num(lc.planned)} planned 规划 · ${num(lc.retired)} retired 撤除 · ${num(s.ready_for_acceptance)} ready for acceptance 待验收`;
  document.title = s.down ? `(${s.down} down) ${TITLE}` : TITLE;
}

function renderOutages(o, summary) {
  const items = (o.items || []).slice().sort((a, b) => (b.duration_s || 0) - (a.duration_s || 0));
  const body = $("#outages tbody");
  const total = summary && summary.open_outages != null ? summary.open_outages : items.length;
  $("#down-count").textContent = num(total);
  $("#down-count").className = "count" + (total ? " bad" : "");
  const more = $("#outages-more");
  more.hidden = !o.next_cursor;
  more.textContent = `Showing the ${items.length} longest of ${num(total)} open outages; the full list is at api/v1/reports/outages?open=true&format=csv`;
  if (!items.length) {
    // Nothing down means nothing only once something was probed.
    if (summary && !summary.probed) return message(body, "Not yet probed: no camera has a known state. 尚未探测：暂无摄像机状态", "");
    return message(body, "No camera is down. 当前无离线摄像机", "ok");
  }
  body.replaceChildren(...items.map((x) => el("tr", "",
    el("td", "camera", el("span", "name", x.name || "(unnamed)"), el("span", "id", x.camera_id)),
    regionCell(x.region), el("td", "", x.maintainer || "–"), el("td", "time", when(x.start)),
    el("td", "num", dur(x.duration_s)),
    el("td", "", el("span", "reason", x.reason || "unknown"), " ", el("span", "muted", REASONS[x.reason] || "")),
  )));
}

function coverageRow(g, tag) {
  const lc = g.lifecycle || {};
  return el("tr", tag, tag ? el("td", "key", "Total 合计") : regionCell(g.key), numCell(lc.active), numCell(g.up),
    numCell(g.degraded, g.degraded ? "warn" : ""), numCell(g.down, g.down ? "bad" : ""),
    numCell(g.unknown), rateCell(g.online_rate));
}
function renderCoverage(id, r) {
  const groups = r.groups || [];
  $(id + " tfoot").replaceChildren(...(groups.length && r.total ? [coverageRow(r.total, "total")] : []));
  if (!groups.length) return message($(id + " tbody"), EMPTY);
  $(id + " tbody").replaceChildren(...groups.map((g) => coverageRow(g)));
}

function buildoutRow(g, tag) {
  const t = g.total || 0, f = (n) => (t ? (n || 0) / t : 0);
  return el("tr", tag, tag ? el("td", "key", "Total 合计") : regionCell(g.key), numCell(g.total),
    numCell(g.planned), numCell(g.building), numCell(g.active), numCell(g.retired),
    numCell(g.overdue, g.overdue ? "bad" : ""), numCell(g.ready_for_acceptance, g.ready_for_acceptance ? "info" : ""),
    el("td", "rate", bar([[f(g.active), "active"], [f(g.building), "building"], [f(g.planned), "planned"]]),
      el("span", "pct", t ? pct(f(g.active)) : "–")));
}
function renderBuildout(r) {
  const groups = r.groups || [];
  $("#buildout tfoot").replaceChildren(...(groups.length && r.total ? [buildoutRow(r.total, "total")] : []));
  if (!groups.length) return message($("#buildout tbody"), EMPTY);
  $("#buildout tbody").replaceChildren(...groups.map((g) => buildoutRow(g)));
}

// ---- refresh loop ----
function showProblem(errors) {
  const banner = $("#error");
  const auth = errors.find((e) => e.status === 401 || e.status === 403);
  const down = errors.find((e) => e.status === 0);
  $("#auth").classList.toggle("attention", !!auth);
  if (auth && auth.status === 401) {
    banner.textContent = tokenStore.getItem(TOKEN_KEY)
      ? "The saved API token was rejected: enter a valid one at the top right and press Save. 令牌无效，请重新输入并保存。"
      : "This server needs an API token: enter it at the top right and press Save. 需要API令牌：请在右上角输入令牌并保存。";
    if (document.activeElement === document.body) tokenInput.focus();
  } else if (auth) {
    banner.textContent = "Your token may not read reports (viewer role or higher needed). 令牌权限不足。";
  } else if (down) {
    banner.textContent = "Cannot reach the sharpeyes server; showing the last data received. 无法连接服务器，显示的是上次数据。";
  } else {
    banner.textContent = "Some data could not be loaded 部分数据加载失败: " + errors.map((e) => e.message).join("; ");
  }
  banner.hidden = !errors.length;
}

let busy = false;
async function refresh() {
  if (busy) return;
  busy = true;
  const calls = {
    summary: "status/summary",
    outages: "reports/outages?open=true&limit=200",
    coverage: "reports/coverage?group_by=region&level=2",
    maintainers: "reports/coverage?group_by=maintainer",
    buildout: "reports/buildout?group_by=region&level=2",
  };
  const names = Object.keys(calls);
  const res = await Promise.allSettled(names.map((n) => api(calls[n])));
  const ok = {}, errors = [];
  res.forEach((r, i) => (r.status === "fulfilled" ? (ok[names[i]] = r.value) : errors.push(r.reason)));
  const render = {
    summary: () => renderSummary(ok.summary),
    outages: () => renderOutages(ok.outages, ok.summary),
    coverage: () => renderCoverage("#coverage", ok.coverage),
    maintainers: () => renderCoverage("#maintainers", ok.maintainers),
    buildout: () => renderBuildout(ok.buildout),
  };
  const tables = { outages: "#outages", coverage: "#coverage", maintainers: "#maintainers", buildout: "#buildout" };
  for (const n of names) {
    const body = tables[n] && $(tables[n] + " tbody");
    if (!ok[n]) { // keep the last good data; say so only when there is none
      if (body && !body.rows.length) message(body, "Not loaded 未加载", "bad");
      continue;
    }
    try { render[n](); } catch (e) { errors.push(new ApiError(-1, `${n}: ${e.message}`)); }
  }
  showProblem(errors);
  const now = clock(new Date());
  $("#updated").textContent = errors.length ? `update failed at ${now} 更新失败` : `updated ${now} 已更新`;
  $("#updated").classList.toggle("bad", errors.length > 0);
  busy = false;
}
refresh();
setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
