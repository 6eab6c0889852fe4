// How incidents and alarms look: words, colours and icons shared by the queue, the map,
// the detail panel and the alarm bar. Severity is told by colour and by its word.

import {
  ALERT_LABELS, DISPOSITION_LABELS, INCIDENT_TYPES, OPEN_STATUSES, SEVERITY_ORDER, STATUS_LABELS,
} from "../shared/vocabulary.js";

export const SEVERITY_COLOR = {
  critical: "#ff2340",
  high: "#ff8a1f",
  medium: "#ffd60a",
  low: "#c9d2db",
};

// The words come from the server's enums (shared/vocabulary.js); the desk's own shape of them:
export const SEVERITIES = SEVERITY_ORDER;
export const TYPES = Object.fromEntries(INCIDENT_TYPES.map((t) => [
  t.value, { label: t.short || t.label, severity: t.severity, fromHelpButton: t.from_help_button, school: t.school },
]));
export { OPEN_STATUSES };
export const STATUS_LABEL = STATUS_LABELS;
export const DISPOSITIONS = DISPOSITION_LABELS;
export const ALERT_LABEL = ALERT_LABELS;

// 24x24 icons, drawn in the marker's dark ink on the severity colour.
const ICON_PATHS = {
  medical: '<path d="M9.5 3h5v6.5H21v5h-6.5V21h-5v-6.5H3v-5h6.5z"/>',
  crowd: '<circle cx="6" cy="8" r="2.6"/><circle cx="12" cy="6.5" r="2.8"/><circle cx="18" cy="8" r="2.6"/>' +
    '<path d="M2 19c0-4 2-6.5 4-6.5s4 2.5 4 6.5zM8 19c0-5 2-7.5 4-7.5s4 2.5 4 7.5zM14 19c0-4 2-6.5 4-6.5s4 2.5 4 6.5z"/>',
  traffic: '<path d="M10 3h4l5.5 16H4.5z"/><rect x="2.5" y="19" width="19" height="2.5" rx="1"/>',
  suspicious: '<path d="M1.5 12C4 7 8 5 12 5s8 2 10.5 7c-2.5 5-6.5 7-10.5 7s-8-2-10.5-7z"/>' +
    '<circle cx="12" cy="12" r="3.6" fill="#fff"/><circle cx="12" cy="12" r="1.8"/>',
  fight: '<path d="M14 1.5 4 13.5h6.5L8.5 22.5l11-13h-7z"/>',
  lost_person: '<circle cx="9" cy="5" r="3"/><path d="M4.5 22v-8.5c0-3 2-4.5 4.5-4.5s4.5 1.5 4.5 4.5V22z"/>' +
    '<path d="M15.5 6.5c0-2 1.5-3.5 3.5-3.5s3.5 1.4 3.5 3.4c0 2.7-3 2.6-3 5.1h-2c0-3.4 3-3.4 3-5.1 0-.8-.6-1.4-1.5-1.4s-1.5.7-1.5 1.5z"/>' +
    '<circle cx="19.5" cy="14.5" r="1.5"/>',
  hazard: '<path d="M12 2 23 21.5H1z"/><path d="M11 8.5h2l-.4 7h-1.2z" fill="#fff"/><circle cx="12" cy="18" r="1.2" fill="#fff"/>',
  officer_help: '<path d="M12 1.5 21 5v6.5c0 5.6-3.9 9.6-9 11-5.1-1.4-9-5.4-9-11V5z"/>' +
    '<path d="M10.8 5.5h2.4l-.4 8.5h-1.6z" fill="#fff"/><circle cx="12" cy="17" r="1.4" fill="#fff"/>',
  other: '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="7.5" r="1.5" fill="#fff"/><path d="M10.8 10.5h2.4V18h-2.4z" fill="#fff"/>',
};

export function typeIcon(type, size = 24) {
  const paths = ICON_PATHS[type] || ICON_PATHS.other;
  return `<svg viewBox="0 0 24 24" width="${size}" height="${size}" fill="#0b0e11" aria-hidden="true" focusable="false">${paths}</svg>`;
}

export function typeLabel(type) {
  return TYPES[type]?.label || type;
}

export { escapeHtml } from "../shared/html.js";
export { formatAge, formatDistance, formatSecondsClock as formatClock, parseTime } from "../shared/format.js";

