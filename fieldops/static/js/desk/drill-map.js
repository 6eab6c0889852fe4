// The drill on the command map: each area it was ordered for filled by its state (not reported
// amber, secured green, evacuated blue, problem red, flashing) and captioned with its state
// and time since the alarm, and each assembly point with how many are accounted for there.

import { AREA_STATE_LABELS, clockSpan } from "../shared/drill.js";
import { escapeHtml, parseTime } from "./looks.js";

const FILL = {
  not_reported: { color: "#ffb020", fillColor: "#ffb020", fillOpacity: 0.35 },
  secured: { color: "#2ecc71", fillColor: "#2ecc71", fillOpacity: 0.35 },
  evacuated: { color: "#4da3ff", fillColor: "#4da3ff", fillOpacity: 0.35 },
  problem: { color: "#ff2340", fillColor: "#ff2340", fillOpacity: 0.5 },
};

function caption(drill, area) {
  const when = area.done_at || area.reported_at;
  const after = when ? ` +${clockSpan(parseTime(when) - parseTime(drill.started_at))}` : "";
  return `${AREA_STATE_LABELS[area.state]}${after}`;
}

export function createDrillMap({ map, campus }) {
  const layer = L.layerGroup().addTo(map);
  let key = "";

  return {
    /** The open drill (or null: nothing drawn). */
    show(drill) {
      const places = new Map(campus().map((f) => [f.id, f]));
      const next = JSON.stringify(drill ? [drill.updated_at, [...places.keys()]] : null);
      if (next === key) return;
      key = next;
      layer.clearLayers();
      if (!drill) return;
      for (const area of drill.areas) {
        const shape = places.get(area.id);
        if (!shape?.polygon) continue;
        L.polygon(shape.polygon, {
          ...FILL[area.state], weight: 3, interactive: false,
          className: `drill-fill state-${area.state}`,
        }).addTo(layer);
        L.tooltip({ permanent: true, direction: "bottom", offset: [0, 10], className: `drill-tip state-${area.state}` })
          .setLatLng([shape.lat, shape.lon]).setContent(escapeHtml(caption(drill, area))).addTo(layer);
      }
      for (const point of drill.assembly_totals) {
        const place = places.get(point.id);
        if (!place) continue;
        L.tooltip({ permanent: true, direction: "top", offset: [0, -12], className: "drill-tip drill-tip-count" })
          .setLatLng([place.lat, place.lon]).setContent(`${point.accounted} accounted for`).addTo(layer);
      }
    },
    count: () => layer.getLayers().filter((l) => l instanceof L.Polygon).length,
  };
}
