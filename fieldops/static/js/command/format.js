// Small text helpers for the command page: escaping, "ago", clock and date strings.

export const $ = (selector, root = document) => root.querySelector(selector);

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Only touch the DOM when the text changes: most once-a-second refreshes change nothing.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function formatAgo(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

export function formatClock(ms) {
  return new Date(ms).toLocaleTimeString([], {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
}

export function formatDate(iso) {
  return new Date(iso).toLocaleDateString([], { month: "short", day: "numeric" });
}

export function parseTime(iso) {
  return iso ? Date.parse(iso) : null;
}
