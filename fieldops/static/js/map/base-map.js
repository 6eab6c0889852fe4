// The Leaflet map under everything: the configured tiles (or none: overlays only) and the
// "ground" pane, between the tiles and the officers, for the course, the posts and the lines
// drawn on the ground.

import { escapeHtml } from "../shared/html.js";

const DEFAULT_VIEW = { center: [39.5, -98.35], zoom: 4 };

export function createBaseMap(element, settings) {
  const map = L.map(element, {
    preferCanvas: true,
    maxZoom: settings.max_zoom || 19,
    minZoom: 2,
    zoomSnap: 0.5,
    worldCopyJump: false,
  });
  map.createPane("ground").style.zIndex = "350";
  const groundRenderer = L.canvas({ pane: "ground", padding: 0.3 });

  if (settings.tile_url) {
    L.tileLayer(settings.tile_url, {
      // Leaflet shows an attribution as HTML: a tile file's text is not trusted as such.
      attribution: escapeHtml(settings.attribution || ""),
      maxZoom: settings.max_zoom || 19,
    }).addTo(map);
  } else {
    map.getContainer().classList.add("no-tiles");
    map.attributionControl.addAttribution("No base map: overlays only");
  }
  map.setView(DEFAULT_VIEW.center, DEFAULT_VIEW.zoom);
  return { map, groundRenderer };
}
