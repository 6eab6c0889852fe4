// An officer who called for help is marked on the map with a red ring that pulses and moves
// with their live position, for as long as their alarm is open.

import { escapeHtml } from "./looks.js";

export function createHelpRings({ map, officerFix }) {
  const layer = L.layerGroup().addTo(map);
  const rings = new Map(); // alert id -> {marker, alert}

  function placeOf(alert) {
    const fix = alert.officer ? officerFix(alert.officer.id) : null;
    if (fix) return [fix.lat, fix.lon];
    return alert.lat != null ? [alert.lat, alert.lon] : null;
  }

  function iconFor(alert) {
    const name = escapeHtml(alert.officer?.name || "Officer");
    return L.divIcon({
      className: "help-ring-wrap",
      iconSize: [72, 72],
      iconAnchor: [36, 36],
      html: `<div class="help-ring" data-testid="help-ring" data-alert-id="${alert.id}">
        <span class="help-ring-label">HELP · ${name}</span></div>`,
    });
  }

  return {
    /** The open help alarms: a ring for each, none for the others. */
    show(alerts) {
      const wanted = new Map(alerts.map((a) => [a.id, a]));
      for (const [id, ring] of rings) {
        if (!wanted.has(id)) {
          layer.removeLayer(ring.marker);
          rings.delete(id);
        }
      }
      for (const alert of wanted.values()) {
        const where = placeOf(alert);
        if (!where || rings.has(alert.id)) continue;
        const marker = L.marker(where, { icon: iconFor(alert), interactive: false, zIndexOffset: 2000 });
        rings.set(alert.id, { marker: marker.addTo(layer), alert });
      }
    },
    /** Where the rings are: names on the map keep clear of them and their label. */
    latLngs: () => [...rings.values()].map(({ marker }) => marker.getLatLng()),
    tick() {
      for (const { marker, alert } of rings.values()) {
        const where = placeOf(alert);
        if (where) marker.setLatLng(where);
      }
    },
  };
}
