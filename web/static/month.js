"use strict";
// The month page (#month): per maintenance contractor, one calendar month
// in the server's timezone (reports/sla): availability over monitored
// time, outages, MTTR and outages over the repair deadline; the CSV.
PAGES.month = (() => {
  const page = {};
  const $$ = (id) => page.root.querySelector("#month-" + id);
  function init(root) {
    page.root = root;
    const pick = el("input", "");
    Object.assign(pick, { id: "month-pick", type: "month" });
    const csv = i18nEl("button", "", "csvDownload");
    Object.assign(csv, { id: "month-csv", type: "button" });
    const cols = [["maintainer", ""], ["active", "num"], ["availability", "rate"], ["outagesCol", "num"], ["mttr", "num"],
      ["overDeadline", "num"], ["onlineNow", "rate"]];
    const table = el("table", "", el("thead", "", el("tr", "", ...cols.map(([k, c]) => i18nEl("th", c, k)))), el("tbody", ""), el("tfoot", ""));
    table.id = "month-table";
    const note = el("p", "hint");
    note.id = "month-note";
    root.append(el("section", "panel", i18nEl("h2", "", "navMonth"),
      el("div", "filters", el("label", "", i18nEl("span", "", "month"), " ", pick), csv), note,
      el("div", "wide", table), i18nEl("p", "hint", "monthHint")));
    pick.addEventListener("change", () => { if (pick.value) refresh(); });
    csv.addEventListener("click", () => fetchFile(path(pick.value) + "&format=csv&lang=" + LANG, `sla-${pick.value}.csv`)
      .catch((err) => { note.textContent = err.message; note.className = "hint bad"; }));
  }
  // path: the month chosen, or none for the server's default, the last whole month.
  const path = (m) => "reports/sla?group_by=maintainer" + (m ? "&month=" + encodeURIComponent(m) : "");
  function row(g, total) {
    const lc = g.lifecycle || {};
    return el("tr", total ? "total" : "",
      total ? el("td", "key", t("totalRow")) : el("td", "key", g.key || t("none")),
      labelled(numCell(lc.active), "active"), labelled(rateCell(g.availability), "availability"),
      labelled(numCell(g.outages), "outagesCol"), labelled(el("td", "num", g.mttr_s != null ? dur(g.mttr_s) : "–"), "mttr"),
      labelled(numCell(g.over_deadline, g.over_deadline ? "bad" : ""), "overDeadline"), labelled(rateCell(g.online_rate), "onlineNow"));
  }
  function render(ok) {
    const r = ok.sla;
    if (!$$("pick").value) $$("pick").value = r.month;
    $$("note").className = "hint";
    $$("note").textContent = t("monthNote", r.month, when(r.from), when(r.to), dur(r.repair_deadline_s));
    const groups = r.groups || [];
    $$("table").querySelector("tfoot").replaceChildren(...(groups.length ? [row(r.total, true)] : []));
    if (!groups.length) return message($$("table").querySelector("tbody"), t("empty"));
    $$("table").querySelector("tbody").replaceChildren(...groups.map((g) => row(g)));
  }
  return {
    init,
    calls: () => ({ summary: "status/summary", sla: path(page.root ? $$("pick").value : "") }),
    render: { sla: render },
  };
})();
