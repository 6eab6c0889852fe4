// The view scheduler. Snapshots and envelopes update the officer records at once and only
// mark what they touched; one requestAnimationFrame flush then updates just that: the looks and
// the markers (drawn in that same frame), the visible list rows, the counts, the list's order
// and the detail card. A positions envelope does not wait for the frame to move its markers:
// `markersNow` gives the moved officers their looks and draws them at the end of the task that
// applied it (the rest still waits for the frame).

import { lookOf, sameLook, sameStanding } from "./look.js";

export function createView({ clock, officers, selection, markers, filters, list, card, ground, hasData }) {
  const dirty = {
    officers: new Set(), // their look and marker
    moved: new Set(), // only their fix changed: their marker (and their look if they aged)
    rows: new Set(), // their list row, if it is in view
    order: false, counts: false, list: false, detail: false,
  };
  let frame = 0;
  let markersSoon = false;

  function schedule() {
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function restyle(rec, now) {
    if (!officers.has(rec.id)) return;
    const look = lookOf(rec.data, { stale: officers.isStale(rec, now), selected: selection.is(rec.id) });
    const before = rec.look;
    const changed = !sameLook(look, before);
    if (!sameStanding(look, before)) dirty.order = true;
    rec.look = look;
    markers.update(rec, changed);
    dirty.rows.add(rec);
    if (selection.is(rec.id)) {
      dirty.detail = true;
      selection.moved(rec);
    }
  }

  // A fix changes no more of the look than whether it is stale: an officer on the map whose
  // staleness stays is only moved, the rest restyled. The same outcome as `restyle`, cheaper.
  function move(rec, now) {
    const look = rec.look;
    if (!look || !rec.shown || !officers.has(rec.id) || officers.isStale(rec, now) !== look.stale) {
      restyle(rec, now);
      return;
    }
    markers.moved(rec);
    dirty.rows.add(rec);
    if (selection.is(rec.id)) {
      dirty.detail = true;
      selection.moved(rec);
    }
  }

  function restyleDirty(now) {
    for (const rec of dirty.moved) if (!dirty.officers.has(rec)) move(rec, now);
    dirty.moved.clear();
    for (const rec of dirty.officers) restyle(rec, now);
    dirty.officers.clear();
  }

  function drawMarkers() {
    markersSoon = false;
    restyleDirty(clock.now());
    markers.draw();
  }

  function flush() {
    frame = 0;
    const now = clock.now();
    restyleDirty(now);
    markers.draw();
    for (const rec of dirty.rows) if (officers.has(rec.id)) list.refresh(rec, now);
    dirty.rows.clear();
    if (hasData()) ground.fitOnce();
    if (dirty.order) {
      list.setOrder(filters.order());
      dirty.order = false;
      dirty.counts = true;
      dirty.list = true;
    }
    if (dirty.counts) filters.renderCounts();
    if (dirty.list) list.render(now);
    if (dirty.detail) card.render(officers.get(selection.id()), now);
    dirty.counts = dirty.list = dirty.detail = false;
  }

  return {
    /** This officer changed (orderToo: where it sorts, or whether it is counted, may have). */
    officerChanged(rec, orderToo = false) {
      dirty.officers.add(rec);
      if (orderToo) dirty.order = true;
      schedule();
    },
    /** Only this officer's fix changed. */
    officerMoved(rec) {
      dirty.moved.add(rec);
      schedule();
    },
    /** Draw the markers of the officers changed so far at the end of this task, not on the
     * next frame (a positions envelope: its fixes are on the map before the frame starts). */
    markersNow() {
      if (markersSoon) return;
      markersSoon = true;
      queueMicrotask(drawMarkers);
    },
    /** Every officer again: the filter or the search changed. */
    allChanged() {
      for (const rec of officers.values()) dirty.officers.add(rec);
      dirty.order = true;
      schedule();
    },
    orderChanged() {
      dirty.order = true;
      schedule();
    },
    listChanged() {
      dirty.list = true;
      schedule();
    },
    detailChanged() {
      dirty.detail = true;
      schedule();
    },
  };
}
