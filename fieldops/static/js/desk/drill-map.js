// The drill on the command map: each area it was ordered for filled by its state (not reported
// amber, secured green, evacuated blue, problem red, flashing), over the campus's own shapes.

const FILL = {
  not_reported: { color: "#ffb020", fillColor: "#ffb020", fillOpacity: 0.35 },
  secured: { color: "#2ecc71", fillColor: "#2ecc71", fillOpacity: 0.35 },
  evacuated: { color: "#4da3ff", fillColor: "#4da3ff", fillOpacity: 0.35 },
  problem: { color: "#ff2340", fillColor: "#ff2340", fillOpacity: 0.5 },
};

export function createDrillMap({ map, campus }) {
  const layer = L.layerGroup().addTo(map);
  let key = "";

  return {
    /** The open drill (or null: nothing drawn). */
    show(drill) {
      const shapes = new Map(campus().filter((f) => f.polygon).map((f) => [f.id, f]));
      const next = JSON.stringify(drill ? drill.areas.map((a) => [a.id, a.state, shapes.get(a.id)?.polygon]) : null);
      if (next === key) return;
      key = next;
      layer.clearLayers();
      if (!drill) return;
      for (const area of drill.areas) {
        const shape = shapes.get(area.id);
        if (!shape) continue;
        L.polygon(shape.polygon, {
          ...FILL[area.state], weight: 3, interactive: false,
          className: `drill-fill state-${area.state}`,
        }).addTo(layer);
      }
    },
    count: () => layer.getLayers().length,
  };
}
