/* My incidents: those the officer reported or was sent to, kept current from `incident`
 * envelopes, plus the reports still waiting in the outbox ("queued — will send").
 *
 * Also the store the dispatch screen reads: FieldopsIncidents.get(id), .mine(incident).
 */
(() => {
  "use strict";

  const K = window.FieldopsKit;
  const O = () => window.FieldopsOfficer;
  const $ = (id) => document.getElementById(id);
  const FINAL = new Set(["resolved", "cancelled"]);
  const incidents = new Map(); // id → incident, as the server last described it

  function myAssignment(incident) {
    const me = O().session() && O().session().officerId;
    return (incident.assignments || []).find((a) => a.officer_id === me) || null;
  }

  function isActiveFor(incident) {
    const mine = myAssignment(incident);
    return Boolean(mine && mine.status !== "released" && !FINAL.has(incident.status));
  }

  /** Keep the newest description; tell the page what changed. */
  function upsert(incident, dispatch = false) {
    const known = incidents.get(incident.id);
    if (known && known.updated_at > incident.updated_at) return;
    incidents.set(incident.id, incident);
    document.dispatchEvent(new CustomEvent("fieldops:incidents", { detail: { incident, dispatch } }));
    render();
  }

  async function load() {
    for (const incident of await K.eventList("incidents")) upsert(incident);
  }


  function onEnvelope(event) {
    const envelope = event.detail;
    if (envelope.type !== "incident") return;
    upsert(envelope.data, envelope.data.dispatch === true);
  }

  // --- the list -------------------------------------------------------------------------
  function rows() {
    const reports = window.FieldopsReports ? FieldopsReports.items() : [];
    const byClient = new Map(reports.map((r) => [r.id, r]));
    const listed = [...incidents.values()].sort((a, b) => {
      const active = Number(isActiveFor(b)) - Number(isActiveFor(a));
      return active || (a.received_at < b.received_at ? 1 : -1);
    });
    const sentIds = new Set(listed.map((i) => i.client_id));
    const waiting = reports.filter((r) => !r.incidentId && !sentIds.has(r.id)).reverse();
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
    if (total && (report.photosDone || 0) < total) {
      return { state: "sent", text: `Sent ✓ · photos ${report.photosDone || 0}/${total} uploading` };
    }
    return { state: "sent", text: report.photoError ? "Sent ✓ · a photo was refused" : "Sent ✓" };
  }

  function row({ report, incident }) {
    const data = incident || report.body;
    const delivery = deliveryText(report);
    const active = incident && isActiveFor(incident);
    const status = incident ? K.STATUSES[incident.status] || incident.status : "Not sent yet";
    const item = K.el(
      "li",
      {
        class: "incident-row",
        "data-testid": "my-incident",
        "data-client-id": data.client_id,
        "data-status": incident ? incident.status : "queued",
        "data-delivery": delivery ? delivery.state : null,
        "data-active": active ? "true" : null,
      },
      K.icon(data.type),
      K.el(
        "div",
        { class: "incident-main" },
        K.el("p", { class: "incident-what" }, K.TYPES[data.type] || data.type, " ", K.el("span", { class: `sev sev-${data.severity}`, text: K.SEVERITIES[data.severity] })),
        incident && incident.place ? K.el("p", { class: "incident-place", "data-testid": "my-incident-place", text: incident.place }) : null,
        K.el("p", { class: "incident-status", "data-testid": "my-incident-status", text: `${status} · ${O().clock(data.reported_at)}` }),
        delivery ? K.el("p", { class: "incident-delivery", "data-testid": "my-incident-delivery", text: delivery.text }) : null,
      ),
    );
    if (active) {
      const open = K.el("button", { type: "button", class: "btn btn-open", "data-open-dispatch": incident.id, text: "Open" });
      item.append(open);
    }
    return item;
  }

  function render() {
    const list = $("my-incidents-list");
    if (!list || !O().session()) return;
    const all = rows();
    list.replaceChildren(...all.map(row));
    $("my-incidents-empty").hidden = all.length > 0;
  }

  function openFromList(event) {
    const button = event.target.closest("[data-open-dispatch]");
    if (!button) return;
    document.dispatchEvent(new CustomEvent("fieldops:open-dispatch", { detail: Number(button.dataset.openDispatch) }));
  }

  function reset() {
    incidents.clear();
    render();
  }

  document.addEventListener("fieldops:main", () => {
    render();
    load();
  });
  document.addEventListener("fieldops:joined", load);
  document.addEventListener("fieldops:envelope", onEnvelope);
  document.addEventListener("fieldops:incident", (event) => upsert(event.detail));
  document.addEventListener("fieldops:reports", render);
  document.addEventListener("fieldops:ended", reset);
  $("my-incidents-list").addEventListener("click", openFromList);

  window.FieldopsIncidents = { get: (id) => incidents.get(id), all: () => [...incidents.values()], upsert, myAssignment, isActiveFor };
})();
