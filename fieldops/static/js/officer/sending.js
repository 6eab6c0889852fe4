// Sending the phone's fixes, over the live socket when it is joined, else over HTTP, and how
// well that goes (the status panel says "NOT SHARING: sending fails" from it).

import { errorOf } from "./http.js";

export const BATCH = 100; // fixes per send
export const MAX_FIXES = 2000; // the outbox keeps the newest this many
export const BUSY_PAUSE_MS = 5000; // a busy server's Retry-After (fieldops.tracking.brake)

/** Failures in a row, since when, and why: what the connection line and location panel show. */
export function createLinkHealth() {
  const state = { failures: 0, failingSince: 0, failure: "", lastSentAt: 0, rejection: "" };
  return {
    ok() {
      Object.assign(state, { failures: 0, failingSince: 0, failure: "" });
    },
    failed(reason) {
      state.failures += 1;
      if (!state.failingSince) state.failingSince = Date.now();
      state.failure = reason;
    },
    sent() {
      state.lastSentAt = Date.now();
      state.rejection = "";
    },
    refused(message) {
      state.rejection = message;
    },
    reset() {
      Object.assign(state, { failures: 0, failingSince: 0, failure: "", lastSentAt: 0, rejection: "" });
    },
    get: () => state,
  };
}

/** The `fixes` lane's sender: a batch of outbox items whose bodies are fixes. */
export function createFixSender({ stream, request, eventPath, health, verify }) {
  async function bySocket(batch) {
    const { error, ack } = await stream().send("position", batch);
    if (error || !ack) return { reason: "no answer from the server" };
    if (ack.ok) return { ok: true };
    const refusal = errorOf(ack);
    if (refusal.code === "invalid") return { rejected: refusal };
    if (refusal.code === "unauthorized") return { unauthorized: true };
    if (refusal.code === "busy") return { busy: true };
    if (refusal.code === "not_joined") stream().rejoin("the server says we are not joined");
    return { reason: refusal.message || "refused" };
  }

  async function byHttp(batch) {
    let res;
    try {
      res = await request("POST", eventPath("positions"), batch);
    } catch (_err) {
      return { reason: "no signal" };
    }
    if (res.status === 202) return { ok: true };
    if (res.status === 422) return { rejected: errorOf(res.data) };
    if (res.status === 401) return { unauthorized: true };
    if (res.status === 503 && errorOf(res.data).code === "busy") return { busy: true };
    return { reason: `server answered ${res.status}` };
  }

  return async function sendFixes(items) {
    const batch = items.map((item) => item.body);
    const live = stream();
    const result = live && live.joined() ? await bySocket(batch) : await byHttp(batch);
    if (result.ok) {
      health.sent();
      health.ok();
      return "done";
    }
    if (result.rejected) {
      // Retrying a fix the server refused will not help; an unindexed refusal drops the batch.
      const match = /^(\d+)\./.exec(result.rejected.field || "");
      const bad = match ? [items[Number(match[1])]].filter(Boolean) : items;
      health.refused(result.rejected.message || "a position was refused");
      health.ok(); // the server answered; only that fix was bad
      return { settled: bad.map((item) => item.id) };
    }
    if (result.busy) {
      // The server is behind and asked for them later: not a failure of this phone's link,
      // and no reason to wait longer each time (Retry-After, fieldops.tracking.brake).
      return { pause: BUSY_PAUSE_MS };
    }
    if (result.unauthorized) {
      verify();
      return "retry";
    }
    health.failed(result.reason || "sending failed");
    return "retry";
  };
}
