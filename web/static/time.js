"use strict";
// Times in the server's timezone (status/summary's "timezone"), never the
// browser's: a console on a laptop set to another zone must show what the
// CSV, the tables and the alert texts show. Every time carries its offset,
// as RFC 3339 does: 2026-11-01T00:30:00+08:00, or Z for UTC.

const zoneFormatters = new Map();

// zoneFormatter returns {zone, when(iso), clock(iso), offset(date)} for an
// IANA zone; a zone this browser does not know falls back to UTC.
function zoneFormatter(zone) {
  zone = zone || "UTC";
  let z = zoneFormatters.get(zone);
  if (z) return z;
  let parts;
  try {
    const f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    parts = (d) => {
      const p = {};
      for (const x of f.formatToParts(d)) p[x.type] = x.value;
      return p;
    };
  } catch (_) {
    return zone === "UTC" ? null : zoneFormatter("UTC");
  }
  const pad = (n) => String(n).padStart(2, "0");
  // fields of instant d in the zone, and its offset written like +08:00
  const local = (d) => {
    const p = parts(d);
    const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    const mins = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60000);
    const a = Math.abs(mins);
    const off = mins === 0 ? "Z" : (mins < 0 ? "-" : "+") + pad(Math.floor(a / 60)) + ":" + pad(a % 60);
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${pad(+p.hour % 24)}:${p.minute}:${p.second}`, off };
  };
  const parse = (v) => {
    if (v == null || v === "") return null;
    const d = v instanceof Date ? v : new Date(v);
    return isNaN(d.getTime()) ? null : d;
  };
  z = {
    zone,
    // when writes an instant as RFC 3339 in the zone, to the second.
    when(v) {
      const d = parse(v);
      if (!d) return "–";
      const l = local(d);
      return `${l.date}T${l.time}${l.off}`;
    },
    // clock writes the time of day in the zone, with its offset.
    clock(v) {
      const d = parse(v);
      if (!d) return "–";
      const l = local(d);
      return l.time + l.off;
    },
    // offset writes the zone's offset at an instant (now by default).
    offset(v) {
      const d = parse(v) || new Date();
      return local(d).off;
    },
  };
  zoneFormatters.set(zone, z);
  return z;
}
