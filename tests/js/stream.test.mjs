// shared/stream.js against a fake socket.io: the seq buffer, late and repeated envelopes, a gap
// that re-joins with `since`, and both kinds of join ack (snapshot, replay).
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.navigator = { onLine: true };
globalThis.window = globalThis;
const { openStream } = await import("../../fieldops/static/js/shared/stream.js");

function fakeIo() {
  const joins = [];
  const handlers = {};
  const socket = {
    connected: false,
    active: true,
    on(name, fn) {
      (handlers[name] ||= []).push(fn);
    },
    onAny() {},
    offAny() {},
    removeAllListeners() {},
    disconnect() {
      socket.connected = false;
      return socket;
    },
    connect() {
      socket.connected = true;
      for (const fn of handlers.connect || []) fn();
      return socket;
    },
    timeout() {
      return { emit: (event, payload, ack) => joins.push({ event, payload, ack }) };
    },
  };
  const push = (type, envelope) => (handlers[type] || []).forEach((fn) => fn(envelope));
  return { io: () => socket, socket, joins, push };
}

function open(fake, options = {}) {
  const seen = { snapshots: [], envelopes: [], states: [] };
  const stream = openStream({
    eventId: 7,
    auth: {},
    types: ["incident"],
    io: fake.io,
    gapGraceMs: 10,
    onSnapshot: (snapshot, seq) => seen.snapshots.push({ snapshot, seq }),
    onEnvelope: (envelope) => seen.envelopes.push(envelope.seq),
    onState: (state) => seen.states.push(state),
    ...options,
  });
  fake.socket.connect();
  return { stream, seen };
}

const env = (seq) => ({ type: "incident", seq, data: { id: seq, event_id: 7 } });

test("envelopes before the ack wait; only those newer than the snapshot are applied", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  assert.deepEqual(fake.joins[0].payload, { event_id: 7 }); // first join: no since
  fake.push("incident", env(5));
  fake.push("incident", env(4)); // covered by the snapshot
  fake.push("incident", env(6));
  assert.deepEqual(seen.envelopes, []);
  fake.joins[0].ack(null, { ok: true, seq: 4, stream: "officer:1", snapshot: { officers: [] } });
  assert.deepEqual(seen.snapshots.map((s) => s.seq), [4]);
  assert.deepEqual(seen.envelopes, [5, 6]);
});

test("late and repeated envelopes are dropped", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 10, snapshot: {} });
  fake.push("incident", env(11));
  fake.push("incident", env(11));
  fake.push("incident", env(9));
  fake.push("incident", env(12));
  assert.deepEqual(seen.envelopes, [11, 12]);
});

test("a gap that does not fill re-joins with since; a replay ack fills it", async () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 1, epoch: "e1", snapshot: {} });
  fake.push("incident", env(4)); // 2 and 3 missing
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fake.joins.length, 2);
  assert.deepEqual(fake.joins[1].payload, { event_id: 7, since: 1, epoch: "e1" });
  fake.joins[1].ack(null, { ok: true, seq: 3, epoch: "e1", replay: [env(3), env(2)] });
  assert.deepEqual(seen.envelopes, [2, 3, 4]);
  assert.equal(seen.snapshots.length, 1); // a replay is not a snapshot
});

test("a gap filled in time by the missing envelope needs no re-join", async () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 1, snapshot: {} });
  fake.push("incident", env(3));
  fake.push("incident", env(2));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fake.joins.length, 1);
  assert.deepEqual(seen.envelopes, [2, 3]);
});

test("a reconnect joins with since and takes a snapshot when the server sends one", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 3, epoch: "e1", snapshot: {} });
  fake.socket.disconnect();
  fake.socket.connect();
  assert.deepEqual(fake.joins[1].payload, { event_id: 7, since: 3, epoch: "e1" });
  fake.joins[1].ack(null, { ok: true, seq: 8, epoch: "e2", snapshot: { officers: [] } });
  fake.push("incident", env(8));
  fake.push("incident", env(9));
  assert.deepEqual(seen.snapshots.map((s) => s.seq), [3, 8]);
  assert.deepEqual(seen.envelopes, [9]);
  assert.deepEqual(seen.states.filter((s) => s === "joined").length, 2);
});

test("a refused join says so and applies nothing", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: false, error: { code: "forbidden" } });
  fake.push("incident", env(1));
  assert.deepEqual(seen.envelopes, []);
  assert.ok(seen.states.includes("refused"));
});

test("without an epoch from the server a rejoin asks for a snapshot (no since)", () => {
  const fake = fakeIo();
  open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 3, snapshot: {} });
  fake.socket.disconnect();
  fake.socket.connect();
  assert.deepEqual(fake.joins[1].payload, { event_id: 7 });
});

test("another event's envelopes are ignored", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 0, snapshot: {} });
  fake.push("incident", { type: "incident", seq: 1, data: { id: 1, event_id: 99 } });
  assert.deepEqual(seen.envelopes, []);
});

test("another event's envelopes on an officer's stream count in its seq: no gap, no rejoin", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 0, snapshot: {}, epoch: "e1" });
  fake.push("incident", { type: "incident", seq: 1, data: { id: 1, event_id: 99 } });
  fake.push("incident", env(2));
  assert.deepEqual(seen.envelopes, [2]);
  assert.equal(fake.joins.length, 1); // no rejoin for a gap that was not one
});

test("a replay applies only this event's envelopes", () => {
  const fake = fakeIo();
  const { seen } = open(fake);
  fake.joins[0].ack(null, { ok: true, seq: 1, snapshot: {}, epoch: "e1" });
  fake.socket.disconnect();
  fake.socket.connect();
  const other = { type: "incident", seq: 2, data: { id: 2, event_id: 99 } };
  fake.joins[1].ack(null, { ok: true, seq: 3, epoch: "e1", replay: [other, env(3)] });
  assert.deepEqual(seen.envelopes, [3]);
});
