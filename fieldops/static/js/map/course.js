// A course on a Leaflet map: its lines (a yellow line on a dark casing), and START, FINISH and
// the distance markers as labels for the label pass (map/labels.js), where they find room.

import { spotsAround } from "./labels.js";

const COURSE_COLOR = "#ffd60a";

/** Draws the course's lines into `layer`; answers its marks: [{lat, lon, text, end, minor}]. */
export function drawCourse(layer, course, renderer) {
  if (!course) return [];
  const line = { renderer, interactive: false, lineJoin: "round", lineCap: "round" };
  for (const points of course.lines) {
    L.polyline(points, { ...line, color: "#000000", weight: 11, opacity: 0.55 }).addTo(layer);
    L.polyline(points, { ...line, color: COURSE_COLOR, weight: 5, opacity: 1 }).addTo(layer);
  }
  const first = course.lines[0]?.[0];
  const lastLine = course.lines[course.lines.length - 1];
  const last = lastLine?.[lastLine.length - 1];
  const marks = [
    first && { lat: first[0], lon: first[1], text: "START", end: true },
    last && { lat: last[0], lon: last[1], text: "FINISH", end: true },
  ].filter(Boolean);
  for (const m of course.markers || []) {
    const n = parseFloat(m.label);
    marks.push({ lat: m.lat, lon: m.lon, text: m.label, minor: Number.isFinite(n) && n % 5 !== 0 });
  }
  return marks;
}

/** START, FINISH and the distance markers (every fifth only when zoomed far out). */
export function courseLabels(map, marks) {
  const far = map.getZoom() < 12;
  const labels = [];
  for (const m of marks) {
    if (far && m.minor) continue;
    const { x, y } = map.latLngToLayerPoint([m.lat, m.lon]);
    const spots = spotsAround(x, y, m.text, "course", 10); // on the point first, then around it
    labels.push({ text: m.text, kind: "course", spots, priority: 0.5, end: m.end, owner: "course" });
  }
  return labels;
}
