"use strict";
// The down-now and degraded-now lists (#lists, or a list filter in the
// query: ?uplink=…, ?region=…, ?maintainer=…, ?owner=…, ?state=degraded;
// alert links open it so). Search by id, name or IP; filter by region,
// owner, maintainer and uplink; sort by any column; group by uplink; the
// CSV of the rows shown (UTF-8 with a BOM for Excel).
PAGES.lists = (() => {
  const LIMIT = 1000;
  const FILTERS = ["region", "owner", "maintainer", "uplink"];
  const COLS = [["camera", "id"], ["region", "region"], ["owner", "owner"], ["maintainer", "maintainer"],
    ["uplink", "uplink"], ["since", "since"], ["duration", "duration"], ["reason", "reason"]];
  const page = { state: "down", sort: "duration", desc: true, data: { down: null, degraded: null } };
  const $$ = (id) => page.root.querySelector("#list-" + id);

  function init(root) {
    page.root = root;
    const q = new URLSearchParams(location.search);
    page.state = q.get("state") === "degraded" ? "degraded" : "down";
    const tab = (s, key) => { const b = el("button", "tab", i18nEl("span", "", key), " ", el("span", "count")); b.type = "button"; b.id = "list-" + s; return b; };
    const sel = (f) => { const s = el("select", ""); s.id = "list-" + f; s.append(i18nEl("option", "", "all_" + f)); s.options[0].value = ""; return s; };
    const search = el("input", "");
    Object.assign(search, { id: "list-q", type: "search", autocomplete: "off", value: q.get("q") || "" });
    search.dataset.i18nPh = "searchPh";
    const group = el("input", "");
    Object.assign(group, { id: "list-group", type: "checkbox", checked: q.get("group") === "uplink" });
    const csv = i18nEl("button", "", "csvView");
    csv.type = "button";
    csv.id = "list-csv";
    const heads = COLS.map(([key, sort]) => { const th = i18nEl("th", sort === "duration" ? "num sortable" : "sortable", key); th.dataset.sort = sort; return th; });
    const count = el("span", "");
    count.id = "list-count";
    const table = el("table", "stack", el("thead", "", el("tr", "", ...heads)), el("tbody", ""));
    table.id = "list";
    root.append(el("section", "panel",
      el("div", "tabs", tab("down", "downNow"), tab("degraded", "degradedNow")),
      el("div", "filters", search, ...FILTERS.map(sel), el("label", "check", group, " ", i18nEl("span", "", "groupByUplink")), csv),
      el("p", "hint", count, " ", i18nEl("span", "", "sortHint")),
      el("div", "scroll", table)));
    for (const f of FILTERS) fillOptions($$(f), [], null, q.get(f) || "");
    $$("down").addEventListener("click", () => { page.state = "down"; render(); });
    $$("degraded").addEventListener("click", () => { page.state = "degraded"; render(); });
    for (const id of ["q", "group", ...FILTERS]) $$(id).addEventListener("input", render);
    for (const th of heads) th.addEventListener("click", () => {
      page.desc = page.sort === th.dataset.sort ? !page.desc : th.dataset.sort === "duration";
      page.sort = th.dataset.sort;
      render();
    });
    csv.addEventListener("click", () => saveFile(new Blob([csvOfView()], { type: "text/csv;charset=utf-8" }),
      `${page.state}-${stamp()}.csv`));
  }

  function setData(ok) {
    for (const s of ["down", "degraded"]) if (ok[s]) page.data[s] = ok[s];
    const all = [...((page.data.down || {}).items || []), ...((page.data.degraded || {}).items || [])];
    fillOptions($$("region"), all.map((c) => regionLevel(c.region, 2)));
    fillOptions($$("owner"), all.map((c) => c.owner), (v) => t("owners")[v] || v);
    fillOptions($$("maintainer"), all.map((c) => c.maintainer));
    fillOptions($$("uplink"), all.map((c) => c.uplink));
    render();
  }

  const since = (c) => (c.status && c.status.since ? new Date(c.status.since).getTime() : 0);
  const value = (c, k) => (k === "id" ? c.id : k === "since" ? since(c) : k === "duration" ? -since(c)
    : k === "reason" ? (c.status && c.status.reason) || "" : c[k] || "");
  // rows are the cameras of the current list that pass the filters, sorted
  // (and by uplink first when grouped).
  function rows() {
    const q = $$("q").value.trim().toLowerCase();
    const f = Object.fromEntries(FILTERS.map((k) => [k, $$(k).value]));
    const items = ((page.data[page.state] || {}).items || []).filter((c) =>
      (!q || c.id.toLowerCase().includes(q) || (c.name || "").toLowerCase().includes(q) || (c.host || "").toLowerCase().includes(q)) &&
      (!f.region || c.region === f.region || (c.region || "").startsWith(f.region + "/")) &&
      (!f.owner || c.owner === f.owner) && (!f.maintainer || c.maintainer === f.maintainer) && (!f.uplink || c.uplink === f.uplink));
    const cmp = (a, b) => { const x = value(a, page.sort), y = value(b, page.sort); return (x < y ? -1 : x > y ? 1 : 0) * (page.desc ? -1 : 1); };
    const grouped = $$("group").checked;
    return items.sort((a, b) => (grouped && (a.uplink || "") !== (b.uplink || "") ? ((a.uplink || "") < (b.uplink || "") ? -1 : 1) : cmp(a, b) || (a.id < b.id ? -1 : 1)));
  }

  function render() {
    if (!page.root) return;
    for (const s of ["down", "degraded"]) {
      const b = $$(s), d = page.data[s];
      b.classList.toggle("on", s === page.state);
      b.querySelector(".count").textContent = d ? num((d.items || []).length) + (d.next_cursor ? "+" : "") : "";
    }
    for (const th of page.root.querySelectorAll("th[data-sort]")) th.classList.toggle(page.desc ? "desc" : "asc", th.dataset.sort === page.sort);
    for (const th of page.root.querySelectorAll("th[data-sort]")) if (th.dataset.sort !== page.sort) th.classList.remove("asc", "desc");
    const body = page.root.querySelector("#list tbody");
    const d = page.data[page.state];
    if (!d) return message(body, t("notLoaded"), "bad");
    const list = rows();
    $("#list-count").textContent = t("matching", num(list.length), num((d.items || []).length)) + (d.next_cursor ? " · " + t("firstN", num(LIMIT)) : "");
    if (!list.length) {
      if (!(d.items || []).length && last && last.ok.summary && !last.ok.summary.probed) return message(body, t("notProbedYet"), "");
      return message(body, (d.items || []).length ? t("noMatch") : t(page.state === "down" ? "noneDown" : "noneDegraded"), (d.items || []).length ? "" : "ok");
    }
    const out = [];
    let uplink = null;
    const grouped = $$("group").checked;
    for (const c of list) {
      if (grouped && (c.uplink || "") !== uplink) {
        uplink = c.uplink || "";
        const n = list.filter((x) => (x.uplink || "") === uplink).length;
        const td = el("td", "", el("b", "", uplink || t("none")), " ", el("span", "muted", t("camerasN", num(n))));
        td.colSpan = COLS.length;
        out.push(el("tr", "group", td));
      }
      const st = c.status || {};
      out.push(el("tr", "",
        el("td", "camera", link(cameraHref(c.id), el("span", "name", c.name || t("unnamed"))), el("span", "id", c.id), c.host ? el("span", "id", c.host) : null),
        labelled(regionCell(c.region), "region"), labelled(el("td", "", t("owners")[c.owner] || c.owner || "–"), "owner"),
        labelled(el("td", "", c.maintainer || "–"), "maintainer"), labelled(el("td", "", c.uplink || "–"), "uplink"),
        labelled(el("td", "time", when(st.since)), "since"),
        labelled(el("td", "num", st.since ? dur((Date.now() - since(c)) / 1000) : "–"), "duration"),
        labelled(el("td", "", el("span", "reason", st.reason || "unknown"), " ", el("span", "muted", reasonText(st.reason))), "reason")));
    }
    body.replaceChildren(...out);
  }

  // csvOfView is the CSV of the rows shown, in the page's language.
  function csvOfView() {
    const head = ["id", "name", "address", "region", "owner", "maintainer", "uplink", "state", "reason", "since", "durationS"].map((k) => t(k));
    return csvText([head, ...rows().map((c) => {
      const st = c.status || {};
      return [c.id, c.name, c.host, c.region, c.owner, c.maintainer, c.uplink, st.state || page.state, st.reason,
        st.since ? when(st.since) : "", st.since ? Math.round((Date.now() - since(c)) / 1000) : ""];
    })]);
  }

  return {
    init, csv: csvOfView,
    calls: { summary: "status/summary", down: "cameras?state=down&limit=" + LIMIT, degraded: "cameras?state=degraded&limit=" + LIMIT },
    render: { down: setData, degraded: (ok) => ok.down || setData(ok) },
  };
})();
