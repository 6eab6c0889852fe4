// The lost-persons drawer: a card for each open lost child or vulnerable adult, with the time
// since the report, the description, the meeting point, the guardian (command and admin only:
// the organizer's copy has no such keys, and then nothing is shown), and the desk's steps:
// Found (where), Reunited (with whom, identity verified how: required), Agency called.
// The map layer is lost-person-map.js; state comes only from the stream model.

import { post } from "./api.js";
import { escapeHtml } from "../shared/html.js";
import { formatAge, formatClock, parseTime } from "../shared/format.js";
import { LOST_PERSON_STATUS_LABELS } from "../shared/vocabulary.js";

const $ = (selector, root = document) => root.querySelector(selector);

function describe(p) {
  const parts = [
    p.age != null ? `${p.age} yrs` : "", p.sex, p.height, p.build,
    p.hair ? `hair ${p.hair}` : "", p.eyes ? `eyes ${p.eyes}` : "",
    p.clothing_top, p.clothing_bottom, p.shoes, p.carried ? `carrying ${p.carried}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

function fact(label, value, testid) {
  if (!value) return "";
  return `<dt>${label}</dt><dd data-testid="${testid}">${escapeHtml(value)}</dd>`;
}

export function createLostPersons({ drawers, say, canAct, serverNow, accept, onLocate }) {
  const root = $("#lost-persons");
  const list = $("#lost-person-list", root);
  const toggleButton = $("#lost-persons-toggle");
  const badge = $("#lost-persons-count");
  const persons = new Map();

  $('[data-action="close"]', root).addEventListener("click", close);
  list.addEventListener("click", onClick);
  list.addEventListener("submit", onSubmit);

  function open() {
    render();
    drawers.open(root);
  }
  function close() {
    drawers.close(root);
  }

  const openOnes = () => [...persons.values()].filter((p) => p.open)
    .sort((a, b) => (parseTime(a.reported_at) - parseTime(b.reported_at)) || a.id - b.id);

  function elapsed(p) {
    return formatAge(serverNow() - parseTime(p.reported_at));
  }

  function cardFor(p) {
    const card = document.createElement("li");
    card.className = `lp-card st-${p.status}`;
    card.dataset.lostPersonId = String(p.id);
    card.setAttribute("data-testid", "lost-person-card");
    const guardian = "guardian_name" in p
      ? fact("Guardian", p.guardian_name, "lp-guardian") + fact("Contact", p.guardian_contact, "lp-contact")
      : "";
    const agency = p.agency_called_at
      ? `<p class="lp-agency" data-testid="lp-agency">Agency called ${formatClock(p.agency_called_at)}${p.agency_called_by ? ` by ${escapeHtml(p.agency_called_by.name)}` : ""}</p>`
      : p.agency_prompted_at ? '<p class="lp-agency due" data-testid="lp-agency">Call the local agency now</p>' : "";
    const foundFirst = p.status === "searching" ? openOnes().filter((other) => other.found_first && other.id !== p.id) : [];
    const matchForm = foundFirst.length ? `
      <form class="lp-form" data-form="match" hidden novalidate>
        <label class="field">This is the person found first <select name="found_id" data-testid="lp-match-found">
          ${foundFirst.map((f) => `<option value="${f.id}">#${f.id} found ${formatClock(f.found_at)}${f.found_place ? `, ${escapeHtml(f.found_place)}` : ""}: ${escapeHtml(describe(f))}</option>`).join("")}
        </select></label>
        <p class="form-error" role="alert" hidden></p>
        <button type="submit" class="btn btn-primary btn-wide" data-testid="lp-match-submit">Match: found</button>
      </form>` : "";
    const steps = canAct ? `
      <div class="lp-actions">
        ${p.status === "searching" ? '<button type="button" class="btn" data-step="found" data-testid="lp-found">Found</button>' : ""}
        ${foundFirst.length ? `<button type="button" class="btn" data-step="match" data-testid="lp-match">Found first? (${foundFirst.length})</button>` : ""}
        <button type="button" class="btn btn-primary" data-step="reunited" data-testid="lp-reunited">Reunited</button>
        ${p.agency_called_at ? "" : '<button type="button" class="btn" data-step="agency" data-testid="lp-agency-called">Agency called</button>'}
      </div>
      <form class="lp-form" data-form="found" hidden novalidate>
        <label class="field">Where found <input name="place" maxlength="200" required data-testid="lp-found-place"
          placeholder="e.g. by the Mile 3 water table"></label>
        <p class="form-error" role="alert" hidden></p>
        <button type="submit" class="btn btn-primary btn-wide" data-testid="lp-found-submit">Record found</button>
      </form>
      <form class="lp-form" data-form="reunited" hidden novalidate>
        <label class="field">Back with <input name="with_whom" maxlength="120" required data-testid="lp-with-whom"
          value="${escapeHtml(p.guardian_name || "")}"></label>
        <label class="field">Identity verified how <input name="identity_verified_how" maxlength="300" required
          data-testid="lp-verified-how" placeholder="e.g. driver's licence matches; child knew them"></label>
        <label class="field">Where <input name="place" maxlength="200" value="${escapeHtml(p.meeting_point || "")}"></label>
        <p class="form-error" role="alert" hidden></p>
        <button type="submit" class="btn btn-primary btn-wide" data-testid="lp-reunited-submit">Record reunited</button>
      </form>${matchForm}` : "";
    card.innerHTML = `
      <p class="lp-head"><strong class="lp-name">${escapeHtml(p.first_name)}</strong>
        ${"full_name" in p && p.full_name ? `<span class="lp-full">${escapeHtml(p.full_name)}</span>` : ""}
        <b class="lp-status">${escapeHtml(LOST_PERSON_STATUS_LABELS[p.status] || p.status)}</b></p>
      <p class="lp-elapsed">${p.found_first ? "Found, no report yet:" : "Missing"} <strong data-testid="lp-elapsed">${elapsed(p)}</strong>
        <span class="muted">${p.found_first ? "logged" : "reported"} ${formatClock(p.reported_at)}</span></p>
      <p class="lp-desc" data-testid="lp-description">${escapeHtml(describe(p)) || '<span class="muted">No description yet</span>'}</p>
      <dl class="facts">
        ${fact("Last seen", p.last_seen?.place, "lp-last-seen")}
        ${fact("Meeting point", p.meeting_point, "lp-meeting-point")}
        ${fact("Found at", p.found_place, "lp-found-at")}
        ${guardian}
      </dl>${agency}
      <button type="button" class="btn" data-step="locate">Show on map</button>${steps}`;
    return card;
  }

  function render() {
    const shown = openOnes();
    $("#lost-persons-empty", root).hidden = shown.length > 0;
    // A card whose form is being filled in keeps its form (only its times move).
    const kept = new Map([...list.children].filter((c) => c.querySelector(".lp-form:not([hidden])"))
      .map((c) => [Number(c.dataset.lostPersonId), c]));
    list.replaceChildren(...shown.map((p) => kept.get(p.id) || cardFor(p)));
    badge.textContent = shown.length ? String(shown.length) : "";
    badge.hidden = !shown.length;
    toggleButton.classList.toggle("lp-open", shown.some((p) => p.status === "searching"));
  }

  function personOf(node) {
    const card = node.closest("[data-lost-person-id]");
    return card ? { card, person: persons.get(Number(card.dataset.lostPersonId)) } : {};
  }

  async function step(path, body, card, what) {
    const buttons = card.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    const answer = await post(path, body);
    buttons.forEach((b) => { b.disabled = false; });
    if (!answer.ok) return answer;
    card.querySelectorAll(".lp-form").forEach((f) => { f.hidden = true; });
    accept(answer.data);
    say(what, "ok");
    return answer;
  }

  async function onClick(e) {
    const button = e.target.closest("button[data-step]");
    if (!button) return;
    const { card, person } = personOf(button);
    if (!person) return;
    const name = button.dataset.step;
    if (name === "locate") onLocate(person.id);
    else if (name === "agency") {
      const answer = await step(`/api/v1/lost-persons/${person.id}/agency-called`, {}, card, `Agency call logged for ${person.first_name}`);
      if (!answer.ok) say(`Not logged: ${answer.message}`, "bad");
    } else {
      for (const form of card.querySelectorAll(".lp-form")) form.hidden = form.dataset.form !== name || !form.hidden;
      card.querySelector(`.lp-form[data-form="${name}"]:not([hidden]) input`)?.focus();
    }
  }

  async function onSubmit(e) {
    e.preventDefault();
    const form = e.target;
    const { card, person } = personOf(form);
    if (!person) return;
    const error = $(".form-error", form);
    const values = Object.fromEntries(new FormData(form).entries());
    for (const key of Object.keys(values)) values[key] = values[key].trim();
    const missing = [...form.querySelectorAll("input[required]")].find((input) => !input.value.trim());
    if (missing) {
      error.textContent = `${missing.closest("label").firstChild.textContent.trim()}: required`;
      error.hidden = false;
      missing.focus();
      return;
    }
    const kind = form.dataset.form;
    const path = `/api/v1/lost-persons/${person.id}/${kind}`;
    const what = `${person.first_name} ${kind === "reunited" ? "reunited" : "found"}`;
    if (kind === "match") values.found_id = Number(values.found_id);
    const answer = await step(path, values, card, what);
    error.hidden = answer.ok;
    if (!answer.ok) error.textContent = answer.message;
    else render();
  }

  return {
    open,
    close,
    toggle: () => (root.hidden ? open() : close()),
    sync(all) {
      persons.clear();
      for (const p of all) persons.set(p.id, p);
      render();
    },
    onEnvelope(p) {
      persons.set(p.id, p);
      render();
    },
    all: () => [...persons.values()],
    tick() {
      for (const card of list.children) {
        const p = persons.get(Number(card.dataset.lostPersonId));
        const node = $('[data-testid="lp-elapsed"]', card);
        if (p && node) node.textContent = elapsed(p);
      }
    },
    clear() {
      persons.clear();
      render();
    },
  };
}
