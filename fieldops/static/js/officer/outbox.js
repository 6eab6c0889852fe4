// The phone's one outbox (shared/outbox.js) and its lanes, each sent in order on its own.
// The modules that own a lane give its sender (outbox.handle(lane, send)).

import { createOutbox } from "../shared/outbox.js";
import { online } from "./dom.js";
import { BATCH, MAX_FIXES } from "./sending.js";
import { database } from "./storage.js";

export function createOfficerOutbox({ active, onChange }) {
  return createOutbox({
    database,
    channel: "fieldops-officer-outbox",
    lanes: {
      help: { keepDone: 30 }, // the help alarm first: it never waits behind anything
      helpCancel: { keepDone: 30 },
      drillReports: { keepDone: 30 }, // a drill's area reported secured or evacuated: "✓ recorded"
      proactive: { keepDone: 30 }, // a school's proactive work: "logged ✓"
      shift: { backoff: true, retryMs: 2000 }, // check-in, check-out, status
      steps: { keepDone: 30 }, // a dispatch's acknowledge → en route → on scene → resolve
      acks: { keepDone: 30 }, // priority messages acknowledged
      searched: { keepDone: 30 }, // "I searched here" for a lost person: "Searched ✓" when sent
      reports: { keepDone: 30 }, // kept when sent: "Sent ✓" in My incidents
      found: { keepDone: 30 }, // found items logged: "Logged ✓" in Found property
      handoffs: { keepDone: 30 }, // a found item handed to the post or the desk
      fixes: { batch: BATCH, max: MAX_FIXES, backoff: true, retryMs: 2000 },
    },
    canSend: () => active() && online(),
    onChange,
  });
}
