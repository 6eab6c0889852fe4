// Times and distances in words, shared by the pages where they say the same thing.

export function parseTime(iso) {
  return iso ? Date.parse(iso) : null;
}

// Built once: toLocaleTimeString builds a formatter on every call (the desk's clock ticks).
const CLOCKS = {
  minutes: new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  seconds: new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }),
};

/** "14:05" (the phone) or "14:05:09" (the desk, `seconds: true`), in 24 h; `at` an ISO time or ms. */
export function formatClock(at, { seconds = false } = {}) {
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime())) return ""; // format() throws on an invalid date
  return CLOCKS[seconds ? "seconds" : "minutes"].format(date);
}

/** "14:05:09": the command page's clocks (the header, the desk). */
export function formatSecondsClock(at) {
  return formatClock(at, { seconds: true });
}

/** "45 s", "12 min", "1 h 05 min": short enough for a queue row. */
export function formatAge(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** "40 s ago", "3 min ago", "2 h ago": how long since the phone last reached the server. */
export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** Exact metres (the desk's "nearest officers"). */
export function formatDistance(metres) {
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

/** Rounded to 10 m (the phone: how far an incident or a colleague is); "" when unknown. */
export function roughDistance(metres) {
  if (metres === null || metres === undefined) return "";
  return metres < 1000 ? `${Math.round(metres / 10) * 10} m` : `${(metres / 1000).toFixed(1)} km`;
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** Great-circle distance in metres between two {lat, lon}. */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** Now as a time input's value ("14:05", local time). */
export function clockNow() {
  const now = new Date();
  return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
}

/** A time input's "HH:MM" as an ISO instant: today's, or yesterday's if that is still to
 * come (a report taken after midnight of something before it); now when empty. */
export function clockToIso(value) {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value || "");
  const at = new Date();
  if (!match) return at.toISOString();
  at.setHours(Number(match[1]), Number(match[2]), 0, 0);
  if (at.getTime() > Date.now() + 60000) at.setDate(at.getDate() - 1);
  return at.toISOString();
}
