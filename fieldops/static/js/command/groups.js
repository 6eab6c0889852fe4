// Quiet officers grouped into counts while the map is zoomed out (map/clusters.js does the
// grouping). Regrouping is rate-limited: with officers moving every tick, at most once a
// second, and at once on a zoom. Whoever the dispatcher must see is never in a group.

import { CATEGORIES, OUTLINE } from "./look.js";

const RECLUSTER_MS = 1000;

function groupRadius(count) {
  return Math.min(22, 12 + 2 * Math.log2(count)); // groups stand about 56 px apart: no overlap
}

/** isHelp(id): the officer's help alarm is open. */
export function createGroups({ map, clusters, officers, isHelp, redraw }) {
  const grouping = { dirty: true, lastBuilt: 0, timer: null, view: { clusters: [], hidden: new Set() } };

  function isQuiet(rec) {
    const look = rec.look;
    return Boolean(look && rec.shown && rec.data.fix) && !look.stale && !look.offPost && !look.selected &&
      look.category !== "responding" && !isHelp(rec.id);
  }

  function markDirty() {
    grouping.dirty = true;
    if (grouping.timer) return;
    const wait = Math.max(0, grouping.lastBuilt + RECLUSTER_MS - Date.now());
    grouping.timer = setTimeout(() => {
      grouping.timer = null;
      regroup();
    }, wait);
  }

  function regroup() {
    if (grouping.dirty) {
      const quiet = [];
      for (const rec of officers.values()) {
        if (isQuiet(rec)) {
          const { lat, lon } = rec.data.fix;
          quiet.push({ id: rec.id, lat, lon, category: rec.look.category });
        }
      }
      clusters.load(quiet);
      grouping.dirty = false;
      grouping.lastBuilt = Date.now();
    }
    grouping.view = clusters.at(map.getZoom());
    for (const rec of officers.values()) {
      rec.clustered = grouping.view.hidden.has(rec.id);
    }
    redraw();
  }

  // A group: a dark disc with its count, ringed in the colours of who is in it (on post blue,
  // on break violet, off shift grey), so the map still says "all quiet here" at a glance.
  function draw(ctx, obstacles) {
    for (const group of grouping.view.clusters) {
      const { x, y } = map.latLngToLayerPoint([group.lat, group.lon]);
      const r = groupRadius(group.count);
      ctx.beginPath();
      ctx.arc(x, y, r + 4, 0, Math.PI * 2);
      ctx.fillStyle = OUTLINE;
      ctx.fill();
      let start = -Math.PI / 2;
      for (const category of ["on_post", "on_break", "off_shift"]) {
        const n = group.byCategory[category] || 0;
        if (!n) continue;
        const end = start + (2 * Math.PI * n) / group.count;
        ctx.beginPath();
        ctx.arc(x, y, r, start, end);
        ctx.lineWidth = 6;
        ctx.strokeStyle = CATEGORIES[category].color;
        ctx.stroke();
        start = end;
      }
      ctx.beginPath();
      ctx.arc(x, y, r - 3, 0, Math.PI * 2);
      ctx.fillStyle = "#11161b";
      ctx.fill();
      ctx.font = `800 ${group.count > 99 ? 13 : 15}px system-ui, 'DejaVu Sans', sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = "#ffffff";
      ctx.fillText(String(group.count), x, y + 1);
      ctx.textAlign = "start";
      obstacles.push({ x1: x - r - 4, y1: y - r - 4, x2: x + r + 4, y2: y + r + 4, owner: `group-${group.id}` });
    }
  }

  return {
    markDirty,
    /** Regroup on the next regroup, whenever that comes (a selection, a help alarm). */
    invalidate() {
      grouping.dirty = true;
    },
    regroup,
    draw,
    /** The groups drawn now: [{id, lat, lon, count, byCategory}]. */
    shown: () => grouping.view.clusters,
    /** The group drawn at this container point, if any. */
    hit(point) {
      return grouping.view.clusters.find((group) => {
        const at = map.latLngToContainerPoint([group.lat, group.lon]);
        return at.distanceTo(point) <= groupRadius(group.count) + 4;
      }) || null;
    },
    describe(group) {
      const parts = Object.entries(group.byCategory).map(([category, n]) => `${n} ${CATEGORIES[category].label.toLowerCase()}`);
      return `<strong>${group.count} officers</strong><br>${parts.join(", ")}<br><span class="muted">click to zoom in</span>`;
    },
    expansionZoom: (id) => clusters.expansionZoom(id),
  };
}
