"use strict";
// Maintenance silences (#silences): the list (in force, scheduled, ended),
// a form to create one for a camera, a region (prefix), an uplink or a
// maintainer, from start to end with a comment, and "end now". Writing
// needs an operator token: a viewer is told so (403).
PAGES.silences = (() => {
  const KINDS = ["camera_id", "region", "uplink", "maintainer"];
  const page = {};
  const $$ = (id) => page.root.querySelector("#sil-" + id);

  function init(root) {
    page.root = root;
    const input = (id, type) => { const i = el("input", ""); i.id = "sil-" + id; i.type = type; i.autocomplete = "off"; return i; };
    const field = (key, ...kids) => el("label", "", i18nEl("span", "", key), " ", ...kids);
    const kind = el("select", "", ...KINDS.map((k) => { const o = i18nEl("option", "", "sil_" + k); o.value = k; return o; }));
    kind.id = "sil-kind";
    const value = input("value", "text");
    value.required = true;
    value.maxLength = 256;
    const start = input("start", "datetime-local"), end = input("end", "datetime-local");
    start.required = end.required = true;
    const comment = input("comment", "text");
    comment.maxLength = 1024;
    const submit = i18nEl("button", "", "silCreate");
    submit.type = "submit";
    const form = el("form", "silence", field("silWhat", kind, " ", value), field("start", start), field("end", end), field("comment", comment), submit);
    form.id = "sil-form";
    const result = el("p", "hint");
    result.id = "sil-result";
    result.setAttribute("aria-live", "polite");
    const heads = ["silWhat", "start", "end", "comment", "silAuthor", "state", ""].map((k) => (k ? i18nEl("th", "", k) : el("th", "")));
    const table = el("table", "stack", el("thead", "", el("tr", "", ...heads)), el("tbody", ""));
    table.id = "sil-list";
    root.append(
      el("section", "panel", i18nEl("h2", "", "silNew"), form, result, i18nEl("p", "hint", "silHint")),
      el("section", "panel", i18nEl("h2", "", "navSilences"), el("div", "scroll", table)));
    form.addEventListener("submit", create);
    table.addEventListener("click", (e) => { const b = e.target.closest("button[data-id]"); if (b) endNow(b.dataset.id); });
  }

  function defaults() { // a two-hour window from now, in the console's timezone
    if ($$("start").value) return;
    const now = new Date();
    $$("start").value = wallOf(now);
    $$("end").value = wallOf(new Date(now.getTime() + 2 * 3600e3));
  }

  function say(text, cls) { const r = $$("result"); r.textContent = text; r.className = "hint " + cls; }
  const failure = (err) => (err.status === 403 ? t("needOperator") : err.status === 401 ? t("tokenNeeded") : t("silFailed", err.message));

  async function create(e) {
    e.preventDefault();
    const start = wallTime($$("start").value), end = wallTime($$("end").value);
    const body = { [$$("kind").value]: $$("value").value.trim(), comment: $$("comment").value.trim() };
    if (start) body.start = start.toISOString();
    if (end) body.end = end.toISOString();
    try {
      const s = await api("silences", { method: "POST", body: JSON.stringify(body) });
      say(t("silenced", when(s.end)), "ok");
      $$("value").value = $$("comment").value = "";
      refresh();
    } catch (err) { say(failure(err), "bad"); }
  }

  async function endNow(id) {
    try {
      await api("silences/" + encodeURIComponent(id), { method: "DELETE" });
      say(t("silEnded"), "ok");
      refresh();
    } catch (err) { say(failure(err), "bad"); }
  }

  const stateOf = (s, now) => (new Date(s.start) > now ? "scheduled" : new Date(s.end) > now ? "active" : "ended");
  function render(ok) {
    defaults();
    const now = new Date();
    const order = { active: 0, scheduled: 1, ended: 2 };
    const items = ((ok.silences && ok.silences.items) || []).map((s) => Object.assign({ st: stateOf(s, now) }, s))
      .sort((a, b) => order[a.st] - order[b.st] || new Date(b.end) - new Date(a.end));
    const body = $$("list").querySelector("tbody");
    if (!items.length) return message(body, t("silNone"), "");
    body.replaceChildren(...items.map((s) => {
      const kind = KINDS.find((k) => s[k]);
      const what = el("td", "", el("span", "muted", t("sil_" + kind) + " "), kind === "camera_id" ? link(cameraHref(s.camera_id), s.camera_id) : s[kind]);
      const btn = s.st === "ended" ? "" : el("button", "", t(s.st === "active" ? "silEndNow" : "silCancel"));
      if (btn) { btn.type = "button"; btn.dataset.id = s.id; }
      return el("tr", s.st,
        labelled(what, "silWhat"), labelled(el("td", "time", when(s.start)), "start"), labelled(el("td", "time", when(s.end)), "end"),
        labelled(el("td", "", s.comment || "–"), "comment"), labelled(el("td", "", s.author || "–"), "silAuthor"),
        labelled(el("td", "", t("sil_" + s.st)), "state"), el("td", "", btn));
    }));
  }

  return { init, calls: { summary: "status/summary", silences: "silences?limit=1000" }, render: { silences: render } };
})();
