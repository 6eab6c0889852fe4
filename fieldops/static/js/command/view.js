// The view scheduler. Snapshots and envelopes update the officer records at once and only
// mark what they touched; one requestAnimationFrame flush then updates just that: markers in
// place, the visible list rows, the counts, the list's order and the detail card.

import { lookOf, sameLook, sameStanding } from "./look.js";

export function createView({ clock, officers, selection, markers, filters, list, card, ground, hasData }) {
  const dirty = { officers: new Set(), order: false, counts: false, list: false, detail: false };
  let frame = 0;

  function schedule() {
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function refreshOfficer(rec, now) {
    if (!officers.has(rec.id)) return;
    const look = lookOf(rec.data, { stale: officers.isStale(rec, now), selected: selection.is(rec.id) });
    const before = rec.look;
    const changed = !sameLook(look, before);
    if (!sameStanding(look, before)) dirty.order = true;
    rec.look = look;
    markers.update(rec, changed);
    list.refresh(rec, now);
    if (selection.is(rec.id)) {
      dirty.detail = true;
      selection.moved(rec);
    }
  }

  function flush() {
    frame = 0;
    const now = clock.now();
    for (const rec of dirty.officers) refreshOfficer(rec, now);
    dirty.officers.clear();
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
