// Which officers have a marker on the map, and where: every officer with a fix who passes the
// list's filter (or is selected) is drawn by the officers' canvas (officer-canvas.js), straight
// from their record, in one pass. `update` only notes what changed; `draw` has the canvas draw
// it at once, so a frame that changed markers shows them in that same frame.

import { CLUSTER_BELOW_ZOOM } from "../map/clusters.js";

export function createOfficerMarkers({ map, canvas, officers, isShown, isSelected, accuracy, groups }) {
  let changed = false; // something the canvas shows moved, appeared, went or changed its look

  function update(rec, lookChanged) {
    const fix = rec.data.fix;
    const show = Boolean(fix) && (isShown(rec) || isSelected(rec.id));
    if (show || rec.shown || lookChanged) changed = true;
    rec.shown = show;
    if (!fix) return;
    if (isSelected(rec.id)) accuracy.show(fix);
    if (map.getZoom() < CLUSTER_BELOW_ZOOM) groups.markDirty();
  }

  return {
    update,
    /** Only the fix changed, and the officer was on the map: still on it, looking the same. */
    moved(rec) {
      changed = true;
      if (isSelected(rec.id)) accuracy.show(rec.data.fix);
      if (map.getZoom() < CLUSTER_BELOW_ZOOM) groups.markDirty();
    },
    remove(rec) {
      if (rec.shown) changed = true;
      rec.shown = false;
    },
    /** Draw now what `update` and `remove` changed (nothing when they changed nothing). */
    draw() {
      if (!changed) return;
      changed = false;
      canvas.drawNow();
    },
    count() {
      let n = 0;
      for (const rec of officers.values()) if (rec.shown) n += 1;
      return n;
    },
  };
}
