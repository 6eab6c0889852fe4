// The incident detail panel: what happened, the actions, who is sent and who could be, the
// photos, the whole timeline (oldest first) and a note box. It re-reads the incident whenever
// the store says it changed, so the timeline never lags the queue.

import { get } from "./api.js";
import { isOpen } from "./store.js";
import {
  DISPOSITIONS, STATUS_LABEL, escapeHtml, formatAge, formatClock, formatDistance, parseTime,
  typeIcon, typeLabel,
} from "./looks.js";

const $ = (selector, root = document) => root.querySelector(selector);

const RESOLVABLE = ["acknowledged", "dispatched", "en_route", "on_scene"];
// A behavioural incident's restorative outcomes: offered at a school only.
const RESTORATIVE = ["mediation", "counsellor_referral", "guardian_contacted", "administration_referral"];
const RESPONSE_TEXT = {
  acknowledged: "Acknowledged the dispatch",
  en_route: "En route",
  on_scene: "On scene",
};

export function createDetail({ store, actions, drawers, serverNow, onOpenChange, locate, canAct, students }) {
  const root = $("#incident-detail");
  let openId = null;
  let full = null; // the incident with its timeline
  let nearest = null;
  let loads = 0;
  let reloadTimer = null;
  let lastHtml = "";

  root.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-action]");
    if (!button || openId == null) return;
    const id = openId;
    const action = button.dataset.action;
    if (action === "close") close();
    else if (action === "locate") locate(store.get(id));
    else if (action === "acknowledge") await actions.acknowledge(id);
    else if (action === "dispatch-nearest") await actions.dispatchNearest(id);
    else if (action === "cancel") await actions.cancel(id);
    else if (action === "resolve") {
      const disposition = $("#resolve-disposition", root).value;
      if (!disposition) {
        $("#resolve-disposition", root).focus();
        return;
      }
      await actions.resolve(id, disposition);
    } else if (action === "send") {
      const officer = { id: Number(button.dataset.officerId), name: button.dataset.officerName };
      button.disabled = true;
      if (!(await actions.dispatchTo(id, officer))) button.disabled = false;
    }
  });
  root.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (e.target.matches(".students-form")) {
      await students.add(e.target);
      return;
    }
    const input = $("#note-text", root);
    const text = input.value.trim();
    if (!text || openId == null) return;
    if (await actions.addNote(openId, text)) {
      input.value = "";
      reload();
    }
  });

  store.subscribe((incident) => {
    if (openId == null) return;
    if (incident === null || !store.get(openId)) close();
    else if (incident === undefined || incident.id === openId) {
      render();
      scheduleReload();
    }
  });

  function open(id) {
    if (!store.get(id)) return;
    const changed = id !== openId;
    openId = id;
    if (changed) {
      full = null;
      nearest = null;
      students.load(store.get(id)); // read (and logged) once per opening
    }
    drawers.open(root);
    onOpenChange(id);
    render();
    reload();
  }

  function close() {
    if (openId == null) return;
    openId = null;
    drawers.close(root);
    onOpenChange(null);
  }

  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(reload, 150);
  }

  async function reload() {
    const id = openId;
    const load = ++loads;
    const incident = store.get(id);
    const [one, near] = await Promise.all([
      get(`/api/v1/incidents/${id}`),
      canAct && incident && isOpen(incident) ? get(`/api/v1/incidents/${id}/nearest`) : null,
    ]);
    if (load !== loads || id !== openId) return; // a newer load is on its way
    if (one.ok) {
      full = one.data;
      const { timeline: _timeline, ...plain } = one.data;
      store.upsert(plain);
    }
    nearest = near?.ok ? near.data : null;
    render();
  }

  function render() {
    const incident = store.get(openId);
    if (!incident) return;
    root.dataset.incidentId = String(incident.id);
    root.dataset.status = incident.status;
    const disposition = $("#resolve-disposition", root)?.value || "";
    // What is typed in the drawer's fields survives a redraw.
    const typed = [...root.querySelectorAll("input[id], textarea[id]")].map((f) => [f.id, f.type === "checkbox" ? f.checked : f.value]);
    const focused = root.contains(document.activeElement) ? document.activeElement.id : "";
    const html = `
      <div class="drawer-head">
        <span class="inc-icon sev-${incident.severity}">${typeIcon(incident.type, 30)}</span>
        <h2 class="drawer-title" data-testid="detail-title">${escapeHtml(typeLabel(incident.type))}
          <span class="sev-word sev-${incident.severity}">${incident.severity.toUpperCase()}</span></h2>
        <button type="button" class="btn drawer-close" data-action="close" data-testid="incident-detail-close" aria-label="Close incident">×</button>
      </div>
      <p class="detail-line"><span class="status-chip st-${incident.status}" data-testid="detail-status">${STATUS_LABEL[incident.status]}</span>
        <span class="muted detail-age"></span></p>
      ${canAct ? actionsHtml(incident, disposition) : ""}
      <dl class="facts">
        <dt>Place</dt><dd><button type="button" class="link place-link" data-action="locate" data-testid="detail-place"
          title="Show on the map (${incident.lat.toFixed(5)}, ${incident.lon.toFixed(5)})">${escapeHtml(incident.place || `${incident.lat.toFixed(5)}, ${incident.lon.toFixed(5)}`)}</button></dd>
        <dt>Reported</dt><dd>${formatClock(incident.received_at)} by ${escapeHtml(incident.reported_by?.name || "unknown")}</dd>
        ${incident.note ? `<dt>Note</dt><dd class="note">${escapeHtml(incident.note)}</dd>` : ""}
        ${incident.involves_students ? `<dt>Students</dt><dd data-testid="detail-students">Involves students</dd>` : ""}
        ${incident.disposition ? `<dt>Outcome</dt><dd>${escapeHtml(DISPOSITIONS[incident.disposition] || incident.disposition)}</dd>` : ""}
      </dl>
      ${assignedHtml(incident)}
      ${canAct && isOpen(incident) ? nearestHtml(nearest) : ""}
      ${photosHtml(incident)}
      ${students.html(incident)}
      <section class="detail-section"><h3>Timeline</h3>${timelineHtml(full)}</section>
      ${canAct ? `<form class="note-form" data-testid="note-form">
        <label for="note-text" class="sr-only">Add a note</label>
        <input id="note-text" type="text" maxlength="2000" placeholder="Add a note…" autocomplete="off" data-testid="note-text">
        <button type="submit" class="btn">Add note</button>
      </form>` : ""}`;
    if (html !== lastHtml) { // redraw only on news, so a click in progress is not lost
      lastHtml = html;
      root.innerHTML = html;
      for (const [id, value] of typed) {
        const field = document.getElementById(id);
        if (field && field.type === "checkbox") field.checked = value;
        else if (field) field.value = value;
      }
      if (focused) document.getElementById(focused)?.focus();
    }
    showAge();
  }

  function showAge() {
    const incident = store.get(openId);
    const age = $(".detail-age", root);
    if (incident && age) {
      age.textContent = `#${incident.id} · ${formatAge(serverNow() - parseTime(incident.received_at))} ago`;
    }
  }

  return {
    open,
    close,
    render,
    openId: () => openId,
    tick: showAge,
  };
}

