"use strict";
// Helpers of the console's pages (lists.js, silences.js, month.js,
// buildout.js), which register in window.PAGES: {init(root), calls (an
// object or a function returning one: name → API path), render: {name:
// (ok) => …}}. They run after app.js has loaded (its $, el, api, t, tz).
window.PAGES = window.PAGES || {};

// i18nEl is an element whose text is the string key, kept in the current
// language by applyLang.
function i18nEl(tag, cls, key) {
  const e = el(tag, cls, t(key));
  e.dataset.i18n = key;
  return e;
}

// csvText writes rows as CSV (RFC 4180) with a UTF-8 byte order mark, so
// that Excel reads Chinese; a cell that a spreadsheet would run as a
// formula is prefixed with an apostrophe.
function csvText(rows) {
  const cell = (v) => {
    let s = v == null ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return "\ufeff" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

// saveFile offers blob for download as name.
function saveFile(blob, name) {
  const a = el("a", "");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

// fetchFile downloads an API file (a report's CSV) with the token, which
// a plain link could not carry.
async function fetchFile(path, name) {
  const headers = {};
  const tok = tokenStore.getItem(TOKEN_KEY);
  if (tok) headers.Authorization = "Bearer " + tok;
  const r = await fetch("api/v1/" + path, { headers, cache: "no-store" });
  if (!r.ok) throw new ApiError(r.status, r.status + " " + r.statusText);
  saveFile(await r.blob(), name);
}

// stamp is now in the timezone for file names: 20261130T1405.
const stamp = () => tz.when(new Date()).slice(0, 16).replace(/[-:]/g, "");

// wallTime converts a wall-clock time "YYYY-MM-DDTHH:MM" in the console's
// timezone to an instant, and wallOf back (for datetime-local inputs).
function wallTime(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(s || "");
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const off = (ms) => {
    const o = tz.offset(new Date(ms));
    return o === "Z" ? 0 : (o[0] === "-" ? -1 : 1) * (+o.slice(1, 3) * 60 + +o.slice(4, 6)) * 60000;
  };
  return new Date(guess - off(guess - off(guess)));
}
const wallOf = (d) => tz.when(d).slice(0, 16);

// today is the date in the console's timezone, YYYY-MM-DD.
const today = () => tz.when(new Date()).slice(0, 10);

// fillOptions replaces a select's options after its first ("all") with
// values (labelled by label), keeping the choice, or want when given.
function fillOptions(sel, values, label, want) {
  const keep = want != null ? want : sel.value;
  const opts = [...new Set(values.filter(Boolean).concat(keep ? [keep] : []))].sort();
  sel.replaceChildren(sel.options[0], ...opts.map((v) => { const o = el("option", "", label ? label(v) : v); o.value = v; return o; }));
  sel.value = keep || "";
}
