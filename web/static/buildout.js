"use strict";
// The build-out page (#buildout): per township planned/building/active/
// overdue/ready for acceptance, cameras commissioned per month as a bar
// chart (plain SVG), and the overdue cameras (planned or building, due
// date passed in the timezone).
PAGES.buildout = (() => {
  const LIMIT = 1000, MONTHS = 24, SVG = "http://www.w3.org/2000/svg";
  const page = {};
  const $$ = (id) => page.root.querySelector("#bo-" + id);
  function init(root) {
    page.root = root;
    const table = (id, cols) => {
      const tb = el("table", id === "overdue" ? "stack" : "", el("thead", "", el("tr", "", ...cols.map(([k, c]) => i18nEl("th", c, k)))), el("tbody", ""), el("tfoot", ""));
      tb.id = "bo-" + id;
      return tb;
    };
    const chart = el("div", "chart");
    chart.id = "bo-chart";
    root.append(
      el("section", "panel", i18nEl("h2", "", "buildout"),
        el("div", "wide", table("towns", [["township", ""], ["planned", "num"], ["building", "num"], ["active", "num"], ["overdue", "num"], ["ready", "num"], ["built", "rate"]]))),
      el("section", "panel", i18nEl("h2", "", "commissioned"), chart),
      el("section", "panel", el("h2", "", i18nEl("span", "", "overdueList"), " ", el("span", "count")),
        el("div", "scroll", table("overdue", [["camera", ""], ["region", ""], ["maintainer", ""], ["lifecycle", ""], ["due", ""], ["late", "num"]]))));
  }
  function townRow(g, total) {
    const n = g.total || 0;
    return el("tr", total ? "total" : "", total ? el("td", "key", t("totalRow")) : regionCell(g.key),
      numCell(g.planned), numCell(g.building), numCell(g.active), numCell(g.overdue, g.overdue ? "bad" : ""),
      numCell(g.ready_for_acceptance, g.ready_for_acceptance ? "info" : ""), rateCell(n ? (g.active || 0) / n : null));
  }
  function renderTowns(r) {
    const groups = r.groups || [];
    $$("towns").querySelector("tfoot").replaceChildren(...(groups.length ? [townRow(r.total, true)] : []));
    if (!groups.length) message($$("towns").querySelector("tbody"), t("empty"));
    else $$("towns").querySelector("tbody").replaceChildren(...groups.map((g) => townRow(g)));
    renderChart(r);
  }
  // monthRange is every month from the first to the last of months, the
  // last MONTHS of them (months without a camera commissioned included).
  function monthRange(months) {
    if (!months.length) return [];
    const ix = (m) => +m.slice(0, 4) * 12 + +m.slice(5, 7) - 1;
    const out = [];
    for (let i = Math.max(ix(months[0]), ix(months[months.length - 1]) - MONTHS + 1); i <= ix(months[months.length - 1]); i++) {
      out.push(`${Math.floor(i / 12)}-${pad((i % 12) + 1)}`);
    }
    return out;
  }
  // renderChart draws the last MONTHS months commissioned (installed_at) as bars.
  function renderChart(r) {
    const per = (r.total && r.total.commissioned) || {};
    const months = monthRange(r.months || []);
    if (!months.length) return $$("chart").replaceChildren(el("p", "hint", t("noCommissioned")));
    const max = Math.max(...months.map((m) => per[m] || 0), 1);
    const W = 40, H = 160, top = 18, foot = 34;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${months.length * W} ${H + top + foot}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("commissioned"));
    const add = (tag, attrs, text) => {
      const e = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text != null) e.textContent = text;
      svg.append(e);
      return e;
    };
    months.forEach((m, i) => {
      const n = per[m] || 0, h = Math.round((H * n) / max);
      add("rect", { x: i * W + 6, y: top + H - h, width: W - 12, height: h, class: "bar-active" }).append(
        Object.assign(document.createElementNS(SVG, "title"), { textContent: `${m}: ${n}` }));
      add("text", { x: i * W + W / 2, y: top + H - h - 4, class: "val" }, n ? String(n) : "");
      add("text", { x: i * W + W / 2, y: top + H + 14, class: "mon" }, m.slice(5));
      if (i === 0 || m.endsWith("-01")) add("text", { x: i * W + W / 2, y: top + H + 28, class: "mon" }, m.slice(0, 4));
    });
    $$("chart").replaceChildren(svg);
  }
  function renderOverdue(ok) {
    const day = today();
    const items = [ok.planned, ok.building].flatMap((l) => (l && l.items) || [])
      .filter((c) => c.due && c.due < day).sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1));
    const more = [ok.planned, ok.building].some((l) => l && l.next_cursor);
    const count = page.root.querySelector("h2 .count");
    count.textContent = num(items.length) + (more ? "+" : "");
    count.className = "count" + (items.length ? " bad" : "");
    const body = $$("overdue").querySelector("tbody");
    if (!items.length) return message(body, t("noOverdue"), "ok");
    const days = (due) => Math.round((Date.parse(day) - Date.parse(due)) / 86400e3);
    body.replaceChildren(...items.map((c) => el("tr", "",
      el("td", "camera", link(cameraHref(c.id), el("span", "name", c.name || t("unnamed"))), el("span", "id", c.id)),
      labelled(regionCell(c.region), "region"), labelled(el("td", "", c.maintainer || "–"), "maintainer"),
      labelled(el("td", "", t("lifecycles")[c.lifecycle] || c.lifecycle), "lifecycle"),
      labelled(el("td", "time", c.due), "due"), labelled(el("td", "num bad", t("daysN", num(days(c.due)))), "late"))));
  }
  return {
    init,
    calls: { summary: "status/summary", towns: "reports/buildout?group_by=region&level=2",
      planned: "cameras?lifecycle=planned&limit=" + LIMIT, building: "cameras?lifecycle=building&limit=" + LIMIT },
    render: { towns: (ok) => renderTowns(ok.towns), planned: renderOverdue },
  };
})();