function actionsHtml(incident, disposition) {
  const buttons = [];
  if (incident.status === "reported") {
    buttons.push('<button type="button" class="btn act" data-action="acknowledge" data-testid="detail-acknowledge">Acknowledge</button>');
  }
  if (incident.status === "reported" || incident.status === "acknowledged") {
    buttons.push('<button type="button" class="btn act act-go" data-action="dispatch-nearest" data-testid="detail-dispatch">Dispatch nearest</button>');
  }
  if (isOpen(incident)) {
    buttons.push('<button type="button" class="btn act act-quiet" data-action="cancel" data-testid="detail-cancel">Cancel incident</button>');
  }
  let resolve = "";
  if (RESOLVABLE.includes(incident.status)) {
    const options = Object.entries(DISPOSITIONS).map(([value, label]) =>
      `<option value="${value}"${value === disposition ? " selected" : ""}${RESTORATIVE.includes(value) ? ' class="at-school-only"' : ""}>${label}</option>`).join("");
    resolve = `<div class="resolve">
      <label for="resolve-disposition" class="sr-only">Outcome</label>
      <select id="resolve-disposition" data-testid="resolve-disposition">
        <option value="">Outcome…</option>${options}</select>
      <button type="button" class="btn act act-ok" data-action="resolve" data-testid="detail-resolve">Resolve</button></div>`;
  }
  if (!buttons.length && !resolve) return "";
  return `<div class="detail-actions">${buttons.join("")}${resolve}</div>`;
}

function assignedHtml(incident) {
  if (!incident.assignments.length) return "";
  const rows = incident.assignments.map((a) => `
    <li data-testid="assigned-officer" data-officer-id="${a.officer_id}">
      <strong>${escapeHtml(a.name)}</strong> <span class="muted">#${escapeHtml(a.badge || "")}</span>
      <span class="status-chip as-${a.status}">${escapeHtml(a.status.replace("_", " "))}</span>
      ${a.overdue ? '<b class="overdue">NOT ACKNOWLEDGED</b>' : ""}</li>`);
  return `<section class="detail-section"><h3>Sent</h3><ul class="plain">${rows.join("")}</ul></section>`;
}

