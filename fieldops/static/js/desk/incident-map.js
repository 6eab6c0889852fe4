// Incidents on the live map: a pin coloured by severity with the type's icon, styled by
// status (new pulses, dispatched gets a dashed ring, on scene a solid one). Closed incidents
// leave the map unless open in the detail panel, where they show faded. A dotted line runs
// from each officer still sent to an incident to it.

import { isOpen } from "./store.js";
import { STATUS_LABEL, typeIcon, typeLabel } from "./looks.js";

const ACTIVE_ASSIGNMENT = ["dispatched", "acknowledged", "en_route", "on_scene"];

/** onPinsMoved(): a pin came, went or moved (the map's names must keep clear of it). */
export function createIncidentMap({ map, store, officerFix, onOpen, onPinsMoved = () => {} }) {
  let pinsKey = "";
  map.createPane("incidents").style.zIndex = "640"; // over the officers' canvas
  // The lines go on an SVG renderer under the officers: a canvas of their own over the
  // officers' canvas would take the clicks meant for an officer.
  const lineRenderer = L.svg({ pane: "ground" });
  const pins = L.layerGroup().addTo(map);
  const lines = L.layerGroup().addTo(map);
  const markers = new Map(); // incident id -> {marker, key}
  let openId = null;

  function iconFor(incident) {
    const faded = !isOpen(incident) ? " closed" : "";
    const selected = incident.id === openId ? " selected" : "";
    // Anchored by its tip, above the spot: an officer standing there stays in view and in
    // reach of a click.
    return L.divIcon({
      className: "inc-pin-wrap",
      iconSize: [40, 40],
      iconAnchor: [20, 50],
      html: `<div class="inc-pin sev-${incident.severity} st-${incident.status}${faded}${selected}"
        data-testid="incident-marker" data-incident-id="${incident.id}"
        title="${typeLabel(incident.type)} · ${incident.severity} · ${STATUS_LABEL[incident.status]}">
        ${typeIcon(incident.type, 24)}</div>`,
    });
  }

  function update(incident) {
    const shown = isOpen(incident) || incident.id === openId;
    const known = markers.get(incident.id);
    if (!shown) {
      if (known) pins.removeLayer(known.marker);
      markers.delete(incident.id);
      return;
    }
    const key = `${incident.severity}|${incident.status}|${incident.type}|${incident.id === openId}`;
    if (!known) {
      const marker = L.marker([incident.lat, incident.lon], {
        icon: iconFor(incident), pane: "incidents", keyboard: false, riseOnHover: true,
      });
      marker.on("click", () => onOpen(incident.id));
      markers.set(incident.id, { marker, key });
      pins.addLayer(marker);
    } else if (known.key !== key) {
      known.marker.setIcon(iconFor(incident));
      known.key = key;
    }
    markers.get(incident.id).marker.setZIndexOffset(incident.id === openId ? 1000 : 0);
  }

  function redrawAll() {
    const ids = new Set();
    for (const incident of store.all()) {
      update(incident);
      ids.add(incident.id);
    }
    for (const [id, { marker }] of markers) {
      if (!ids.has(id)) {
        pins.removeLayer(marker);
        markers.delete(id);
      }
    }
    drawLines();
    const key = JSON.stringify([...markers.values()].map(({ marker }) => marker.getLatLng()));
    if (key !== pinsKey) {
      pinsKey = key;
      onPinsMoved();
    }
  }

  function drawLines() {
    lines.clearLayers();
    for (const incident of store.all()) {
      if (!isOpen(incident)) continue;
      for (const a of incident.assignments) {
        const fix = ACTIVE_ASSIGNMENT.includes(a.status) ? officerFix(a.officer_id) : null;
        if (!fix) continue;
        L.polyline([[fix.lat, fix.lon], [incident.lat, incident.lon]], {
          color: "#ffffff", weight: 3, dashArray: "2 8", lineCap: "round", interactive: false,
          className: "dispatch-line", renderer: lineRenderer,
        }).addTo(lines);
      }
    }
  }

  store.subscribe(redrawAll);

  return {
    setOpen(id) {
      const before = openId;
      openId = id;
      for (const other of [before, id]) {
        const incident = other != null ? store.get(other) : null;
        if (incident) update(incident);
      }
    },
    tick: drawLines,
    markerCount: () => markers.size,
    /** Where the pins are: the officers' names keep clear of them. */
    pinLatLngs: () => [...markers.values()].map(({ marker }) => marker.getLatLng()),
  };
}
