// The incidents of the event on screen, by id. REST answers and `incident` envelopes both
// land here; an older copy (by updated_at) never replaces a newer one, whichever came last.

import { OPEN_STATUSES, SEVERITIES, parseTime } from "./looks.js";

export function isOpen(incident) {
  return OPEN_STATUSES.includes(incident.status);
}

export function compareIncidents(a, b) {
  const bySeverity = SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  return bySeverity || parseTime(a.received_at) - parseTime(b.received_at) || a.id - b.id;
}

export function createIncidentStore() {
  const incidents = new Map();
  const listeners = new Set();

  function notify(incident) {
    for (const listener of listeners) listener(incident);
  }

  function upsert(incident) {
    const known = incidents.get(incident.id);
    if (known && parseTime(known.updated_at) > parseTime(incident.updated_at)) return known;
    if (known && JSON.stringify(known) === JSON.stringify(incident)) return known; // no news
    incidents.set(incident.id, incident);
    notify(incident);
    return incident;
  }

  return {
    get: (id) => incidents.get(id) || null,
    all: () => [...incidents.values()],
    upsert,
    clear() {
      incidents.clear();
      notify(null);
    },
    subscribe(listener) {
      listeners.add(listener);
    },
  };
}
