// The report's map: the course, the posts, the incidents as a heat map (leaflet.heat) and as
// markers a click opens (number, type, severity, time, place), and the found items. Drawn
// from the page's own JSON; on paper the server-drawn map takes its place (report.html).

import { createBaseMap } from "./map/base-map.js";
import { drawCourse } from "./map/course.js";
import { escapeHtml } from "./shared/html.js";

const SEVERITY_COLOURS = { critical: "#b00020", high: "#e8590c", medium: "#f5b700", low: "#5f6b76" };


function start() {
  const element = document.getElementById("report-map");
  const source = document.getElementById("report-map-data");
  if (!element || !source || typeof L === "undefined") return;
  const data = JSON.parse(source.textContent);
  const { map, groundRenderer } = createBaseMap(element, data.map || {});
  const bounds = L.latLngBounds([]);
  drawCourse(map, data.course, groundRenderer);
  for (const line of data.course?.lines || []) for (const point of line) bounds.extend(point);

  // The heat map first: its canvas then lies under the one the posts and markers share.
  const heat = L.heatLayer(data.incidents.map((i) => [i.lat, i.lon, 1]), { radius: 28, blur: 22, minOpacity: 0.35, maxZoom: 16 }).addTo(map);
  for (const post of data.posts) {
    L.circle([post.lat, post.lon], { radius: post.radius_m, color: "#0a3d91", weight: 2, fillOpacity: 0.08 })
      .bindTooltip(escapeHtml(post.name), { permanent: data.posts.length <= 25, direction: "top", className: "report-post-label" })
      .addTo(map);
    bounds.extend([post.lat, post.lon]);
  }

  const markers = L.layerGroup(
    data.incidents.map((i) => {
      bounds.extend([i.lat, i.lon]);
      return L.circleMarker([i.lat, i.lon], {
        radius: 7, color: "#111", weight: 1.5, fillColor: SEVERITY_COLOURS[i.severity] || "#5f6b76", fillOpacity: 0.95,
      }).bindPopup(`<b>#${i.id} ${escapeHtml(i.type)}</b> (${escapeHtml(i.severity_label)})<br>${escapeHtml(i.time)}${i.place ? ` · ${escapeHtml(i.place)}` : ""}<br>${escapeHtml(i.status)}`);
    }),
  );
  const items = L.layerGroup(
    data.items.map((item) => L.marker([item.lat, item.lon], {
      icon: L.divIcon({ className: "report-item", html: "<span>F</span>", iconSize: [18, 18] }),
      title: `Found item #${item.id}: ${item.category}`,
    }).bindPopup(`<b>Found item #${item.id}</b><br>${escapeHtml(item.category)} · ${escapeHtml(item.status)}`)),
  );
  markers.addTo(map);
  items.addTo(map);
  L.control.layers(null, { "Heat map": heat, Incidents: markers, "Found items": items }, { collapsed: false }).addTo(map);
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.08));
  window.fieldopsReport = Object.freeze({ map, incidentMarkers: () => markers.getLayers().length, heatPoints: () => data.incidents.length });
}

start();
