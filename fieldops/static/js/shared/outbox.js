// The one outbox: everything a page sends waits here (IndexedDB, keyed by its client id) until
// the server answered it, and is sent again, in order, until then. A retry never makes a
// second incident or alarm because the id goes with it where the API takes one.
//
// Items live in lanes; each lane is sent in order on its own (a photo upload never holds up a
// help alarm) and stops at its first "retry". A lane's send(item) — or send(items) for a
// lane with `batch` — answers with outcome():
//   "done"   the server has it (2xx, or a 409 the sender counts as done)
//   "retry"  no network, 5xx, 429, 401: keep it and try again later
//   "drop"   any other 4xx: retrying will not help
// or {settled: [ids]} (a batch: these are finished, the rest goes again at once).
// Finished items are deleted, or kept (`keepDone` of them per lane) marked done so a page can
// show them as sent. The page reads items synchronously from an in-memory copy; another tab's
// writes reach it through a BroadcastChannel.

import { run } from "./idb.js";

const TICK_MS = 1000;

/** HTTP status → what the outbox does with the item. */
export function outcome(res) {
  if (res.ok) return "done";
  if (res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 0) return "retry";
  return "drop";
}

/** A client-made id (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function clientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** From ¾ to 1¼ of ms: phones told to wait together come back spread out. */
const jittered = (ms) => ms * (0.75 + Math.random() / 2);

/**
 * lanes: {name: {send, batch?, keepDone?, max?, retryMs?, backoff?}}, in the order they drain.
 * - max: keep at most this many waiting items (the oldest go first);
 * - retryMs: wait this long after a "retry" (default 3 s); backoff: double it per failure, to 60 s,
 *   each wait drawn from ¾ to 1¼ of it, so phones refused together (a busy server, a restart)
 *   do not all come back in the same second.
 * A sender answers "done", "retry", "drop", {settled: ids} (only those went) or {pause: ms}: the
 * server asked for a pause (busy), not a failure: the lane waits about that long, without
 * backing off further.
 * canSend(): false stops every lane (no session, offline). onChange(lane): that lane changed
 * (every lane when left out: another tab's change, or the outbox read again).
 */
