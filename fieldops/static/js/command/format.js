// Small text helpers for the command page: escaping, "ago", clock and date strings.

import { formatAge } from "../shared/format.js";

export { escapeHtml } from "../shared/html.js";
export { formatSecondsClock as formatClock, parseTime } from "../shared/format.js";

export const $ = (selector, root = document) => root.querySelector(selector);

// Only touch the DOM when the text changes: most once-a-second refreshes change nothing.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** "40 s ago", "3 min ago", "1 h 05 min ago" (shared/format.js says the age). */
export function formatAgo(seconds) {
  return `${formatAge(seconds * 1000)} ago`;
}

export function formatDate(iso) {
  return new Date(iso).toLocaleDateString([], { month: "short", day: "numeric" });
}
