// officer/sending.js: how a phone takes the server's answers to its fixes. A server that is
// behind (503/ack `busy`) gets them again later, and the phone's link is not called failing.
import assert from "node:assert/strict";
import { test } from "node:test";

const { BUSY_PAUSE_MS, createFixSender, createLinkHealth } = await import("../../fieldops/static/js/officer/sending.js");

const items = [{ id: 1, body: { lat: 40.6, lon: -74 } }];

function sender({ ack, http }) {
  const health = createLinkHealth();
  const live = { joined: () => ack !== undefined, send: async () => ({ ack }), rejoin: () => {} };
  const send = createFixSender({
    stream: () => live,
    request: async () => http,
    eventPath: (path) => `/api/v1/events/1/${path}`,
    health,
    verify: () => {},
  });
  return { send, health };
}

test("a busy server over the socket: send again after its pause, the link is fine", async () => {
  const { send, health } = sender({ ack: { ok: false, error: { code: "busy", message: "busy" } } });
  assert.deepEqual(await send(items), { pause: BUSY_PAUSE_MS });
  assert.equal(health.get().failures, 0);
});

test("a busy server over HTTP: the same", async () => {
  const { send, health } = sender({ http: { status: 503, data: { error: { code: "busy" } } } });
  assert.deepEqual(await send(items), { pause: BUSY_PAUSE_MS });
  assert.equal(health.get().failures, 0);
});

test("a fix that was not stored is a failure of the link, sent again", async () => {
  const { send, health } = sender({ http: { status: 503, data: { error: { code: "not_stored" } } } });
  assert.equal(await send(items), "retry");
  assert.equal(health.get().failures, 1);
});

test("a stored fix is done", async () => {
  const { send, health } = sender({ ack: { ok: true, accepted: 1 } });
  assert.equal(await send(items), "done");
  assert.ok(health.get().lastSentAt > 0);
});
