// Which officers have a marker on the map, and where: one marker per officer with a fix,
// moved in place, on the map while the officer passes the list's filter (or is selected).
// Urgent looks are brought to the front so a quiet neighbour never covers them.

import { CLUSTER_BELOW_ZOOM } from "../map/clusters.js";
import { labelPriority } from "./look.js";

export function createOfficerMarkers({ map, canvas, isShown, isSelected, accuracy, groups }) {
  const layer = L.featureGroup().addTo(map);

  function update(rec, lookChanged) {
    const fix = rec.data.fix;
    if (!fix) {
      if (rec.marker) layer.removeLayer(rec.marker);
      rec.marker = null;
      rec.shown = false;
      return;
    }
    const show = isShown(rec) || isSelected(rec.id);
    if (!rec.marker) {
      rec.marker = canvas.createMarker([fix.lat, fix.lon], rec.look, rec.id);
      rec.shown = false;
    } else {
      const marker = rec.marker;
      const at = marker.getLatLng();
      marker.look = rec.look;
      if (at.lat !== fix.lat || at.lng !== fix.lon) marker.setLatLng([fix.lat, fix.lon]);
      else if (lookChanged && marker._map) marker.redraw();
    }
    if (show !== rec.shown) {
      if (show) layer.addLayer(rec.marker);
      else layer.removeLayer(rec.marker);
      rec.shown = show;
    }
    if (lookChanged && rec.marker._map && labelPriority(rec.look) < 4) rec.marker.bringToFront();
    if (isSelected(rec.id)) accuracy.show(fix);
    if (map.getZoom() < CLUSTER_BELOW_ZOOM) groups.markDirty();
  }

  return {
    update,
    remove(rec) {
      if (rec.marker) layer.removeLayer(rec.marker);
    },
    count: () => layer.getLayers().length,
  };
}
