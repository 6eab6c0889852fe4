// The incidents of the event on screen: the stream model's incidents (streams/model.js),
// where the join snapshot, `incident` envelopes and REST answers all land by one rule (an
// older copy, by updated_at, never replaces a newer one, whichever came last).

import { OPEN_STATUSES, SEVERITIES, parseTime } from "./looks.js";

export function isOpen(incident) {
  return OPEN_STATUSES.includes(incident.status);
}

export function compareIncidents(a, b) {
  const bySeverity = SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  return bySeverity || parseTime(a.received_at) - parseTime(b.received_at) || a.id - b.id;
}

export function createIncidentStore(model) {
  const listeners = new Set();
  // A listener hears the incident that changed, `undefined` after a snapshot (any may have),
  // or null when the event on screen was left (none is left).
  model.subscribe((change) => {
    if (!change.reset && change.collection !== "incidents") return;
    let news = change.item;
    if (change.reset) news = model.all("incidents").length || model.info().event ? undefined : null;
    for (const listener of listeners) listener(news);
  });

  return {
    get: (id) => model.get("incidents", id),
    all: () => model.all("incidents"),
    upsert(incident) {
      model.apply({ type: "incident", data: incident });
      return model.get("incidents", incident.id);
    },
    subscribe(listener) {
      listeners.add(listener);
    },
  };
}
