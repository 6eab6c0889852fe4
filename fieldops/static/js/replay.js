// Replay: the event at any moment, as the server reads it back from what was stored
// (GET …/replay?at=): every officer at their latest fix by then, each incident with its status
// then, the found items and the lost persons still open. Play at 1×–60×, step by 1/5/10
// minutes, follow one officer with their track. The page is its own, striped magenta, and
// "Back to live" is one click: it cannot be taken for the live map.

import { createBaseMap } from "./map/base-map.js";
import { drawCourse } from "./map/course.js";
import { escapeHtml } from "./shared/html.js";

const config = JSON.parse(document.getElementById("replay-config").textContent);
const eventId = config.event.id;
const from = Date.parse(config.window.from);
const to = Date.parse(config.window.to);
const SEVERITY = { critical: "#ff3b30", high: "#ff8c1a", medium: "#ffd60a", low: "#c4ccd4" };
const CLOSED = new Set(["resolved", "cancelled"]);
const STALE_S = 120;

const $ = (id) => document.getElementById(id);
const { map, groundRenderer } = createBaseMap($("replay-map"), config.map || {});
const bounds = L.latLngBounds([]);
drawCourse(map, config.course, groundRenderer);
for (const line of config.course?.lines || []) for (const p of line) bounds.extend(p);
for (const post of config.posts) {
  L.circle([post.lat, post.lon], { radius: post.radius_m, color: "#4cc3ff", weight: 1.5, fillOpacity: 0.06, interactive: false }).addTo(map);
  bounds.extend([post.lat, post.lon]);
}
if (bounds.isValid()) map.fitBounds(bounds.pad(0.05));

const layers = {
  incidents: L.layerGroup().addTo(map),
  items: L.layerGroup().addTo(map),
  persons: L.layerGroup().addTo(map),
  officers: L.layerGroup().addTo(map),
  track: L.layerGroup().addTo(map),
};
const state = { at: initialTime(), data: null, playing: null, pending: null, loading: 0, follow: "" };

function initialTime() {
  const asked = Date.parse(new URLSearchParams(location.search).get("at") || "");
  if (Number.isFinite(asked)) return clamp(asked);
  return clamp(Math.min(Date.now(), Date.parse(config.event.ends_at)));
}

function clamp(ms) {
  return Math.min(to, Math.max(from, ms));
}

function clockText(ms) {
  const options = { timeZone: config.event.timezone || "UTC", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(ms));
}


