// A dispatch takes the whole screen: what, how serious, where (map, straight line from
// here, distance), with sound and vibration, and one big button for the next step:
// Acknowledge → En route → On scene → Resolve (with a disposition).
//
// Each step waits in the outbox's `steps` lane until the server has it; the officer's latest
// position goes with it. Minimized, the assignment stays on the main screen as a banner.

import { distanceM, formatClock, roughDistance } from "../shared/format.js";
import { outcome } from "../shared/outbox.js";
import { SEVERITY_LABELS, STATUS_LABELS, TYPE_LABELS } from "../shared/vocabulary.js";
import { $, online } from "./dom.js";
import { meMarker, navigateUrl, pinIcon, typeIcon } from "./maps.js";

const ORDER = ["dispatched", "acknowledged", "en_route", "on_scene"];
const NEXT = {
  dispatched: { status: "acknowledged", label: "Acknowledge" },
  acknowledged: { status: "en_route", label: "En route" },
  en_route: { status: "on_scene", label: "On scene" },
  on_scene: { status: "resolve", label: "Resolve" },
};
const STEP_DONE = { acknowledged: "Acknowledged", en_route: "En route", on_scene: "On scene" };
const ALARM_EVERY_MS = 5000;
const ALARM_TIMES = 6;

export function createDispatch({ incidents, outbox, request, freshPosition, lastFix, maps, alarm }) {
  const view = { id: null, open: false, choosing: false, map: null, alarmTimer: null };

  // --- sending the officer's steps ---------------------------------------------------------
  async function sendStep(item) {
    const body = { ...item.body, ...freshPosition() };
    const path = item.body.to ? "transitions" : "respond";
    const res = await request("POST", `/api/v1/incidents/${item.incidentId}/${path}`, body);
    if (outcome(res) === "retry") {
      render();
      return "retry";
    }
    // 409: the server is already there (a repeat after a lost answer) or past it.
    const refused = !res.ok && res.status !== 409;
    outbox.update(item.id, { error: refused ? errorText(res) : null });
    if (res.ok) incidents.upsert(res.data);
    else refreshIncident(item.incidentId);
    render();
    return "done";
  }

  function errorText(res) {
    const error = (res.data && res.data.error) || {};
    return error.message || `refused (${res.status})`;
  }

  async function refreshIncident(id) {
    try {
      const res = await request("GET", `/api/v1/incidents/${id}`);
      if (res.ok) incidents.upsert(res.data);
    } catch (_err) {
      /* the next envelope or join brings it */
    }
  }

  function pendingSteps(id) {
    return outbox.pending("steps").filter((item) => item.incidentId === id);
  }

  /** The server's status for my assignment, moved on by the steps still waiting to go. */
  function shownStatus(incident) {
    const mine = incidents.myAssignment(incident);
    let status = mine ? mine.status : null;
    for (const item of pendingSteps(incident.id)) {
      if (item.body.to === "resolved") status = "resolving";
      else if (ORDER.indexOf(item.body.status) > ORDER.indexOf(status)) status = item.body.status;
    }
    return status;
  }

  function queueStep(body) {
    outbox.add({ lane: "steps", incidentId: view.id, body, at: new Date().toISOString() });
    stopAlarm();
    render();
  }

  function onAction() {
    const incident = incidents.get(view.id);
    const next = incident && NEXT[shownStatus(incident)];
    if (!next) return;
    if (next.status === "resolve") {
      view.choosing = true;
      render();
      return;
    }
    queueStep({ status: next.status });
  }

  function onDisposition(event) {
    const button = event.target.closest("[data-disposition]");
    if (!button) return;
    view.choosing = false;
    queueStep({ to: "resolved", disposition: button.dataset.disposition });
  }

  // --- alarm ----------------------------------------------------------------------------------
  function startAlarm() {
    stopAlarm();
    let times = 0;
    alarm.beep(5);
    view.alarmTimer = setInterval(() => {
      times += 1;
      if (times >= ALARM_TIMES) return stopAlarm();
      alarm.beep(3);
    }, ALARM_EVERY_MS);
  }

  function stopAlarm() {
    if (view.alarmTimer) clearInterval(view.alarmTimer);
    view.alarmTimer = null;
  }

  // --- open, minimize ---------------------------------------------------------------------
  function open(id, alarm) {
    view.id = id;
    view.open = true;
    view.choosing = false;
    $("dispatch-sheet").hidden = false;
    document.body.classList.add("sheet-open");
    if (alarm) startAlarm();
    render();
    $("dispatch-heading").focus({ preventScroll: true });
  }

  function minimize() {
    view.open = false;
    stopAlarm();
    $("dispatch-sheet").hidden = true;
    document.body.classList.remove("sheet-open");
    render();
  }

  function onIncident(incident, dispatch) {
    const mine = incidents.myAssignment(incident);
    const unanswered = incidents.isActiveFor(incident) && mine.status === "dispatched" && !pendingSteps(incident.id).length;
    // A dispatch missed while away (found on load) opens too, unless it was minimized.
    if (unanswered && (dispatch || (!view.open && view.id !== incident.id))) open(incident.id, true);
    else render();
  }

  // --- render ---------------------------------------------------------------------------------
  function activeIncident() {
    const shown = view.id && incidents.get(view.id);
    if (shown && incidents.isActiveFor(shown)) return shown;
    return incidents.all().find((incident) => incidents.isActiveFor(incident)) || null;
  }

  function distanceTo(incident) {
    const fix = lastFix();
    return fix ? distanceM(fix, incident) : null;
  }

  function render() {
    renderBanner();
    if (!view.open) return;
    const incident = incidents.get(view.id);
    if (!incident) return;
    const status = shownStatus(incident);
    const final = ["resolved", "cancelled"].includes(incident.status) || status === "released";
    $("dispatch-sheet").dataset.severity = incident.severity;
    const help = incident.type === "officer_help";
    $("dispatch-heading").textContent = help ? "OFFICER NEEDS HELP" : "DISPATCH";
    $("dispatch-type-icon").replaceChildren(typeIcon(incident.type, Boolean(TYPE_LABELS[incident.type])));
    const who = help && incident.reported_by ? `: ${incident.reported_by.name}${incident.reported_by.badge ? ` #${incident.reported_by.badge}` : ""}` : "";
    $("dispatch-type").textContent = `${TYPE_LABELS[incident.type] || incident.type}${who}`;
    $("dispatch-place").textContent = incident.place || "";
    const navigate = $("dispatch-navigate");
    navigate.href = navigateUrl(incident.lat, incident.lon, incident.place || TYPE_LABELS[incident.type]);
    navigate.hidden = final;
    const severity = $("dispatch-severity");
    severity.className = `sev sev-${incident.severity}`;
    severity.textContent = SEVERITY_LABELS[incident.severity];
    $("dispatch-note").textContent = incident.note || "";
    $("dispatch-note").hidden = !incident.note;
    const distance = distanceTo(incident);
    $("dispatch-distance").textContent = distance === null ? "Distance: waiting for your GPS" : `${roughDistance(distance)} from you`;
    $("dispatch-reported").textContent = `Reported ${formatClock(incident.reported_at)}${incident.reported_by ? ` by ${incident.reported_by.name}` : ""}`;
    renderSteps(status);
    $("dispatch-steps").hidden = final;
    renderAction(incident, status, final);
    renderMap(incident);
  }

  function renderSteps(status) {
    for (const node of document.querySelectorAll("[data-step-done]")) {
      const reached = status === "resolving" || ORDER.indexOf(status) >= ORDER.indexOf(node.dataset.stepDone);
      node.dataset.reached = String(reached);
      node.textContent = `${reached ? "✓ " : ""}${STEP_DONE[node.dataset.stepDone]}`;
    }
  }

  function renderAction(incident, status, final) {
    const action = $("dispatch-action");
    const waiting = pendingSteps(incident.id).length > 0;
    const next = NEXT[status];
    action.hidden = final || view.choosing || !next;
    if (next) {
      action.textContent = next.label;
      action.dataset.next = next.status;
    }
    $("dispatch-dispositions").hidden = final || !view.choosing;
    const errors = outbox.items("steps").filter((item) => item.incidentId === incident.id && item.error);
    let note = "";
    if (waiting) note = online() ? "Sending…" : "No signal — saved, will send";
    else if (errors.length) note = `Not accepted: ${errors[errors.length - 1].error}`;
    if (final) note = incident.status === "resolved" ? "Resolved ✓ — thank you" : "Cancelled by command";
    $("dispatch-progress").textContent = note;
    $("dispatch-close").hidden = !final;
    $("dispatch-minimize").hidden = final;
  }

  function renderMap(incident) {
    if (!maps.ready()) return;
    if (!view.map) {
      const map = maps.smallMap("dispatch-map");
      view.map = { map, pin: window.L.marker([incident.lat, incident.lon], { icon: pinIcon(incident.severity), interactive: false }).addTo(map), me: null, line: null };
    }
    const { map, pin } = view.map;
    pin.setLatLng([incident.lat, incident.lon]).setIcon(pinIcon(incident.severity));
    const fix = lastFix();
    const points = [[incident.lat, incident.lon]];
    if (fix) {
      const here = [fix.lat, fix.lon];
      if (!view.map.me) {
        view.map.me = meMarker(here).addTo(map);
        view.map.line = window.L.polyline([here, points[0]], { color: "#000", weight: 5, dashArray: "10 8", interactive: false, className: "route-line" }).addTo(map);
      }
      view.map.me.setLatLng(here);
      view.map.line.setLatLngs([here, points[0]]);
      points.push(here);
    }
    map.invalidateSize();
    map.fitBounds(window.L.latLngBounds(points).pad(0.3), { maxZoom: 17, animate: false });
  }

  function renderBanner() {
    const incident = activeIncident();
    const banner = $("assignment-banner");
    banner.hidden = !incident || view.open;
    if (!incident) return;
    const distance = distanceTo(incident);
    const status = shownStatus(incident);
    const parts = [TYPE_LABELS[incident.type], SEVERITY_LABELS[incident.severity], incident.place || null, distance === null ? null : `${roughDistance(distance)} from you`, STATUS_LABELS[status] || "Resolving"];
    $("assignment-text").textContent = parts.filter(Boolean).join(" · ");
    $("assignment-open").dataset.id = incident.id;
  }

  function closeFinished() {
    minimize();
    view.id = null;
    render();
  }

  $("dispatch-action").addEventListener("click", onAction);
  $("dispatch-dispositions").addEventListener("click", onDisposition);
  $("dispatch-minimize").addEventListener("click", minimize);
  $("dispatch-close").addEventListener("click", closeFinished);
  $("assignment-open").addEventListener("click", (event) => open(Number(event.currentTarget.dataset.id), false));

  return {
    send: sendStep,
    open: (id) => open(id, false),
    onIncident,
    render,
    reset() {
      minimize();
      view.id = null;
    },
  };
}
