// shared/outbox.js with no IndexedDB (memory only): lanes in order, the outcome rules, batches,
// a lane that retries does not hold up another, kept done items, replacing the newest waiting.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.navigator = { onLine: true };
globalThis.window = globalThis;
globalThis.addEventListener = () => {};
const { createOutbox, outcome } = await import("../../fieldops/static/js/shared/outbox.js");

import { after } from "node:test";

const noDatabase = Promise.reject(new Error("no IndexedDB"));
noDatabase.catch(() => {});
let channels = 0;
const boxes = [];
after(() => boxes.forEach((box) => box.close()));

function make(lanes) {
  const box = createOutbox({ database: noDatabase, channel: `test-${(channels += 1)}`, lanes });
  boxes.push(box);
  return box;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

test("outcome: done on 2xx, retry on 5xx, 429, 401 and no network, drop on other 4xx", () => {
  assert.equal(outcome({ ok: true, status: 201 }), "done");
  for (const status of [500, 503, 429, 401, 0]) assert.equal(outcome({ ok: false, status }), "retry");
  for (const status of [400, 403, 404, 409, 422]) assert.equal(outcome({ ok: false, status }), "drop");
});

test("items go in order; a retry stops the lane and keeps the item", async () => {
  const sent = [];
  let answer = "retry";
  const box = make({ a: { send: (item) => (sent.push(item.n), answer), retryMs: 0 } });
  box.add({ lane: "a", n: 1 });
  box.add({ lane: "a", n: 2 });
  await settle();
  assert.deepEqual(sent.slice(0, 1), [1]);
  assert.equal(box.unsent(), 2);
  answer = "done";
  await box.drain({ now: true });
  assert.equal(box.unsent(), 0);
  assert.deepEqual(sent.slice(-2), [1, 2]);
});

test("a lane that retries does not hold up another lane; a sender that throws is a retry", async () => {
  const box = make({ slow: { send: () => { throw new Error("offline"); } }, help: { send: () => "done", keepDone: 5 } });
  box.add({ lane: "slow" });
  box.add({ lane: "help", id: "h1" });
  await settle();
  assert.equal(box.pending("slow").length, 1);
  assert.equal(box.pending("help").length, 0);
  assert.equal(box.items("help")[0].done, true); // kept, to show as sent
});

test("a batch lane sends up to `batch` at once and can settle only some", async () => {
  const batches = [];
  const box = make({ fixes: { batch: 2 } });
  box.add({ lane: "fixes", id: "f1" });
  box.add({ lane: "fixes", id: "f2" });
  box.add({ lane: "fixes", id: "f3" });
  box.handle("fixes", (items) => {
    batches.push(items.map((i) => i.id));
    return batches.length === 1 ? { settled: [items[1].id] } : "done"; // f2 refused for good
  });
  await settle();
  assert.deepEqual(batches, [["f1", "f2"], ["f1", "f3"]]);
  assert.equal(box.unsent(), 0);
});

test("the same client id is queued once; replaces drops the newest waiting item", async () => {
  const box = make({ shift: {} }); // no sender yet: items wait
  assert.ok(box.add({ lane: "shift", id: "x", kind: "check_in" }));
  assert.equal(box.add({ lane: "shift", id: "x", kind: "check_in" }), null);
  box.add({ lane: "shift", kind: "status", body: "on_post" });
  box.add({ lane: "shift", kind: "status", body: "on_break" }, { replaces: (last) => last.kind === "status" });
  assert.deepEqual(box.pending("shift").map((i) => i.body || i.kind), ["check_in", "on_break"]);
  const sent = [];
  box.handle("shift", (item) => (sent.push(item.kind), "drop"));
  await settle();
  assert.deepEqual(sent, ["check_in", "status"]);
});

test("max keeps only the newest waiting items", () => {
  const box = make({ fixes: { max: 2 } });
  for (const id of ["a", "b", "c"]) box.add({ lane: "fixes", id });
  assert.deepEqual(box.pending("fixes").map((i) => i.id), ["b", "c"]);
});

/** A store whose reads answer late: getAll returns what was stored when it was asked. */
function slowDatabase() {
  const rows = new Map();
  const db = {
    transaction() {
      const tx = {};
      tx.objectStore = () => ({
        getAll() {
          const req = { result: [...rows.values()] };
          setTimeout(() => tx.oncomplete && tx.oncomplete(), 20);
          return req;
        },
        put(value) {
          rows.set(value.id, structuredClone(value));
          setTimeout(() => tx.oncomplete && tx.oncomplete(), 0);
          return { result: value.id };
        },
        delete(id) {
          rows.delete(id);
          setTimeout(() => tx.oncomplete && tx.oncomplete(), 0);
          return {};
        },
      });
      return tx;
    },
  };
  return Promise.resolve(db);
}

test("an item added while the outbox first reads its store is kept (a help press as the page opens)", async () => {
  const box = createOutbox({ database: slowDatabase(), channel: `test-${(channels += 1)}`, lanes: { help: { send: () => "retry", retryMs: 60_000 } } });
  boxes.push(box);
  box.add({ id: "press-1", lane: "help" }); // before `ready`: the first read is still out
  await box.ready;
  assert.deepEqual(box.items("help").map((i) => i.id), ["press-1"]);
});

test("a pause asked for by the server is waited out about as long, and does not back off", async () => {
  const sent = [];
  let answer = { pause: 40 };
  const box = make({ fixes: { batch: 10, backoff: true, retryMs: 60_000, send: (batch) => (sent.push(Date.now()), answer) } });
  box.add({ lane: "fixes", n: 1 });
  await settle();
  assert.equal(sent.length, 1);
  await box.drain(); // too soon: the pause is not over
  assert.equal(sent.length, 1);
  while (Date.now() - sent[0] < 50) await settle();
  answer = "done";
  await box.drain(); // 40 ms at most 1¼: over, and no 60 s backoff after it
  assert.equal(sent.length, 2);
  assert.equal(box.unsent(), 0);
});