// --- drawing the moment ------------------------------------------------------------------------
function draw(data) {
  state.data = data;
  for (const layer of [layers.incidents, layers.items, layers.persons, layers.officers]) layer.clearLayers();
  let open = 0;
  for (const i of data.incidents) {
    const closed = CLOSED.has(i.status);
    if (!closed) open += 1;
    L.circleMarker([i.lat, i.lon], {
      radius: closed ? 5 : 9, color: "#0b0e11", weight: 2, fillColor: SEVERITY[i.severity] || "#c4ccd4", fillOpacity: closed ? 0.35 : 0.95,
    }).bindPopup(`<b>#${i.id} ${escapeHtml(i.type.replace("_", " "))}</b> · ${escapeHtml(i.severity)}<br>${escapeHtml(i.status.replace("_", " "))}${i.place ? `<br>${escapeHtml(i.place)}` : ""}`)
      .addTo(layers.incidents);
  }
  for (const item of data.found_items) {
    if (item.lat == null || item.status !== "in_custody") continue;
    L.marker([item.lat, item.lon], { icon: L.divIcon({ className: "replay-item", html: "▣", iconSize: [14, 14] }), title: `Found item #${item.id}` }).addTo(layers.items);
  }
  for (const p of data.lost_persons) {
    if (p.lat == null) continue;
    L.circleMarker([p.lat, p.lon], { radius: 12, color: "#ff4fd8", weight: 4, fillOpacity: 0 })
      .bindTooltip(`${escapeHtml(p.label)} · ${p.status}`, { permanent: true, direction: "right", className: "replay-officer-label" })
      .addTo(layers.persons);
  }
  for (const o of data.officers) {
    const stale = o.age_s > STALE_S;
    const followed = String(o.id) === state.follow;
    const marker = L.circleMarker([o.lat, o.lon], {
      radius: followed ? 9 : 6, weight: followed ? 4 : 2, color: followed ? "#ff4fd8" : "#0b0e11",
      fillColor: o.on_shift ? "#4cc3ff" : "#8a949e", fillOpacity: stale ? 0.3 : 0.95,
    }).bindTooltip(`${escapeHtml(o.name)}${o.badge ? ` #${escapeHtml(o.badge)}` : ""} · fix ${Math.round(o.age_s / 60)} min before`, { permanent: followed, direction: "top", className: "replay-officer-label" });
    marker.addTo(layers.officers);
    if (followed) map.panTo([o.lat, o.lon], { animate: false });
  }
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const shift = data.officers.filter((o) => o.on_shift).length;
  $("replay-facts").textContent = [count(shift, "officer on shift", "officers on shift"),
    count(open, "open incident", "open incidents"), count(data.lost_persons.length, "lost person open", "lost persons open")].join(" · ");
  renderFollowChoices(data.officers);
}

function renderFollowChoices(officers) {
  const select = $("replay-follow");
  if (select.options.length > 1) return; // the list is the event's: filled once
  for (const o of officers) select.add(new Option(`${o.name}${o.badge ? ` #${o.badge}` : ""}`, String(o.id)));
  select.value = state.follow;
}

// --- time ------------------------------------------------------------------------------------
async function load() {
  const at = state.at;
  const ticket = ++state.loading;
  const iso = new Date(at).toISOString();
  const response = await fetch(`/api/v1/events/${eventId}/replay?at=${encodeURIComponent(iso)}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok || ticket !== state.loading) return; // a newer moment was asked for meanwhile
  draw(await response.json());
  if (state.follow) await drawTrack();
  document.body.dataset.replayedAt = iso; // for tests: what is on the map now
}

function show(ms, { fetchNow = false } = {}) {
  state.at = clamp(ms);
  $("replay-time").textContent = clockText(state.at);
  $("replay-slider").value = String(Math.round((state.at - from) / 1000));
  const url = new URL(location.href);
  url.searchParams.set("at", new Date(state.at).toISOString());
  history.replaceState(null, "", url);
  clearTimeout(state.pending);
  if (fetchNow) load();
  else state.pending = setTimeout(load, 120);
}

async function drawTrack() {
  layers.track.clearLayers();
  if (!state.follow) return;
  const url = `/api/v1/events/${eventId}/replay/track?officer_id=${state.follow}&from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(state.at).toISOString())}`;
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) return;
  const { points } = await response.json();
  if (points.length > 1) L.polyline(points.map((p) => [p[0], p[1]]), { color: "#ff4fd8", weight: 4, opacity: 0.9 }).addTo(layers.track);
}

function play() {
  if (state.playing) {
    clearInterval(state.playing);
    state.playing = null;
  } else {
    if (state.at >= to) state.at = from;
    state.playing = setInterval(() => {
      const next = state.at + Number($("replay-speed").value) * 1000;
      show(next, { fetchNow: true });
      if (next >= to) play();
    }, 1000);
  }
  $("replay-play").setAttribute("aria-pressed", String(Boolean(state.playing)));
  $("replay-play").textContent = state.playing ? "❚❚ Pause" : "▶ Play";
}

$("replay-slider").max = String(Math.round((to - from) / 1000));
$("replay-slider").addEventListener("input", (e) => show(from + Number(e.target.value) * 1000));
for (const button of document.querySelectorAll("[data-step]")) {
  button.addEventListener("click", () => show(state.at + Number(button.dataset.step) * 1000, { fetchNow: true }));
}
$("replay-play").addEventListener("click", play);
$("replay-follow").addEventListener("change", (e) => {
  state.follow = e.target.value;
  if (state.data) draw(state.data);
  drawTrack();
});

window.fieldopsReplay = Object.freeze({
  time: () => new Date(state.at).toISOString(),
  officers: () => (state.data ? state.data.officers : []),
  incidents: () => (state.data ? state.data.incidents : []),
  trackPoints: () => layers.track.getLayers().reduce((n, line) => n + line.getLatLngs().length, 0),
});
show(state.at, { fetchNow: true });
