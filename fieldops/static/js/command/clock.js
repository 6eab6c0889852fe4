// The server's clock as this page knows it: set from each snapshot's server_time, so ages and
// staleness are counted the way the server counts them even when this computer's clock is off.

import { parseTime } from "./format.js";

export function createClock() {
  let offsetMs = 0; // server clock minus ours

  return {
    now: () => Date.now() + offsetMs,
    /** A server time (ms) as this computer's clock shows it. */
    toLocal: (serverMs) => serverMs - offsetMs,
    setServerTime(iso) {
      const serverTime = parseTime(iso);
      offsetMs = serverTime ? serverTime - Date.now() : 0;
    },
  };
}
