"use strict";
// The dashboard reads the JSON API; it has no build step and no dependencies.
const $ = (s) => document.querySelector(s);
const tokenInput = $("#token");
tokenInput.value = localStorage.getItem("sharpeyes.token") || "";
$("#auth").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem("sharpeyes.token", tokenInput.value.trim());
  refresh();
});

async function api(path) {
  const headers = {};
  const t = localStorage.getItem("sharpeyes.token");
  if (t) headers.Authorization = "Bearer " + t;
  const r = await fetch("api/v1/" + path, { headers });
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { msg = (await r.json()).error.message || msg; } catch (_) {}
    throw new Error(path + ": " + msg);
  }
  return r.json();
}

const pct = (x) => (x == null ? "–" : (100 * x).toFixed(1) + "%");
function dur(s) {
  s = Math.round(s);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}
function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}
function fill(table, rows, cols) {
  const body = $(table + " tbody");
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    cols.forEach(([f, cls]) => tr.appendChild(cell(f(r), cls)));
    return tr;
  }));
}
function card(label, value, cls) {
  const d = document.createElement("div");
  d.className = "card " + (cls || "");
  const b = document.createElement("b");
  b.textContent = value;
  d.append(b, label);
  return d;
}

const groupCols = [
  [(g) => g.key || "(none)"], [(g) => g.total, "num"], [(g) => (g.lifecycle || {}).active || 0, "num"],
  [(g) => g.up, "num"], [(g) => g.degraded, "num"], [(g) => g.down, "num"], [(g) => g.unknown, "num"],
  [(g) => pct(g.online_rate), "num"],
];

async function refresh() {
  try {
    const [sum, out, cov, mnt] = await Promise.all([
      api("status/summary"),
      api("reports/outages?open=true&limit=200"),
      api("reports/coverage?group_by=region&level=2"),
      api("reports/coverage?group_by=maintainer"),
    ]);
    const c = sum.counts || sum;
    $("#summary").replaceChildren(
      card("online rate 在线率", pct(sum.online_rate)),
      card("up 在线", c.up ?? 0, "up"),
      card("degraded 异常", c.degraded ?? 0, "degraded"),
      card("down 离线", c.down ?? 0, "down"),
      card("unknown 未知", c.unknown ?? 0),
      card("last sweep 最近巡检", sum.last_sweep ? new Date(sum.last_sweep.end || sum.last_sweep.start || sum.last_sweep).toLocaleTimeString() : "–"),
    );
    fill("#outages", out.items || [], [
      [(o) => `${o.name || ""} ${o.camera_id}`], [(o) => o.region], [(o) => o.maintainer],
      [(o) => new Date(o.start).toLocaleString()], [(o) => dur(o.duration_s), "num"], [(o) => o.reason],
    ]);
    fill("#coverage", cov.groups || [], groupCols);
    fill("#maintainers", mnt.groups || [], groupCols);
    $("#error").hidden = true;
  } catch (e) {
    $("#error").textContent = e.message;
    $("#error").hidden = false;
  }
}
refresh();
setInterval(refresh, 15000);
