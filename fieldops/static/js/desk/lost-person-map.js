// Each open lost person on the map, as its own layer: the last-seen point, the search ring
// that widens with the time since they were last seen (the server's `ring` rule:
// min(max_m, speed_m_s × seconds since `since`), redrawn on the desk's tick), a label with the
// minutes since the report, and the areas already searched as grey discs.

import { escapeHtml } from "../shared/html.js";
import { parseTime } from "../shared/format.js";

const RING = "#ff4fd8"; // magenta: no incident or officer colour, readable on a plain ground
const SEARCHED = "#8d98a4";

/** The ring's radius in metres at `nowMs` (server time), or null when there is no ring. */
export function ringRadius(ring, nowMs) {
  if (!ring) return null;
  const since = parseTime(ring.since);
  const seconds = Math.max(0, (nowMs - (since ?? nowMs)) / 1000);
  return Math.min(ring.max_m, ring.speed_m_s * seconds);
}

export function minutesSince(iso, nowMs) {
  const at = parseTime(iso);
  return at == null ? 0 : Math.max(0, Math.floor((nowMs - at) / 60000));
}

function labelIcon(person, nowMs) {
  const minutes = minutesSince(person.reported_at, nowMs);
  const state = person.status === "found" ? "FOUND" : "LOST";
  return L.divIcon({
    className: "lp-label-wrap",
    iconSize: null,
    iconAnchor: [-12, 14],
    html: `<span class="lp-label" data-testid="lost-person-label" data-lost-person-id="${person.id}">
      ${state} · ${escapeHtml(person.first_name)} · ${minutes} min</span>`,
  });
}

export function createLostPersonMap({ map, serverNow }) {
  const drawn = new Map(); // person id -> {layer, ring, label, person, key}

  function where(person) {
    if (person.status === "found" && person.found_lat != null) return [person.found_lat, person.found_lon];
    return person.last_seen ? [person.last_seen.lat, person.last_seen.lon] : null;
  }

  function draw(person) {
    const point = where(person);
    if (!point) return null;
    const now = serverNow();
    const layer = L.layerGroup();
    for (const area of person.searched || []) {
      L.circle([area.lat, area.lon], {
        radius: area.radius_m, color: SEARCHED, weight: 1, fillColor: SEARCHED, fillOpacity: 0.35,
        interactive: false, className: "lp-searched",
      }).addTo(layer);
    }
    let ring = null;
    if (person.ring) {
      ring = L.circle([person.ring.lat, person.ring.lon], {
        radius: ringRadius(person.ring, now), color: RING, weight: 3, dashArray: "10 6",
        fillColor: RING, fillOpacity: 0.06, interactive: false, className: "lp-ring",
      }).addTo(layer);
    }
    L.circleMarker(point, {
      radius: 9, color: "#0b0e11", weight: 3, fillColor: person.status === "found" ? "#3ddc84" : RING,
      fillOpacity: 1, interactive: false, className: "lp-point",
    }).addTo(layer);
    const label = L.marker(point, { icon: labelIcon(person, now), interactive: false, zIndexOffset: 1500 }).addTo(layer);
    return { layer: layer.addTo(map), ring, label, person, minutes: minutesSince(person.reported_at, now) };
  }

  function remove(id) {
    const entry = drawn.get(id);
    if (entry) map.removeLayer(entry.layer);
    drawn.delete(id);
  }

  return {
    /** The open lost persons, as they stand: drawn again when changed, removed when gone. */
    show(persons) {
      const wanted = new Map(persons.filter((p) => p.open).map((p) => [p.id, p]));
      for (const id of [...drawn.keys()]) {
        if (!wanted.has(id) || drawn.get(id).person !== wanted.get(id)) remove(id);
      }
      for (const person of wanted.values()) {
        if (drawn.has(person.id)) continue;
        const entry = draw(person);
        if (entry) drawn.set(person.id, entry);
      }
    },
    tick() {
      const now = serverNow();
      for (const entry of drawn.values()) {
        if (entry.ring) entry.ring.setRadius(ringRadius(entry.person.ring, now));
        const minutes = minutesSince(entry.person.reported_at, now);
        if (minutes !== entry.minutes) {
          entry.minutes = minutes;
          entry.label.setIcon(labelIcon(entry.person, now));
        }
      }
    },
    /** For tests and debugging: the drawn ring's radius in metres (null: none drawn). */
    ringRadius: (id) => drawn.get(id)?.ring?.getRadius() ?? null,
    searchedCount: (id) => (drawn.get(id) ? (drawn.get(id).person.searched || []).length : 0),
    locate(id) {
      const entry = drawn.get(id);
      const point = entry && where(entry.person);
      if (point) map.setView(point, Math.max(map.getZoom(), 16));
    },
    clear() {
      for (const id of [...drawn.keys()]) remove(id);
    },
  };
}
