// streams/model.js: the merge rules for pushes of concurrent writes that arrive crossed.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createStreamModel, timeMs } from "../../fieldops/static/js/streams/model.js";

const message = (recipients) => ({ id: 1, event_id: 7, text: "hi", sent_at: "2026-12-01T10:00:00Z", recipients });

test("a message keeps every acknowledgement either copy knows of", () => {
  const model = createStreamModel("command");
  model.applySnapshot({ messages: [] });
  const both = message([{ officer_id: 1, acknowledged_at: "2026-12-01T10:01:00Z" }, { officer_id: 2, acknowledged_at: "2026-12-01T10:02:00Z" }]);
  const onlyFirst = message([{ officer_id: 1, acknowledged_at: "2026-12-01T10:01:00Z" }, { officer_id: 2, acknowledged_at: null }]);
  model.apply({ type: "message", seq: 1, data: both });
  model.apply({ type: "message", seq: 2, data: onlyFirst }); // sequenced after, committed before
  assert.deepEqual(model.get("messages", 1).recipients.map((r) => r.acknowledged_at), ["2026-12-01T10:01:00Z", "2026-12-01T10:02:00Z"]);
});

test("an officer's copy of a message stays acknowledged", () => {
  const model = createStreamModel("officer");
  model.applySnapshot({ messages: [] });
  model.apply({ type: "message", seq: 1, data: { id: 3, acknowledged_at: "2026-12-01T10:01:00Z" } });
  model.apply({ type: "message", seq: 2, data: { id: 3, acknowledged_at: null } });
  assert.equal(model.get("messages", 3).acknowledged_at, "2026-12-01T10:01:00Z");
});

test("an older copy never reopens a called-off help call", () => {
  const model = createStreamModel("officer");
  model.applySnapshot({ alerts: [] });
  model.apply({ type: "alert", seq: 1, data: { id: 5, cancelled_at: "2026-12-01T10:05:00Z", acknowledged_at: null } });
  model.apply({ type: "alert", seq: 2, data: { id: 5, cancelled_at: null, acknowledged_at: null } });
  assert.equal(model.get("alerts", 5).cancelled_at, "2026-12-01T10:05:00Z");
});

test("the command stream keeps the messages a fresh snapshot would (its newest kept_messages)", () => {
  const model = createStreamModel("command");
  model.applySnapshot({ messages: [], kept_messages: 2 });
  for (const id of [1, 2, 3]) {
    model.apply({ type: "message", seq: id, data: { id, sent_at: `2026-12-01T10:0${id}:00Z`, recipients: [] } });
  }
  assert.deepEqual(model.all("messages").map((m) => m.id).sort(), [2, 3]);
});

test("timeMs reads every time as Date.parse does, the fast way or not", () => {
  const times = [
    "2026-12-01T22:50:09.123456Z", "2026-12-01T22:50:09.999999Z", "2026-12-01T22:50:09Z",
    "2026-12-01T22:50:09.1Z", "2026-12-01T22:50:10.05Z", "2026-12-01T23:59:59.999Z",
    "2026-12-02T00:00:00.000Z", "2026-12-01T22:50:09.123+00:00", "2026-12-01T22:50:09.123-05:00",
    "2026-12-01T22:50:09", "2026-12-01T22:50:09.Z", "2026-12-01T22:50:09.12aZ",
    "2026-12-01T22:50:09xZ", "2026-13-01T00:00:00.5Z", "2026-12-01T24:00:00Z", "not a time",
  ];
  for (const value of [...times, ...times.reverse()]) { // in both orders: the kept second changes
    const ms = Date.parse(value);
    assert.equal(timeMs(value), Number.isNaN(ms) ? null : ms, value);
  }
  assert.equal(timeMs(null), null);
  assert.equal(timeMs(""), null);
});
