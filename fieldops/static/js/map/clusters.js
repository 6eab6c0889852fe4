// Quiet officers (on post, on break, off shift, fresh and where they should be) grouped into
// counts until the map is zoomed in, so 2,000 markers along a course do not hide the course.
// Anyone the dispatcher must see (responding, stale, off post, called for help, selected) is
// never grouped. Supercluster (vendored, global) does the grouping in screen pixels.

export const CLUSTER_BELOW_ZOOM = 15; // from this zoom on, every officer is drawn on its own
const RADIUS_PX = 56; // at the group's zoom; more on screen between whole zoom levels
const MIN_POINTS = 3;

export function createClusters() {
  let index = null;
  let points = [];
  let view = { zoom: null, clusters: [], hidden: new Set() };

  function load(quiet) {
    points = quiet.map(({ id, lat, lon, category }) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [lon, lat] },
      properties: { id, category },
    }));
    index = new window.Supercluster({
      radius: RADIUS_PX,
      extent: 256, // Leaflet's tile size: the radius is then in screen pixels
      maxZoom: CLUSTER_BELOW_ZOOM - 1,
      minPoints: MIN_POINTS,
      map: (props) => ({ [props.category]: 1 }),
      reduce: (total, props) => {
        for (const [key, n] of Object.entries(props)) {
          if (typeof n === "number" && key !== "cluster_id") total[key] = (total[key] || 0) + n;
        }
      },
    });
    index.load(points);
    view.zoom = null; // recompute on the next `at`
  }

  /** The groups at this zoom: [{lat, lon, count, byCategory, id}] and the officer ids they hide. */
  function at(zoom) {
    const level = Math.floor(zoom);
    if (!index || level >= CLUSTER_BELOW_ZOOM) return { zoom: level, clusters: [], hidden: new Set() };
    if (view.zoom === level) return view;
    const clusters = [];
    const hidden = new Set();
    for (const feature of index.getClusters([-180, -85, 180, 85], level)) {
      if (!feature.properties.cluster) continue;
      const [lon, lat] = feature.geometry.coordinates;
      const byCategory = {};
      for (const [key, n] of Object.entries(feature.properties)) {
        if (["on_post", "on_break", "off_shift"].includes(key)) byCategory[key] = n;
      }
      const id = feature.properties.cluster_id;
      clusters.push({ id, lat, lon, count: feature.properties.point_count, byCategory });
      for (const leaf of index.getLeaves(id, Infinity)) hidden.add(leaf.properties.id);
    }
    view = { zoom: level, clusters, hidden };
    return view;
  }

  /** The zoom at which a group falls apart, to zoom the map there on a click. */
  function expansionZoom(clusterId) {
    return index ? Math.min(CLUSTER_BELOW_ZOOM, index.getClusterExpansionZoom(clusterId)) : CLUSTER_BELOW_ZOOM;
  }

  return { load, at, expansionZoom, size: () => points.length };
}
