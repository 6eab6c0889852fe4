// The incident queue beside the map: open incidents, critical first then oldest first,
// filtered by status and type, each row with its one-click actions. Ages tick every second.

import { compareIncidents, isOpen } from "./store.js";
import {
  STATUS_LABEL, TYPES, escapeHtml, formatAge, parseTime, typeIcon, typeLabel,
} from "./looks.js";

const $ = (selector, root = document) => root.querySelector(selector);

const STATUS_FILTERS = {
  open: isOpen,
  reported: (i) => i.status === "reported",
  acknowledged: (i) => i.status === "acknowledged",
  dispatched: (i) => i.status === "dispatched" || i.status === "en_route",
  on_scene: (i) => i.status === "on_scene",
  closed: (i) => !isOpen(i),
};

export function createQueue({ store, serverNow, canAct, onOpen, onAction }) {
  const root = $("#queue");
  const list = $("#queue-list", root);
  const empty = $("#queue-empty", root);
  const typeSelect = $("#queue-type", root);
  const view = { status: "open", type: "", order: [], selectedId: null };
  const rows = new Map(); // incident id -> {row, key}: unchanged rows are kept, so a click
  // that started on a row is not lost when another incident's push redraws the queue

  for (const [value, { label }] of Object.entries(TYPES)) typeSelect.add(new Option(label, value));
  const actionsFor = canAct ? actionsHtml : () => "";
  typeSelect.addEventListener("change", () => {
    view.type = typeSelect.value;
    render();
  });
  for (const chip of root.querySelectorAll("[data-status-filter]")) {
    chip.addEventListener("click", () => {
      view.status = chip.dataset.statusFilter;
      for (const other of root.querySelectorAll("[data-status-filter]")) {
        other.setAttribute("aria-pressed", String(other === chip));
      }
      render();
    });
  }
  list.addEventListener("click", (e) => {
    const row = e.target.closest("[data-incident-id]");
    if (!row) return;
    const id = Number(row.dataset.incidentId);
    const action = e.target.closest("[data-action]")?.dataset.action;
    select(id);
    if (action) onAction(action, id);
    else onOpen(id);
  });

  function shown(incident) {
    return STATUS_FILTERS[view.status](incident) && (!view.type || incident.type === view.type);
  }

  function render() {
    const incidents = store.all().filter(shown).sort(compareIncidents);
    view.order = incidents.map((i) => i.id);
    const open = store.all().filter(isOpen).length;
    $("#queue-count").textContent = `${open} open`;
    $("#queue-count").dataset.count = String(open);
    empty.hidden = incidents.length > 0;
    empty.textContent = open ? "Nothing matches this filter." : "No open incidents.";
    const now = serverNow();
    const wanted = new Set(view.order);
    for (const [id, { row }] of rows) {
      if (!wanted.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    incidents.forEach((incident, index) => {
      const key = JSON.stringify(incident);
      let known = rows.get(incident.id);
      if (!known || known.key !== key) {
        const row = rowFor(incident, now);
        if (known) known.row.replaceWith(row);
        known = { row, key };
        rows.set(incident.id, known);
      }
      known.row.classList.toggle("selected", incident.id === view.selectedId);
      if (list.children[index] !== known.row) list.insertBefore(known.row, list.children[index] || null);
    });
  }

  function rowFor(incident, now) {
    const row = document.createElement("li");
    row.className = "inc-row";
    row.dataset.incidentId = String(incident.id);
    row.dataset.severity = incident.severity;
    row.dataset.status = incident.status;
    row.setAttribute("data-testid", "queue-row");
    const reporter = incident.reported_by?.name || "unknown";
    row.innerHTML = `
      <button type="button" class="inc-open" aria-label="Open incident ${incident.id}">
        <span class="inc-icon sev-${incident.severity}">${typeIcon(incident.type, 26)}</span>
        <span class="inc-main">
          <span class="inc-title"><strong>${escapeHtml(typeLabel(incident.type))}</strong>
            ${incident.type === "officer_help" ? "" : `<span class="sev-word sev-${incident.severity}" data-testid="row-severity">${incident.severity.toUpperCase()}</span>`}
            ${incident.involves_students ? '<span class="students-chip" data-testid="row-students" title="Involves students: who, in the incident (command only)">STUDENTS</span>' : ""}</span>
          ${incident.place ? `<span class="inc-place" data-testid="row-place">${escapeHtml(incident.place)}</span>` : ""}
          <span class="inc-sub"><span class="status-chip st-${incident.status}" data-testid="row-status">${STATUS_LABEL[incident.status]}</span>
            <span class="inc-reporter" title="Reported by ${escapeHtml(reporter)}">by ${escapeHtml(reporter)}</span></span>
          ${assignedHtml(incident)}
        </span>
        <span class="inc-age" data-testid="row-age" data-since="${escapeHtml(incident.received_at)}">${formatAge(now - parseTime(incident.received_at))}</span>
      </button>
      ${actionsFor(incident)}`;
    return row;
  }

  function select(id, { scroll = false } = {}) {
    view.selectedId = id;
    for (const row of list.children) {
      row.classList.toggle("selected", Number(row.dataset.incidentId) === id);
    }
    if (scroll) list.querySelector(".selected")?.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    if (!view.order.length) return null;
    const at = view.order.indexOf(view.selectedId);
    const next = at < 0 ? 0 : Math.min(view.order.length - 1, Math.max(0, at + step));
    select(view.order[next], { scroll: true });
    return view.order[next];
  }

  function tick() {
    const now = serverNow();
    for (const age of list.querySelectorAll(".inc-age")) {
      age.textContent = formatAge(now - parseTime(age.dataset.since));
    }
  }

  return { render, select, move, tick, selected: () => view.selectedId };
}

function assignedHtml(incident) {
  const active = incident.assignments.filter((a) => a.status !== "released");
  if (!active.length) return "";
  const names = active.map((a) => {
    const overdue = a.overdue ? ' <b class="overdue" data-testid="overdue">NO ACK</b>' : "";
    return `<span class="assignee" data-testid="row-assignee">${escapeHtml(a.name)}${overdue}</span>`;
  });
  return `<span class="inc-assigned">→ ${names.join(", ")}</span>`;
}

function actionsHtml(incident) {
  const buttons = [];
  if (incident.status === "reported") {
    buttons.push('<button type="button" class="btn act" data-action="acknowledge" data-testid="row-acknowledge" title="Acknowledge (a)">Ack</button>');
  }
  if (incident.status === "reported" || incident.status === "acknowledged") {
    buttons.push('<button type="button" class="btn act act-go" data-action="dispatch-nearest" data-testid="row-dispatch" title="Dispatch the nearest free officer (d)">Send nearest</button>');
  }
  return buttons.length ? `<span class="inc-actions">${buttons.join("")}</span>` : "";
}
