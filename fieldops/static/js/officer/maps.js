// Small maps on the phone: no tiles needed; the course, the posts, the pins and lines carry
// the meaning. Leaflet (window.L) is a vendored classic script.

import { campusNameMarkers, drawCampus } from "../map/campus.js";
import { el } from "../shared/html.js";

/** A campus's names where they fit: assembly points first, then buildings, then areas; a name
 * that would cover one already shown (or run off the map) is hidden, its shape still drawn. */
function declutter(container) {
  const order = ["campus-assembly", "campus-building", "campus-area"];
  const labels = [...container.querySelectorAll(".campus-label")]
    .sort((a, b) => order.findIndex((c) => a.classList.contains(c)) - order.findIndex((c) => b.classList.contains(c)));
  const frame = container.getBoundingClientRect();
  const shown = [];
  for (const label of labels) {
    label.classList.remove("crowded");
    const box = label.firstElementChild.getBoundingClientRect();
    const fits = box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
    const covers = shown.some((b) => box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom);
    if (!fits || covers) label.classList.add("crowded");
    else shown.push(box);
  }
}

export function createMaps({ mapConfig, view, post }) {
  const maps = []; // every small map, to redraw the ground when the event's view changes

  function smallMap(container, options = {}) {
    const L = window.L;
    const map = L.map(container, { zoomControl: false, attributionControl: false, ...options }).setView([0, 0], 2);
    if (mapConfig.tile_url) L.tileLayer(mapConfig.tile_url, { maxZoom: mapConfig.max_zoom || 19 }).addTo(map);
    showCredit(map.getContainer());
    map.fieldopsGround = { layer: L.layerGroup().addTo(map), key: null };
    map.on("zoomend moveend", () => declutter(map.getContainer()));
    maps.push(map);
    drawGround(map);
    return map;
  }

  /** The map credit goes under the map, as plain text: on a small map an overlay would hide
   * a quarter of it, and an operator's tile attribution is not trusted as HTML. */
  function showCredit(container) {
    const caption = container.parentElement.querySelector("[data-map-credit]");
    if (!caption) return;
    const html = mapConfig.tile_url ? mapConfig.attribution || "" : "";
    const text = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.textContent.trim();
    caption.textContent = text ? `Map: ${text}` : "";
    caption.hidden = !text;
  }

  /** A school's campus, the course (black casing, yellow line) and every post (grey; the
   * officer's own yellow), under the pins: enough to find one's way with no base map. */
  function drawGround(map) {
    const L = window.L;
    const shown = view() || {};
    const mine = post();
    const key = JSON.stringify([
      shown.course && shown.course.length_m, shown.posts || [], shown.campus || [], mine && mine.id,
    ]);
    const ground = map.fieldopsGround;
    if (ground.key === key) return;
    ground.key = key;
    ground.layer.clearLayers();
    const quiet = { interactive: false, lineJoin: "round", lineCap: "round" };
    drawCampus(ground.layer, shown.campus || [], { theme: "light" });
    for (const each of shown.posts || []) {
      const own = mine && each.id === mine.id;
      const style = own
        ? { ...quiet, color: "#000", weight: 3, fillColor: "#ffd60a", fillOpacity: 0.45 }
        : { ...quiet, color: "#333a42", weight: 2, dashArray: "5 4", fillColor: "#ffffff", fillOpacity: 0.3 };
      const shape = Array.isArray(each.polygon) && each.polygon.length >= 3
        ? L.polygon(each.polygon, style)
        : L.circle([each.lat, each.lon], { ...style, radius: each.radius_m || 50 });
      shape.addTo(ground.layer);
    }
    for (const points of (shown.course && shown.course.lines) || []) {
      L.polyline(points, { ...quiet, color: "#000", weight: 9, opacity: 0.7 }).addTo(ground.layer);
      L.polyline(points, { ...quiet, color: "#ffd60a", weight: 4, opacity: 1 }).addTo(ground.layer);
    }
    for (const marker of (shown.course && shown.course.markers) || []) {
      L.marker([marker.lat, marker.lon], {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "km-label", html: el("span", { text: marker.label }), iconSize: null }),
      }).addTo(ground.layer);
    }
    campusNameMarkers(ground.layer, shown.campus || [], el);
    declutter(map.getContainer());
  }

  return {
    ready: () => typeof window.L !== "undefined",
    smallMap,
    drawGround,
    /** The event's view changed (course, posts, my post): every map's ground again. */
    redrawGround: () => maps.forEach(drawGround),
  };
}

export function pinIcon(kind) {
  return window.L.divIcon({ className: `pin pin-${kind}`, iconSize: [36, 48], iconAnchor: [18, 46] });
}

export function meMarker(at) {
  return window.L.circleMarker(at, { radius: 10, color: "#fff", weight: 4, fillColor: "#0a59d6", fillOpacity: 1 });
}

/** A link that opens the phone's own maps app with directions to a place. */
export function navigateUrl(lat, lon, label) {
  const at = `${lat.toFixed(6)},${lon.toFixed(6)}`;
  const ua = navigator.userAgent || "";
  if (/iPhone|iPad|iPod/.test(ua)) return `https://maps.apple.com/?daddr=${at}&dirflg=w`;
  if (/Android/.test(ua)) return `geo:${at}?q=${at}(${encodeURIComponent(label || "Incident")})`;
  return `https://www.google.com/maps/dir/?api=1&destination=${at}`;
}

/** The incident type's icon (an SVG symbol of the page). */
export function typeIcon(type, known) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "type-icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `#icon-${known ? type : "other"}`);
  svg.append(use);
  return svg;
}
