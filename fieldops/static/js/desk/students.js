// Who the students of an incident were (issue 11), in the incident's drawer for those allowed
// to see them (command, admin, the school's designated administrator): read over REST when
// the drawer opens (each read is logged on the server) and never kept in the stream model.

import { get, post } from "./api.js";
import { escapeHtml, formatClock } from "./looks.js";

const ROLES = ["involved", "target", "witness", "reported it"];

export function createStudents({ say, onChange }) {
  let incidentId = null;
  let students = null; // null: not read; "hidden": not for this user

  const wanted = (incident) =>
    incident.involves_students || document.body.classList.contains("at-school");

  async function load(incident) {
    incidentId = incident.id;
    students = null;
    if (!wanted(incident)) return;
    const answer = await get(`/api/v1/incidents/${incident.id}/students`);
    if (incidentId !== incident.id) return;
    students = answer.ok ? answer.data.students : "hidden";
    onChange();
  }

  function row(s) {
    const facts = [s.grade && `grade ${s.grade}`, s.role_in_incident].filter(Boolean).join(" · ");
    const guardian = s.guardian_contacted_at ? ` · parent or guardian contacted ${formatClock(s.guardian_contacted_at)}` : "";
    return `<li class="student" data-testid="student"><strong>${escapeHtml(s.name)}</strong>
      ${facts || guardian ? `<span class="muted">${escapeHtml(facts)}${escapeHtml(guardian)}</span>` : ""}
      ${s.details ? `<p class="note">${escapeHtml(s.details)}</p>` : ""}</li>`;
  }

  function html(incident) {
    if (incident.id !== incidentId || students === "hidden" || !wanted(incident)) return "";
    const list = students === null ? `<p class="muted">Reading…</p>`
      : students.length ? `<ol class="students">${students.map(row).join("")}</ol>`
        : `<p class="muted">No student recorded.</p>`;
    const roles = ROLES.map((r) => `<option value="${r}">${r}</option>`).join("");
    return `
      <section class="detail-section students-section" data-testid="students">
        <h3>Students <span class="private-note">command and admin only · never on the map or in the report · every view is logged</span></h3>
        ${list}
        <form class="students-form" data-testid="student-form">
          <input id="student-name" name="name" maxlength="120" placeholder="Student's name" required autocomplete="off">
          <input id="student-grade" name="grade" maxlength="20" placeholder="Grade" autocomplete="off">
          <select id="student-role" name="role_in_incident">${roles}</select>
          <input id="student-details" name="details" maxlength="4000" placeholder="Details (optional)" autocomplete="off">
          <label class="field-check"><input id="student-guardian" type="checkbox" name="guardian"> Parent or guardian contacted</label>
          <button type="submit" class="btn" data-testid="student-add">Add student</button>
        </form>
      </section>`;
  }

  async function add(form) {
    const body = {
      name: form.elements.name.value.trim(),
      grade: form.elements.grade.value.trim(),
      role_in_incident: form.elements.role_in_incident.value,
      details: form.elements.details.value.trim(),
    };
    if (form.elements.guardian.checked) body.guardian_contacted_at = new Date().toISOString();
    if (!body.name) return;
    const answer = await post(`/api/v1/incidents/${incidentId}/students`, body);
    if (!answer.ok) {
      say(`Not recorded: ${answer.message}`, "bad");
      return;
    }
    if (Array.isArray(students)) students = [...students, answer.data];
    form.reset();
    onChange();
  }

  return { load, html, add, forget: () => { incidentId = null; students = null; } };
}
