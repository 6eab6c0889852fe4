// What the phone keeps: small things in localStorage, the outbox and photos in IndexedDB.

import { openDatabase } from "../shared/idb.js";

export const KEYS = {
  session: "fieldops.officer.session.v1", // {eventId, eventName, token, qr, officerId}
  view: "fieldops.officer.view.v1", // the last /me answer, so the page opens offline
  helpSeen: "fieldops.officer.help-seen.v1", // alarm ids whose final card was dismissed
  lostHeard: "fieldops.officer.lost-heard.v1", // lost-person ids already sounded
  drillHeard: "fieldops.officer.drill-heard.v1", // drill ids already sounded
  reportDraft: "fieldops.officer.report-draft.v1",
  foundDraft: "fieldops.officer.found-draft.v1",
  waiting: "fieldops.officer.waiting.v1", // a join waiting for command's approval
};
export function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch (_err) {
    return fallback;
  }
}

export function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (_err) {
    return false; // full or private mode
  }
}

export function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch (_err) {
    /* nothing to do */
  }
}

/** One database for the phone: the outbox and the photos waiting to be uploaded. */
export const database = openDatabase("fieldops-officer", 2, (db) => {
  if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos");
  if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
});
database.catch(() => {}); // private mode: memory only, the page still works
