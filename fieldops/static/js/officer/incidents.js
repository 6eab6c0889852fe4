// My incidents: those the officer reported or was sent to (the stream model's, from the join
// snapshot and the `incident` envelopes), plus the reports still waiting in the outbox
// ("Queued — will send"). Also what the dispatch sheet reads.

import { formatClock } from "../shared/format.js";
import { el } from "../shared/html.js";
import { SEVERITY_LABELS, STATUS_LABELS, TYPE_LABELS, typeLabel } from "../shared/vocabulary.js";
import { $ } from "./dom.js";
import { typeIcon } from "./maps.js";

const FINAL = new Set(["resolved", "cancelled"]);

export function createIncidents({ model, officerId, reports, onChange, onOpen }) {

  function myAssignment(incident) {
    const me = officerId();
    return (incident.assignments || []).find((a) => a.officer_id === me) || null;
  }

  function isActiveFor(incident) {
    const mine = myAssignment(incident);
    return Boolean(mine && mine.status !== "released" && !FINAL.has(incident.status));
  }

  /** The model has a new copy (an envelope, or an answer applied as one): show it, and tell
   * the dispatch sheet; `dispatch` is the envelope's cue that I was just sent to it. */
  function changed(id, dispatch = false) {
    const incident = model.get("incidents", id);
    if (incident) onChange(incident, dispatch);
    render();
  }

  /** A server's answer (a report, a step) carries the incident whole, like an envelope. */
  function upsert(incident) {
    model.apply({ type: "incident", data: incident });
    changed(incident.id);
  }

  // --- the list -------------------------------------------------------------------------
  function rows() {
    const waitingReports = reports();
    const byClient = new Map(waitingReports.map((r) => [r.id, r]));
    const listed = model.all("incidents").sort((a, b) => {
      const active = Number(isActiveFor(b)) - Number(isActiveFor(a));
      return active || (a.received_at < b.received_at ? 1 : -1);
    });
    const sentIds = new Set(listed.map((i) => i.client_id));
    const waiting = waitingReports.filter((r) => !r.incidentId && !sentIds.has(r.id)).reverse();
    return [
      ...waiting.map((report) => ({ report, incident: null })),
      ...listed.map((incident) => ({ report: byClient.get(incident.client_id) || null, incident })),
    ];
  }

  function deliveryText(report) {
    if (!report) return null;
    if (report.error) return { state: "failed", text: `Not accepted: ${report.error}` };
    if (!report.incidentId) return { state: "queued", text: "Queued — will send" };
    const total = report.photoKeys.length;
    if (total && (report.photosDone || 0) < total) return { state: "sent", text: `Sent ✓ · photos ${report.photosDone || 0}/${total} uploading` };
    return { state: "sent", text: report.photoError ? "Sent ✓ · a photo was refused" : "Sent ✓" };
  }

  function row({ report, incident }) {
    const data = incident || report.body;
    const delivery = deliveryText(report);
    const active = incident && isActiveFor(incident);
    const status = incident ? STATUS_LABELS[incident.status] || incident.status : "Not sent yet";
    const item = el(
      "li",
      {
        class: "incident-row",
        "data-testid": "my-incident",
        "data-client-id": data.client_id,
        "data-status": incident ? incident.status : "queued",
        "data-delivery": delivery ? delivery.state : null,
        "data-active": active ? "true" : null,
      },
      typeIcon(data.type, Boolean(TYPE_LABELS[data.type])),
      el(
        "div",
        { class: "incident-main" },
        el("p", { class: "incident-what" }, typeLabel(data.type), " ", el("span", { class: `sev sev-${data.severity}`, text: SEVERITY_LABELS[data.severity] })),
        incident && incident.place ? el("p", { class: "incident-place", "data-testid": "my-incident-place", text: incident.place }) : null,
        el("p", { class: "incident-status", "data-testid": "my-incident-status", text: `${status} · ${formatClock(data.reported_at)}` }),
        delivery ? el("p", { class: "incident-delivery", "data-testid": "my-incident-delivery", text: delivery.text }) : null,
      ),
    );
    if (active) item.append(el("button", { type: "button", class: "btn btn-open", "data-open-dispatch": incident.id, text: "Open" }));
    return item;
  }

  function render() {
    if (!officerId()) return;
    const all = rows();
    $("my-incidents-list").replaceChildren(...all.map(row));
    $("my-incidents-empty").hidden = all.length > 0;
  }

  $("my-incidents-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-open-dispatch]");
    if (button) onOpen(Number(button.dataset.openDispatch));
  });

  return {
    get: (id) => model.get("incidents", id),
    all: () => model.all("incidents"),
    changed,
    upsert,
    myAssignment,
    isActiveFor,
    render,
  };
}