export function createOutbox({ database, storeName = "outbox", channel = "fieldops-outbox", lanes, canSend = () => true, onChange = () => {} }) {
  let items = [];
  let counter = 0;
  const state = Object.fromEntries(Object.keys(lanes).map((name) => [name, { busy: false, failures: 0, nextAt: 0 }]));
  const broadcast = typeof BroadcastChannel === "function" ? new BroadcastChannel(channel) : null;

  function persist(action) {
    return run(database, storeName, "readwrite", action).catch(() => {}); // no IndexedDB: memory only
  }

  // Items added while a reload reads the store may be missing from what it read (a help press
  // as the page opens): they are kept, not replaced away.
  let reloading = 0;
  const addedWhileReloading = new Set();

  async function reload() {
    reloading += 1;
    try {
      const stored = (await run(database, storeName, "readonly", (s) => s.getAll())) || [];
      const read = new Set(stored.map((i) => i.id));
      const meanwhile = items.filter((i) => addedWhileReloading.has(i.id) && !read.has(i.id));
      items = [...stored, ...meanwhile].sort((a, b) => a.order - b.order);
    } catch (_err) {
      /* memory only */
    } finally {
      reloading -= 1;
      if (!reloading) addedWhileReloading.clear();
    }
    onChange();
  }

  function changed(lane) {
    if (broadcast) broadcast.postMessage("changed");
    onChange(lane);
  }

  function put(item) {
    persist((s) => s.put(item));
  }

  function remove(ids) {
    const gone = new Set(ids);
    items = items.filter((item) => !gone.has(item.id));
    persist((s) => {
      let last = null;
      for (const id of gone) last = s.delete(id);
      return last;
    });
  }

  function trimDone(lane) {
    const keep = lanes[lane].keepDone || 0;
    const done = items.filter((item) => item.lane === lane && item.done);
    if (done.length > keep) remove(done.slice(0, done.length - keep).map((item) => item.id));
  }

  function settle(ids, patch = {}) {
    for (const id of ids) {
      const item = items.find((i) => i.id === id);
      if (!item) continue;
      if (lanes[item.lane].keepDone) {
        Object.assign(item, patch, { done: true });
        put(item);
      } else {
        remove([id]);
      }
    }
    for (const lane of new Set(items.map((i) => i.lane))) trimDone(lane);
  }

  function pending(lane) {
    return items.filter((item) => !item.done && (!lane || item.lane === lane));
  }

  async function drainLane(name) {
    const lane = lanes[name];
    const s = state[name];
    if (!lane.send || s.busy || Date.now() < s.nextAt || !canSend()) return;
    s.busy = true;
    try {
      const work = async () => {
        while (canSend()) {
          const waiting = pending(name);
          if (!waiting.length) return;
          const batch = lane.batch ? waiting.slice(0, lane.batch) : [waiting[0]];
          const result = await (async () => lane.send(lane.batch ? batch : batch[0]))().catch(() => "retry"); // fetch throws offline
          if (result && result.pause) {
            s.nextAt = Date.now() + jittered(result.pause);
            changed(name);
            return;
          }
          if (result === "retry") {
            s.failures += 1;
            const wait = lane.retryMs ?? 3000;
            s.nextAt = Date.now() + (lane.backoff ? jittered(Math.min(60000, wait * 2 ** Math.min(s.failures, 5))) : wait);
            changed(name);
            return;
          }
          s.failures = 0;
          s.nextAt = 0;
          const ids = result && result.settled ? result.settled : batch.map((item) => item.id);
          settle(ids, result === "drop" ? { dropped: true } : {});
          changed(name);
        }
      };
      // One tab at a time sends a lane; the others see its result through the channel.
      if (navigator.locks) await navigator.locks.request(`${channel}-${name}`, { ifAvailable: true }, (lock) => (lock ? work() : null));
      else await work();
    } finally {
      s.busy = false;
    }
  }

  function drain({ now = false } = {}) {
    if (now) for (const s of Object.values(state)) Object.assign(s, { nextAt: 0 });
    return Promise.all(Object.keys(lanes).map(drainLane));
  }

  if (broadcast) broadcast.onmessage = () => reload();
  const ready = reload();
  const timer = setInterval(() => drain(), TICK_MS);
  window.addEventListener("online", () => drain({ now: true }));

  return {
    ready,
    /** The sender of a lane, given by the module that owns it (until then the lane waits). */
    handle(lane, send) {
      lanes[lane].send = send;
      drainLane(lane);
    },
    /** Adds {id, lane, ...}; `replaces(last)` true drops the lane's newest waiting item first. */
    add(item, { replaces = null } = {}) {
      const lane = item.lane;
      if (item.id && items.some((i) => i.id === item.id)) return null; // already waiting or sent
      const last = pending(lane).at(-1);
      if (replaces && last && replaces(last)) remove([last.id]);
      counter += 1;
      const stored = { done: false, queuedAt: new Date().toISOString(), ...item, id: item.id || clientId(), order: Date.now() * 1000 + (counter % 1000) };
      items.push(stored);
      if (reloading) addedWhileReloading.add(stored.id);
      put(stored);
      const max = lanes[lane].max;
      const waiting = pending(lane);
      if (max && waiting.length > max) remove(waiting.slice(0, waiting.length - max).map((i) => i.id));
      changed(lane);
      drainLane(lane);
      return stored;
    },
    update(id, patch) {
      const item = items.find((i) => i.id === id);
      if (!item) return;
      Object.assign(item, patch);
      put(item);
      changed(item.lane);
    },
    items: (lane) => items.filter((item) => !lane || item.lane === lane),
    pending,
    unsent: (lane) => pending(lane).length,
    failing: (lane) => state[lane].failures > 0,
    drain,
    /** Stop the timer and the channel (a page that goes away, a test). */
    close() {
      clearInterval(timer);
      if (broadcast) broadcast.close();
    },
    async clear() {
      items = [];
      await persist((s) => s.clear());
      changed(undefined);
    },
  };
}
