// School drills at the desk (issue 11): start Hold, Secure, Lockdown, Evacuate or Shelter as
// a DRILL or REAL for the whole campus or some areas; while it is on, a banner over the map,
// each area's state and time in the drawer (and on the map: desk/drill-map.js), the counts at
// the assembly points, a radio report relayed for an area, the notes, and All clear.

import { clientId, post } from "./api.js";
import { escapeHtml, parseTime } from "./looks.js";
import { AREA_STATE_LABELS, DRILL_COUNTS, clockSpan, drillElapsed, openDrill, reportedCount } from "../shared/drill.js";
import { DRILL_ACTIONS, DRILL_HAZARDS, DRILL_PROBLEMS, DRILL_PROBLEM_LABELS } from "../shared/vocabulary.js";


export function createDrills({ drawers, say, canAct, serverNow, eventId, accept, campus }) {
  const drawer = document.getElementById("drills");
  const body = drawer.querySelector(".drill-body");
  const toggle = document.getElementById("drills-toggle");
  const banner = document.getElementById("drill-banner");
  let drills = [];
  let relaying = null; // the area id whose radio report is being typed
  let confirming = null; // "start" | "all-clear": the second tap of a REAL start or an all clear
  let choice = { action: "lockdown", mode: "drill" };
  let notesDraft = null; // {drillId, text}: what is typed in the notes survives a redraw

  const areasOfCampus = () => campus().filter((f) => f.kind === "building" || f.kind === "area");
  const assemblyPoints = () => campus().filter((f) => f.kind === "assembly");

  // --- the start form -------------------------------------------------------------------------
  function startForm() {
    const actions = DRILL_ACTIONS.map((a) => `
      <button type="button" class="drill-pick act-${a.value}" data-pick="${a.value}"
              aria-pressed="${choice.action === a.value}" data-testid="drill-pick-${a.value}">
        <span class="drill-pick-name">${escapeHtml(a.label)}</span>
        <span class="drill-pick-words">${escapeHtml(a.words)}</span></button>`).join("");
    const areas = areasOfCampus().map((f) => `
      <label class="drill-area-pick"><input type="checkbox" name="area" value="${f.id}"> ${escapeHtml(f.name)}</label>`).join("");
    const points = assemblyPoints().map((f) => `<option value="${f.id}">${escapeHtml(f.name)}</option>`).join("");
    const hazards = DRILL_HAZARDS.map((h) => `<option value="${h.value}">${escapeHtml(h.label)} — ${escapeHtml(h.strategy)}</option>`).join("");
    const real = choice.mode === "real";
    return `
      <form class="drill-start" data-testid="drill-start">
        <div class="drill-picks" role="group" aria-label="Action">${actions}</div>
        <div class="drill-modes" role="group" aria-label="Drill or real">
          <button type="button" class="drill-mode" data-mode="drill" aria-pressed="${!real}" data-testid="drill-mode-drill">DRILL</button>
          <button type="button" class="drill-mode mode-real" data-mode="real" aria-pressed="${real}" data-testid="drill-mode-real">REAL</button>
        </div>
        <fieldset class="drill-scope"><legend>Where</legend>
          <label class="drill-area-pick"><input type="checkbox" name="whole" checked data-testid="drill-whole"> Whole campus</label>
          <div class="drill-area-list" hidden>${areas}</div>
        </fieldset>
        <label class="drill-field" data-for="evacuate" ${choice.action === "evacuate" ? "" : "hidden"}>Assembly point
          <select name="assembly_point_id" data-testid="drill-assembly">${points}</select></label>
        <label class="drill-field" data-for="shelter" ${choice.action === "shelter" ? "" : "hidden"}>Hazard
          <select name="hazard" data-testid="drill-hazard">${hazards}</select></label>
        <button type="submit" class="btn drill-go ${real ? "mode-real" : ""}" data-testid="drill-go">${startLabel()}</button>
      </form>`;
  }

  function startLabel() {
    const label = DRILL_ACTIONS.find((a) => a.value === choice.action)?.label || choice.action;
    const mode = choice.mode === "real" ? "REAL" : "DRILL";
    if (confirming === "start") return `Tap again: start a REAL ${label.toUpperCase()}`;
    return `Start ${label} — ${mode}`;
  }

  async function start(form) {
    if (choice.mode === "real" && confirming !== "start") {
      confirming = "start";
      form.querySelector(".drill-go").textContent = startLabel();
      return;
    }
    confirming = null;
    const whole = form.elements.whole.checked;
    const areaIds = whole ? [] : [...form.querySelectorAll("input[name=area]:checked")].map((i) => Number(i.value));
    const request = { client_id: clientId(), action: choice.action, mode: choice.mode, area_ids: areaIds };
    if (choice.action === "evacuate") request.assembly_point_id = Number(form.elements.assembly_point_id.value) || null;
    if (choice.action === "shelter") request.hazard = form.elements.hazard.value;
    const answer = await post(`/api/v1/events/${eventId()}/drills`, request);
    if (answer.ok) accept(answer.data);
    else say(`Not started: ${answer.message}`, "bad");
  }

  // --- the drill on now ---------------------------------------------------------------------
  function since(drill, iso) {
    return iso ? clockSpan(parseTime(iso) - parseTime(drill.started_at)) : "";
  }

  function areaRow(drill, area) {
    const counts = area.accounted == null ? "" : DRILL_COUNTS
      .filter(([key]) => key === "accounted" || area[key])
      .map(([key, label]) => `${label} ${area[key]}`).join(" · ");
    const problems = area.problems.map((p) => DRILL_PROBLEM_LABELS[p] || p).join(", ");
    const when = area.done_at ? `${AREA_STATE_LABELS[drill.action === "evacuate" ? "evacuated" : "secured"]} at +${since(drill, area.done_at)}` : "";
    const relay = canAct && drill.open ? `<button type="button" class="btn btn-small" data-relay="${area.id}" data-testid="drill-relay">Report…</button>` : "";
    return `
      <li class="drill-area state-${area.state}" data-area-id="${area.id}" data-testid="drill-area">
        <span class="drill-area-name">${escapeHtml(area.name)}</span>
        <span class="drill-state" data-testid="drill-area-state">${AREA_STATE_LABELS[area.state]}</span>
        <span class="drill-when">${escapeHtml(when)}</span>
        ${counts ? `<span class="drill-counts">${escapeHtml(counts)}</span>` : ""}
        ${problems ? `<span class="drill-problems">${escapeHtml(problems)}</span>` : ""}
        ${relay}
        ${relaying === area.id ? relayForm(drill, area) : ""}
      </li>`;
  }

  function relayForm(drill, area) {
    const state = drill.action === "evacuate" ? "evacuated" : "secured";
    const counts = DRILL_COUNTS.map(([key, label]) => `
      <label>${label} <input type="number" name="${key}" min="0" max="5000" value="0" inputmode="numeric"></label>`).join("");
    const problems = DRILL_PROBLEMS.map((p) => `
      <label><input type="checkbox" name="problems" value="${p.value}"> ${escapeHtml(p.label)}</label>`).join("");
    return `
      <form class="drill-relay" data-area-id="${area.id}" data-testid="drill-relay-form">
        <label>State <select name="state">
          <option value="secured" ${state === "secured" ? "selected" : ""}>Secured</option>
          <option value="evacuated" ${state === "evacuated" ? "selected" : ""}>Evacuated</option></select></label>
        <div class="drill-relay-counts">${counts}</div>
        <div class="drill-relay-problems">${problems}</div>
        <label>Note <input type="text" name="note" maxlength="1000"></label>
        <button type="submit" class="btn btn-primary" data-testid="drill-relay-send">Record ${escapeHtml(area.name)}</button>
      </form>`;
  }

  async function relay(drill, form) {
    const request = {
      client_id: clientId(),
      area_id: Number(form.dataset.areaId),
      state: form.elements.state.value,
      problems: [...form.querySelectorAll("input[name=problems]:checked")].map((i) => i.value),
      note: form.elements.note.value,
    };
    for (const [key] of DRILL_COUNTS) request[key] = Number(form.elements[key].value) || 0;
    const answer = await post(`/api/v1/drills/${drill.id}/reports`, request);
    if (answer.ok) {
      relaying = null;
      accept(answer.data);
    } else say(`Not recorded: ${answer.message}`, "bad");
  }

  function current(drill) {
    const mode = drill.mode === "real" ? "REAL" : "DRILL";
    const totals = DRILL_COUNTS.map(([key, label]) => `${label} <strong>${drill.totals[key]}</strong>`).join(" · ");
    const points = drill.assembly_totals.map((p) => `<li>${escapeHtml(p.name)}: <strong>${p.accounted}</strong></li>`).join("");
    const done = drill.completed_at ? `<p class="drill-done" data-testid="drill-complete">Complete at +${since(drill, drill.completed_at)}</p>` : "";
    const end = canAct ? `
      <label class="drill-notes">Notes for the record
        <textarea name="notes" rows="2" data-testid="drill-notes">${escapeHtml(notesDraft?.drillId === drill.id ? notesDraft.text : drill.notes || "")}</textarea></label>
      <button type="button" class="btn drill-all-clear" data-action="all-clear" data-testid="drill-all-clear">${confirming === "all-clear" ? "Tap again: ALL CLEAR" : "All clear"}</button>` : "";
    return `
      <div class="drill-now act-${drill.action} mode-${drill.mode}" data-testid="drill-now">
        <p class="drill-title"><span class="drill-action">${escapeHtml(drill.action_label.toUpperCase())}</span>
          <span class="drill-badge">${mode}</span> <span class="drill-elapsed" data-testid="drill-elapsed">${drillElapsed(drill, serverNow())}</span></p>
        <p class="drill-words" data-testid="drill-words">${escapeHtml(drill.words)}</p>
        <p class="drill-summary">${drill.whole_campus ? "Whole campus" : "Some areas"} · ${reportedCount(drill)}</p>
        ${done}
        <ol class="drill-areas" data-testid="drill-areas">${drill.areas.map((a) => areaRow(drill, a)).join("")}</ol>
        <p class="drill-totals" data-testid="drill-totals">${totals}</p>
        ${points ? `<ul class="drill-points" data-testid="drill-assembly-totals">${points}</ul>` : ""}
        ${end}
      </div>`;
  }

  // --- render -------------------------------------------------------------------------------
  // Someone typing in the drawer (a relayed report, the notes) keeps what they typed: the
  // drawer is drawn again once they leave the field.
  let deferred = false;
  const typing = () => body.contains(document.activeElement) && document.activeElement.matches("input, textarea, select");
  body.addEventListener("focusout", () => setTimeout(() => {
    if (deferred && !typing()) render();
  }, 0));

  function render() {
    const hasCampus = areasOfCampus().length > 0;
    toggle.hidden = !hasCampus && drills.length === 0;
    const drill = openDrill(drills);
    toggle.classList.toggle("drill-on", Boolean(drill));
    renderBanner(drill);
    if (drawer.hidden) return;
    deferred = typing();
    if (deferred) return;
    const record = `<p><a href="/events/${eventId()}/drills" data-testid="drill-record-link">Past drills and the drill record</a>
      · <a href="/events/${eventId()}/campus/edit" data-testid="campus-edit-link">Draw the campus (admins)</a></p>`;
    if (drill) body.innerHTML = current(drill) + record;
    else if (!canAct) body.innerHTML = `<p class="muted">No drill is on.</p>${record}`;
    else body.innerHTML = (hasCampus ? startForm() : `<p class="muted">An admin draws the campus first.</p>`) + record;
  }

  function renderBanner(drill) {
    banner.hidden = !drill;
    if (!drill) return;
    banner.className = `drill-banner act-${drill.action} mode-${drill.mode}`;
    banner.innerHTML = `<strong>${escapeHtml(drill.action_label.toUpperCase())}</strong>
      <span class="drill-badge">${drill.mode === "real" ? "REAL" : "DRILL"}</span>
      <span class="drill-elapsed">${drillElapsed(drill, serverNow())}</span>
      <span class="drill-banner-count">${escapeHtml(reportedCount(drill))}</span>`;
  }

  // --- events -------------------------------------------------------------------------------
  body.addEventListener("click", (e) => {
    const pick = e.target.closest("[data-pick]");
    if (pick) {
      choice = { ...choice, action: pick.dataset.pick };
      confirming = null;
      render();
      return;
    }
    const mode = e.target.closest("[data-mode]");
    if (mode) {
      choice = { ...choice, mode: mode.dataset.mode };
      confirming = null;
      render();
      return;
    }
    const relayButton = e.target.closest("[data-relay]");
    if (relayButton) {
      const id = Number(relayButton.dataset.relay);
      relaying = relaying === id ? null : id;
      render();
      return;
    }
    if (e.target.closest('[data-action="all-clear"]')) allClear();
  });
  body.addEventListener("input", (e) => {
    const drill = openDrill(drills);
    if (e.target.name === "notes" && drill) notesDraft = { drillId: drill.id, text: e.target.value };
  });
  body.addEventListener("change", (e) => {
    if (e.target.name === "whole") body.querySelector(".drill-area-list").hidden = e.target.checked;
  });
  body.addEventListener("submit", (e) => {
    e.preventDefault();
    const drill = openDrill(drills);
    if (e.target.matches(".drill-start")) start(e.target);
    else if (e.target.matches(".drill-relay") && drill) relay(drill, e.target);
  });

  async function allClear() {
    const drill = openDrill(drills);
    if (!drill) return;
    if (confirming !== "all-clear") {
      confirming = "all-clear";
      render();
      return;
    }
    confirming = null;
    const notes = notesDraft?.drillId === drill.id ? notesDraft.text : drill.notes || "";
    const answer = await post(`/api/v1/drills/${drill.id}/all-clear`, { notes });
    if (answer.ok) {
      accept(answer.data);
      say(`All clear: ${drill.action_label} ${drill.mode} ended after ${drillElapsed(answer.data, serverNow())}`);
    } else say(`Not ended: ${answer.message}`, "bad");
  }

  toggle.addEventListener("click", () => (drawer.hidden ? open() : close()));
  banner.addEventListener("click", () => open());
  drawer.querySelector('[data-action="close"]').addEventListener("click", () => close());

  function open() {
    drawers.open(drawer);
    render();
  }

  function close() {
    drawers.close(drawer);
  }

  return {
    /** The model's drills, after any change. A new one on: the drawer opens by itself. */
    sync(all) {
      const before = openDrill(drills);
      drills = all;
      const now = openDrill(drills);
      if (now && (!before || before.id !== now.id)) open();
      if (!now) relaying = null;
      render();
    },
    campusChanged: () => render(),
    tick() {
      const drill = openDrill(drills);
      if (!drill) return;
      renderBanner(drill);
      const elapsed = drawer.querySelector(".drill-now .drill-elapsed");
      if (elapsed) elapsed.textContent = drillElapsed(drill, serverNow());
    },
    close,
  };
}