function nearestHtml(nearest) {
  if (!nearest) return '<section class="detail-section"><h3>Nearest available</h3><p class="muted">Looking…</p></section>';
  const free = nearest.officers.map(({ officer, distance_m: distance, fix_age_s: age }) => `
    <li class="near" data-testid="nearest-officer" data-officer-id="${officer.id}">
      <span class="near-who"><strong>${escapeHtml(officer.name)}</strong> <span class="muted">#${escapeHtml(officer.badge || "")}</span></span>
      <span class="near-dist">${formatDistance(distance)}</span>
      <span class="near-age muted">fix ${formatAge(age * 1000)} ago</span>
      <button type="button" class="btn act act-go" data-action="send" data-officer-id="${officer.id}"
        data-officer-name="${escapeHtml(officer.name)}">Send</button></li>`);
  const stale = nearest.stale.map(({ officer, fix_age_s: age }) => `
    <li data-testid="stale-officer" data-officer-id="${officer.id}"><strong>${escapeHtml(officer.name)}</strong>
      <span class="muted">#${escapeHtml(officer.badge || "")} · ${age == null ? "no fix" : `last fix ${formatAge(age * 1000)} ago`}</span></li>`);
  const inTrouble = (nearest.needs_help || []).map(({ officer }) => `
    <li data-testid="needs-help-officer" data-officer-id="${officer.id}"><strong>${escapeHtml(officer.name)}</strong>
      <span class="muted">#${escapeHtml(officer.badge || "")}</span></li>`);
  const reporter = (nearest.reporter || []).map(({ officer }) => `
    <li data-testid="reporter-officer" data-officer-id="${officer.id}"><strong>${escapeHtml(officer.name)}</strong>
      <span class="muted">#${escapeHtml(officer.badge || "")} · reported it, at the scene</span></li>`);
  return `<section class="detail-section" data-testid="nearest">
      <h3>Nearest available</h3>
      ${free.length ? `<ol class="plain">${free.join("")}</ol>` : '<p class="muted">No free officer with a fresh position.</p>'}
    </section>
    ${stale.length ? `<section class="detail-section stale-list" data-testid="stale-officers">
      <h3>No fresh position — not suggested</h3><ul class="plain">${stale.join("")}</ul></section>` : ""}
    ${inTrouble.length ? `<section class="detail-section stale-list" data-testid="needs-help-officers">
      <h3>Called for help — not suggested</h3><ul class="plain">${inTrouble.join("")}</ul></section>` : ""}
    ${reporter.length ? `<section class="detail-section quiet-list" data-testid="reporter-officers">
      <h3>At the scene — not suggested</h3><ul class="plain">${reporter.join("")}</ul></section>` : ""}`;
}

function photosHtml(incident) {
  if (!incident.photos.length) return "";
  const thumbs = incident.photos.map((p) => `<a href="${p.url}" target="_blank" rel="noopener">
    <img src="${p.url}" alt="Incident photo ${p.id}" loading="lazy" data-testid="incident-photo"></a>`);
  return `<section class="detail-section"><h3>Photos</h3><div class="photos">${thumbs.join("")}</div></section>`;
}

function entryText(entry, incident) {
  const d = entry.data || {};
  const officer = incident.assignments.find((a) => a.officer_id === d.officer_id)?.name;
  switch (entry.kind) {
    case "reported":
      return `Reported: ${typeLabel(d.type)}, ${d.severity}${d.note ? ` — “${d.note}”` : ""}`;
    case "status":
      return `${STATUS_LABEL[d.from] || d.from} → ${STATUS_LABEL[d.to] || d.to}` +
        `${d.disposition ? ` (${DISPOSITIONS[d.disposition] || d.disposition})` : ""}${d.note ? ` — “${d.note}”` : ""}`;
    case "assigned":
      return `Dispatched ${d.name || `officer ${d.officer_id}`}`;
    case "response":
      return RESPONSE_TEXT[d.status] || `Officer ${d.status}`;
    case "note":
      return `Note: “${d.text}”`;
    case "photo":
      return "Photo added";
    case "escalated":
      return `No acknowledgement from ${officer || "the officer"} in time: alarm raised`;
    case "help_again":
      return "Pressed I NEED HELP again";
    default:
      return entry.kind;
  }
}

function timelineHtml(full) {
  if (!full) return '<p class="muted">Loading…</p>';
  const items = full.timeline.map((entry) => `
    <li data-testid="timeline-entry" data-kind="${escapeHtml(entry.kind)}">
      <time>${formatClock(entry.at)}</time>
      <span class="tl-text">${escapeHtml(entryText(entry, full))}</span>
      <span class="tl-who muted">${escapeHtml(entry.actor?.name || "system")}${entry.lat != null ? ` · ${entry.lat.toFixed(4)}, ${entry.lon.toFixed(4)}` : ""}</span>
    </li>`);
  return `<ol class="timeline" data-testid="timeline">${items.join("")}</ol>`;
}
