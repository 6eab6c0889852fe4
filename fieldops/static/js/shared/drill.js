// What both pages say about a drill: its state per area and how long it has run. (The
// directive itself comes with the drill, `words`, so every screen shows the same.)

import { parseTime } from "./format.js";

/** The counts an area's report carries, with their labels: [[key, label]]. */
export const DRILL_COUNTS = [["accounted", "Accounted for"], ["missing", "Missing"], ["extra", "Extra"], ["injured", "Injured"]];

export const AREA_STATE_LABELS = {
  not_reported: "Not reported",
  secured: "Secured",
  evacuated: "Evacuated",
  problem: "Problem",
};

/** "4:07" (minutes:seconds), or "1:02:07" past an hour. */
export function clockSpan(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** How long since the alarm sounded (to the all clear, once given). */
export function drillElapsed(drill, nowMs) {
  const end = drill.concluded_at ? parseTime(drill.concluded_at) : nowMs;
  return clockSpan(end - parseTime(drill.started_at));
}

/** "3 of 5 areas reported". */
export function reportedCount(drill) {
  const reported = drill.areas.filter((a) => a.state !== "not_reported").length;
  return `${reported} of ${drill.areas.length} areas reported`;
}

export const openDrill = (drills) => drills.find((d) => d.open) || null;
