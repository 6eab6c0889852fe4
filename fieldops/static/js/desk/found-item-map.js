// The found items still held, as their own small layer: a bag glyph where each was found.

import { escapeHtml } from "../shared/html.js";
import { ITEM_CATEGORY_LABELS } from "../shared/vocabulary.js";

const BAG = '<svg viewBox="0 0 24 24" width="18" height="18" fill="#0b0e11" aria-hidden="true" focusable="false">' +
  '<path d="M8 7V5.5a4 4 0 0 1 8 0V7h3.5l1 14.5h-17L4.5 7zm2 0h4V5.5a2 2 0 0 0-4 0z"/></svg>';

export function createFoundItemMap({ map, onOpen }) {
  const layer = L.layerGroup().addTo(map);
  const markers = new Map(); // item id -> {marker, item}

  function iconFor(item) {
    const label = escapeHtml(ITEM_CATEGORY_LABELS[item.category] || item.category);
    return L.divIcon({
      className: "fi-pin-wrap",
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      html: `<div class="fi-pin st-${item.status}" data-testid="found-item-marker" data-item-id="${item.id}"
        title="Found: ${label}">${BAG}</div>`,
    });
  }

  return {
    /** The open found items with a place: one glyph each. */
    show(items) {
      const wanted = new Map(items.filter((i) => i.lat != null).map((i) => [i.id, i]));
      for (const [id, { marker, item }] of markers) {
        if (wanted.get(id) !== item) {
          layer.removeLayer(marker);
          markers.delete(id);
        }
      }
      for (const item of wanted.values()) {
        if (markers.has(item.id)) continue;
        const marker = L.marker([item.lat, item.lon], { icon: iconFor(item), keyboard: false, zIndexOffset: 500 });
        marker.on("click", () => onOpen(item.id));
        markers.set(item.id, { marker: marker.addTo(layer), item });
      }
    },
    count: () => markers.size,
    /** Where the glyphs stand (names on the map keep clear of them). */
    latLngs: () => [...markers.values()].map(({ marker }) => marker.getLatLng()),
  };
}
