// What the classic-script page (before the ES modules) left waiting in localStorage moves into
// the IndexedDB outbox once, so a phone updated mid-event loses nothing it had not sent.

import { forget, load } from "./storage.js";

const OLD_LANES = {
  "fieldops.officer.reports.v1": "reports",
  "fieldops.officer.help.v1": "help",
  "fieldops.officer.help-cancel.v1": "helpCancel",
  "fieldops.officer.responses.v1": "steps",
  "fieldops.officer.acks.v1": "acks",
};
const OLD_MAIN = "fieldops.officer.outbox.v1"; // {fixes: [...], actions: [{id, kind, body}]}

export async function migrateOldOutboxes(outbox) {
  await outbox.ready;
  const main = load(OLD_MAIN, null);
  if (main) {
    for (const action of main.actions || []) outbox.add({ ...action, lane: "shift" });
    for (const fix of main.fixes || []) outbox.add({ id: `fix:${fix.recorded_at}`, lane: "fixes", body: fix });
    forget(OLD_MAIN);
  }
  for (const [key, lane] of Object.entries(OLD_LANES)) {
    const items = load(key, null);
    if (!Array.isArray(items)) continue;
    for (const item of items) outbox.add({ ...item, lane });
    forget(key);
  }
}
