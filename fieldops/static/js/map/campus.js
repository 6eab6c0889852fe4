// A school's campus on a Leaflet map: buildings (filled, solid edge), open areas (fields, car
// parks: a dotted edge), exits (green squares) and assembly points (a white flag ring), all
// readable on a plain background. On the command map their names go through the label pass
// (map/labels.js) with the officers'; the phone's small maps name them with plain labels.

const THEMES = {
  // the command map: dark ground
  dark: {
    building: { color: "#b8c7d6", weight: 2, fillColor: "#7d8fa3", fillOpacity: 0.28 },
    area: { color: "#7fc98a", weight: 2, dashArray: "2 6", fillColor: "#7fc98a", fillOpacity: 0.08 },
  },
  // the phone's small maps: light ground
  light: {
    building: { color: "#2b3440", weight: 2, fillColor: "#9aa7b5", fillOpacity: 0.45 },
    area: { color: "#1f7a33", weight: 2, dashArray: "2 6", fillColor: "#3fa45a", fillOpacity: 0.12 },
  },
};
const EXIT = { radius: 6, color: "#ffffff", weight: 2, fillColor: "#00a651", fillOpacity: 1 };
const ASSEMBLY = { radius: 10, color: "#00a651", weight: 5, fillColor: "#ffffff", fillOpacity: 1 };
const AREA_LABEL_ZOOM = 15;
const POINT_LABEL_ZOOM = 17;

export const isArea = (f) => f.kind === "building" || f.kind === "area";

/** Every feature into `layer`: areas first, so exits and assembly points sit on top. */
export function drawCampus(layer, features, { renderer, theme = "dark" } = {}) {
  const look = THEMES[theme];
  const quiet = { renderer, interactive: false, lineJoin: "round" };
  for (const f of features.filter(isArea)) {
    L.polygon(f.polygon, { ...quiet, ...look[f.kind] }).addTo(layer);
  }
  for (const f of features.filter((each) => !isArea(each))) {
    const style = f.kind === "exit" ? EXIT : ASSEMBLY;
    L.circleMarker([f.lat, f.lon], { ...quiet, ...style }).addTo(layer);
  }
}

export function campusBounds(features) {
  const bounds = L.latLngBounds([]);
  for (const f of features) {
    if (isArea(f)) bounds.extend(f.polygon);
    else bounds.extend([f.lat, f.lon]);
  }
  return bounds;
}

/** The names for the command map's label pass: buildings and areas from zoom 15 (on their
 * centre), exits and assembly points from zoom 17 (beside their mark). */
export function campusLabels(map, features, spotsAround) {
  const zoom = map.getZoom();
  const labels = [];
  for (const f of features) {
    const area = isArea(f);
    if (zoom < (area ? AREA_LABEL_ZOOM : POINT_LABEL_ZOOM)) continue;
    const { x, y } = map.latLngToLayerPoint([f.lat, f.lon]);
    const kind = area ? "area" : "exit";
    const spots = spotsAround(x, y, f.name, kind, area ? 0 : 8);
    labels.push({
      text: f.name,
      kind,
      spots: area ? spots : spots.slice(1),
      priority: f.kind === "assembly" ? 19 : area ? 21 : 22,
      owner: `campus-${f.id}`,
    });
  }
  return labels;
}

/** The phone's small maps: each name as a plain label on the map (buildings and assembly
 * points; exits are named where they are said, "Gym, east exit"). */
export function campusNameMarkers(layer, features, el) {
  for (const f of features) {
    if (f.kind === "exit") continue;
    L.marker([f.lat, f.lon], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({
        className: `campus-label campus-${f.kind}`,
        html: el("span", { text: f.name }),
        iconSize: null,
      }),
    }).addTo(layer);
  }
}
