// Posts on a Leaflet map: a dashed circle (centre and radius) or polygon each, where a point
// falls, where the name goes, and the popup with the post's orders.

import { escapeHtml } from "../command/format.js";
import { spotsAround } from "./labels.js";

const POST_COLOR = "#e8eef5";
const POST_LABEL_ZOOM = 14; // post names from here on, where they fit (a hover names any post)

export function isPolygon(post) {
  return Array.isArray(post.polygon) && post.polygon.length >= 3;
}

/** The post's northernmost point: where its name and its tooltip go. */
export function northEdge(post) {
  if (isPolygon(post)) return post.polygon.reduce((top, p) => (p[0] > top[0] ? p : top));
  return [post.lat + (post.radius_m || 50) / 111320, post.lon];
}

export function postContains(post, latlng) {
  if (!isPolygon(post)) return L.latLng(latlng).distanceTo([post.lat, post.lon]) <= (post.radius_m || 50);
  let inside = false;
  const ring = post.polygon;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [yi, xi] = ring[i];
    const [yj, xj] = ring[j];
    if ((yi > latlng.lat) !== (yj > latlng.lat) &&
        latlng.lng < ((xj - xi) * (latlng.lat - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/** Every post's shape into `layer`; their names are drawn with the officers' (postLabels). */
export function drawPosts(layer, posts, renderer) {
  const style = {
    renderer, color: POST_COLOR, weight: 2, dashArray: "7 5",
    fillColor: POST_COLOR, fillOpacity: 0.1, interactive: false,
  };
  for (const post of posts) {
    const shape = isPolygon(post)
      ? L.polygon(post.polygon, style)
      : L.circle([post.lat, post.lon], { ...style, radius: post.radius_m || 50 });
    shape.addTo(layer);
  }
}

/** The posts' names for the label pass (map/labels.js), once the map is close enough. */
export function postLabels(map, posts) {
  if (map.getZoom() < POST_LABEL_ZOOM) return [];
  return posts.map((post) => {
    const { x, y } = map.latLngToLayerPoint(northEdge(post));
    const spots = spotsAround(x, y, post.name, "post", 4);
    return { text: post.name, kind: "post", spots: [[x, y - 14], ...spots.slice(1)], priority: 20, owner: `post-${post.id}` };
  });
}

export function postPopup(post) {
  const kind = escapeHtml((post.kind || "").replace(/_/g, " "));
  const orders = post.orders ? `<p class="orders">${escapeHtml(post.orders)}</p>` : "";
  return `<strong>${escapeHtml(post.name)}</strong><br><span class="muted">${kind}</span>${orders}`;
}
