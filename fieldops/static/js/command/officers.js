// The officers of the event on screen, by id: what the join snapshot and the `officer` and
// `positions` envelopes say about each. A fix older than the one shown never moves the marker
// back (the stream model's rules, streams/model.js, which tests/test_stream_truth.py checks).
// Each record also carries what the view last drew for it (look, shown, clustered, projected).

import { mergeOfficer, newerMs, timeMs } from "../streams/model.js";
import { formatAgo } from "./format.js";

export function fixAge(rec, now) {
  if (rec.receivedMs == null) return "no fix yet";
  return formatAgo((now - rec.receivedMs) / 1000);
}

/**
 * onChange(rec, orderToo): a record changed (orderToo: it may sort or count differently);
 * onMoved(rec): only its fix did (a positions envelope); onRemoved(rec): a record is gone;
 * onUnknown(): a fix came from someone the snapshot did not have, so a fresh snapshot is due.
 */
export function createOfficers({ eventId, onChange, onMoved, onRemoved, onUnknown }) {
  const records = new Map(); // id -> {id, data, look, shown, receivedMs, recordedMs, searchText, …}
  let staleAfterMs = 120000;

  // Each fix's times are read once, here; comparisons then use the kept numbers.
  function setFix(rec, fix, recordedMs = fix ? timeMs(fix.recorded_at) : null) {
    rec.data.fix = fix;
    rec.receivedMs = fix ? timeMs(fix.received_at) : null;
    rec.recordedMs = recordedMs;
  }

  function upsert(data) {
    let rec = records.get(data.id);
    if (!rec) {
      rec = { id: data.id, data, look: null, shown: false, clustered: false, projected: null };
      records.set(data.id, rec);
    }
    const merged = mergeOfficer(rec.data, data);
    rec.data = merged;
    setFix(rec, merged.fix);
    rec.searchText = `${data.name || ""} ${data.badge || ""}`.toLowerCase();
    onChange(rec, true);
    return rec;
  }

  function placeholder(id) {
    // A fix from someone who joined after our snapshot: show it now, fetch the name soon.
    onUnknown();
    return upsert({
      id, event_id: eventId(), name: `Officer ${id}`, badge: null, status: "on_post",
      on_shift: false, shift: null, post: null, stale: false, off_post: false, fix: null,
    });
  }

  function remove(rec) {
    records.delete(rec.id);
    onRemoved(rec);
  }

  return {
    get: (id) => records.get(id),
    has: (id) => records.has(id),
    values: () => records.values(),
    size: () => records.size,
    upsert,
    remove,
    clear() {
      for (const rec of [...records.values()]) remove(rec);
    },
    /** Every officer of a join snapshot; those it no longer has are removed. */
    applySnapshot(snapshot) {
      staleAfterMs = (snapshot.stale_after ?? 120) * 1000;
      const seen = new Set();
      for (const officer of snapshot.officers || []) {
        upsert(officer);
        seen.add(officer.id);
      }
      for (const rec of [...records.values()]) {
        if (!seen.has(rec.id)) remove(rec);
      }
    },
    applyPositions(fixes) {
      // Each entry is kept as the officer's fix as it came (its officer_id too): a copy per
      // fix would only feed the collector, thousands a push.
      for (const fix of fixes) {
        const id = fix.officer_id;
        const rec = records.get(id) || placeholder(id);
        const recordedMs = timeMs(fix.recorded_at);
        // latestFix's rule (streams/model.js) on the times already read: the known fix stays
        // only when it is newer.
        if (rec.data.fix && newerMs(rec.recordedMs, recordedMs)) continue;
        setFix(rec, fix, recordedMs);
        rec.data.stale = false; // a fix just arrived; the server confirms in an `officer` push
        onMoved(rec);
      }
    },
    isStale(rec, now) {
      if (rec.data.stale) return true;
      return rec.receivedMs != null && now - rec.receivedMs > staleAfterMs;
    },
  };
}
