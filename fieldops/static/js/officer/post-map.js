// The main screen's map: my post, the course and the other posts, and me; at a school, the
// whole campus.

import { campusBounds } from "../map/campus.js";

export function createPostMap({ maps, view, lastFix }) {
  let map = null; // {leaflet, me, halo}

  function postBounds(post) {
    const L = window.L;
    if (Array.isArray(post.polygon) && post.polygon.length >= 3) return L.latLngBounds(post.polygon);
    return L.latLng(post.lat, post.lon).toBounds(2 * (post.radius_m || 50));
  }

  function ensure() {
    if (map) {
      map.leaflet.invalidateSize();
      return;
    }
    if (!maps.ready()) return;
    const leaflet = maps.smallMap("map", {
      dragging: false,
      touchZoom: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      keyboard: false,
      zoomSnap: 0.25, // a campus fills the small map rather than a quarter of it
    });
    map = { leaflet, me: null, halo: null };
    update();
  }

  function updateMe() {
    const fix = lastFix();
    if (!fix) return;
    const L = window.L;
    const at = [fix.lat, fix.lon];
    if (!map.me) {
      map.halo = L.circle(at, { radius: fix.accuracy || 0, color: "#0a59d6", weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map.leaflet);
      map.me = L.circleMarker(at, { radius: 11, color: "#fff", weight: 4, fillColor: "#0a59d6", fillOpacity: 1 }).addTo(map.leaflet);
    }
    map.me.setLatLng(at);
    map.halo.setLatLng(at).setRadius(Math.min(fix.accuracy || 0, 500));
  }

  function fit() {
    const shown = view();
    const campus = shown?.campus || [];
    const bounds = campusBounds(campus);
    if (shown && shown.post) bounds.extend(postBounds(shown.post));
    if (map.me) bounds.extend(map.me.getLatLng());
    if (!bounds.isValid()) return;
    // Around a post, room to see its surroundings; a campus fills the map.
    map.leaflet.fitBounds(bounds.pad(campus.length ? 0.05 : 0.6), { maxZoom: 17, animate: false });
  }

  function update() {
    if (!map) return;
    maps.drawGround(map.leaflet);
    updateMe();
    fit();
  }

  return { ensure, update };
}
