// shared/format.js: the clocks the desk and the phone show, in 24 h, from an ISO time or ms.
// Run in UTC and en_US (tests/test_vocabulary.py) so the expected strings are the same everywhere.
import assert from "node:assert/strict";
import { test } from "node:test";

const { formatClock } = await import("../../fieldops/static/js/shared/format.js");
const desk = await import("../../fieldops/static/js/command/format.js");

test("the phone's clock: hours and minutes", () => {
  assert.equal(formatClock("2026-12-06T21:05:09.250Z"), "21:05");
  assert.equal(formatClock("2026-12-06T00:07:00Z"), "00:07");
});

test("the desk's clock: seconds too, from an ISO time or from ms", () => {
  assert.equal(formatClock("2026-12-06T21:05:09.250Z", { seconds: true }), "21:05:09");
  assert.equal(desk.formatClock(Date.parse("2026-12-06T09:00:01Z")), "09:00:01");
  assert.equal(desk.formatClock(Date.parse("2026-12-06T23:59:59.999Z")), "23:59:59");
});

test("no time, or one that does not parse, no clock", () => {
  assert.equal(formatClock(null), "");
  assert.equal(formatClock(undefined, { seconds: true }), "");
  assert.equal(formatClock("not a time"), "");
});
