// The words for the server's enums (incident types, severities, statuses, alert kinds,
// officer statuses), as the server renders them into the page config from its own enums
// (fieldops/vocabulary.py): defined once, the same on every page.

function pageVocabulary() {
  const node = document.querySelector("script[data-page-config]");
  try {
    return (node && JSON.parse(node.textContent).vocabulary) || {};
  } catch (_err) {
    return {};
  }
}

const raw = pageVocabulary();
const list = (name) => (Array.isArray(raw[name]) ? raw[name] : []);
const labels = (name) => Object.fromEntries(list(name).map((item) => [item.value, item.label]));

/** [{value, label, short, severity, from_help_button}] in the server's order. */
export const INCIDENT_TYPES = list("incident_types");
/** Most serious first. */
export const SEVERITY_ORDER = list("severities").map((item) => item.value);
export const TYPE_LABELS = labels("incident_types");
export const TYPE_SHORT_LABELS = Object.fromEntries(INCIDENT_TYPES.map((t) => [t.value, t.short || t.label]));
export const DEFAULT_SEVERITY = Object.fromEntries(INCIDENT_TYPES.map((t) => [t.value, t.severity]));
export const SEVERITY_LABELS = labels("severities");
export const STATUS_LABELS = labels("incident_statuses");
export const OPEN_STATUSES = list("incident_statuses").filter((s) => s.open).map((s) => s.value);
export const ASSIGNMENT_LABELS = labels("assignment_statuses");
export const DISPOSITION_LABELS = labels("dispositions");
export const ALERT_LABELS = labels("alert_kinds");
export const OFFICER_STATUS_LABELS = labels("officer_statuses");
// Lost and found, lost persons (issue 9).
export const ITEM_CATEGORY_LABELS = labels("item_categories");
export const ITEM_STATUS_LABELS = labels("item_statuses");
export const LOST_REPORT_STATUS_LABELS = labels("lost_report_statuses");
/** [{value, label}]: how an owner's identity was checked, for the release form. */
export const IDENTITY_METHODS = list("identity_methods");
export const LOST_PERSON_STATUS_LABELS = labels("lost_person_statuses");

export function typeLabel(type) {
  return TYPE_LABELS[type] || type;
}

// School drills (issue 11): the Standard Response Protocol's actions with their directives,
// the hazards a Shelter names with its strategy, and the problems an area can report.
/** [{value, label, words}] */
export const DRILL_ACTIONS = list("drill_actions");
/** [{value, label, strategy}] */
export const DRILL_HAZARDS = list("drill_hazards");
/** [{value, label}] */
export const DRILL_PROBLEMS = list("drill_problems");
export const DRILL_PROBLEM_LABELS = labels("drill_problems");
