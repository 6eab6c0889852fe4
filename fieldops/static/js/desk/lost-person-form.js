// Taking a lost-person report at the desk, the Code Adam way: the first name at once, then the
// description top to bottom as the guardian gives it, where and when last seen (near a post,
// or a click on the map), the guardian and the one meeting point, and a photo from their
// phone. Sent the moment it is submitted: every officer's phone has it within a second. The
// same form logs a person found with no report yet ("found first"), to be matched later.

import { clientId, post, postFile } from "./api.js";
import { clockNow, clockToIso } from "../shared/format.js";
import { escapeHtml } from "../shared/html.js";

const $ = (selector, root = document) => root.querySelector(selector);

const MODES = {
  lost: { title: "Report a lost person", submit: "Send to every officer", where: "Last seen", path: "lost-persons" },
  found: { title: "Log a person found (no report yet)", submit: "Log found person", where: "Found", path: "found-persons" },
};

const input = (name, label, { max = 120, required = false, type = "text", placeholder = "" } = {}) =>
  `<label class="field">${label}${required ? " *" : ""} <input name="${name}" type="${type}" maxlength="${max}"
    data-testid="lpf-${name.replaceAll("_", "-")}"${required ? " required" : ""}${placeholder ? ` placeholder="${escapeHtml(placeholder)}"` : ""}></label>`;

export function createLostPersonForm({ root, eventId, posts, pickPoint, say, accept }) {
  let mode = null;
  let point = null; // {lat, lon} picked on the map

  root.addEventListener("click", onClick);
  root.addEventListener("submit", onSubmit);

  function render() {
    if (!mode) {
      root.innerHTML = `<div class="lf-actions">
        <button type="button" class="btn btn-primary" data-lpf="lost" data-testid="lpf-new-lost">+ Lost person</button>
        <button type="button" class="btn" data-lpf="found" data-testid="lpf-new-found">+ Found person (no report)</button></div>`;
      return;
    }
    const m = MODES[mode];
    const near = posts().map((p) => `<option value="${p.id}">${escapeHtml(p.name)}</option>`).join("");
    root.innerHTML = `<form class="lf-form lp-form-new" data-testid="lpf-form" novalidate>
      <h3 class="lf-title">${m.title}</h3>
      <div class="lpf-grid">
        <label class="field">Who <select name="kind" data-testid="lpf-kind"><option value="child">Child</option>
          <option value="vulnerable_adult">Vulnerable adult</option></select></label>
        ${input("first_name", "First name", { max: 80, required: mode === "lost", placeholder: mode === "found" ? "if they say it" : "" })}
        ${input("full_name", "Full name (desk only)", { max: 200 })}
        ${input("age", "Age", { type: "number" })}
        ${input("sex", "Sex", { max: 24 })}
        ${input("height", "Height", { max: 40 })}
        ${input("build", "Build", { max: 40 })}
        ${input("hair", "Hair", { max: 80 })}
        ${input("eyes", "Eyes", { max: 40 })}
        ${input("clothing_top", "Top", { max: 200 })}
        ${input("clothing_bottom", "Bottom", { max: 200 })}
        ${input("shoes", "Shoes")}
        ${input("carried", "Carrying", { max: 300 })}
      </div>
      <fieldset class="lf-check"><legend>${m.where}</legend>
        <label class="field">Near <select name="near" data-testid="lpf-near">${near}<option value="map">the point I click on the map</option></select></label>
        <p class="muted" data-testid="lpf-point">${point ? `Map point ${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}` : ""}</p>
        <button type="button" class="btn" data-lpf="pick" data-testid="lpf-pick">Pick on map</button>
        ${input("place", "In words", { max: 200, placeholder: "e.g. by the bouncy castle" })}
        ${mode === "lost" ? `<label class="field">At <input name="at" type="time" value="${clockNow()}" data-testid="lpf-at"></label>` : ""}
      </fieldset>
      <fieldset class="lf-check"><legend>Guardian (desk only)</legend>
        ${input("guardian_name", "Name")}
        ${input("guardian_contact", "Phone")}
        ${input("meeting_point", "Waits at (meeting point)", { max: 200 })}
      </fieldset>
      <label class="field">Photo <input name="photo" type="file" accept="image/*" data-testid="lpf-photo"></label>
      <p class="form-error" role="alert" data-testid="lpf-error" hidden></p>
      <div class="lf-actions">
        <button type="submit" class="btn btn-primary" data-testid="lpf-submit">${m.submit}</button>
        <button type="button" class="btn" data-lpf="cancel" data-testid="lpf-cancel">Cancel</button>
      </div></form>`;
    $('input[name="first_name"]', root).focus();
  }

  function onClick(e) {
    const button = e.target.closest("button[data-lpf]");
    if (!button) return;
    const act = button.dataset.lpf;
    if (act === "lost" || act === "found") {
      mode = act;
      point = null;
      render();
    } else if (act === "cancel") {
      mode = null;
      render();
    } else if (act === "pick") {
      say("Click the map where the person was", "ok");
      pickPoint((at) => {
        point = at;
        const form = $("form", root);
        if (!form) return;
        form.elements.near.value = "map";
        $('[data-testid="lpf-point"]', form).textContent = `Map point ${at.lat.toFixed(5)}, ${at.lon.toFixed(5)}`;
      });
    }
  }

  function where(values) {
    if (values.near === "map") return point;
    const chosen = posts().find((p) => String(p.id) === values.near);
    return chosen ? { lat: chosen.lat, lon: chosen.lon } : null;
  }

  function body(values, at) {
    const now = new Date().toISOString();
    const fields = ["kind", "first_name", "full_name", "sex", "height", "build", "hair", "eyes", "clothing_top",
      "clothing_bottom", "shoes", "carried", "guardian_name", "guardian_contact", "meeting_point"];
    const out = { client_id: clientId(), reported_at: now };
    for (const name of fields) if (values[name]) out[name] = values[name];
    if (values.age) out.age = Number(values.age);
    if (mode === "lost") {
      Object.assign(out, { last_seen_lat: at.lat, last_seen_lon: at.lon, last_seen_at: clockToIso(values.at) });
      if (values.place) out.last_seen_place = values.place;
    } else {
      Object.assign(out, { found_lat: at.lat, found_lon: at.lon });
      if (!out.first_name) out.first_name = "name unknown";
      if (values.place) out.found_place = values.place;
    }
    return out;
  }

  async function onSubmit(e) {
    e.preventDefault();
    const form = e.target;
    const error = $(".form-error", form);
    const values = {};
    for (const [key, value] of new FormData(form).entries()) if (typeof value === "string") values[key] = value.trim();
    const at = where(values);
    const problem = mode === "lost" && !values.first_name ? "First name: required"
      : !at ? `${MODES[mode].where}: pick a post or a point on the map` : "";
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      return;
    }
    const submit = $('button[type="submit"]', form);
    submit.disabled = true;
    const answer = await post(`/api/v1/events/${eventId()}/${MODES[mode].path}`, body(values, at));
    submit.disabled = false;
    if (!answer.ok) {
      error.textContent = `Not sent: ${answer.message}${answer.error?.field ? ` (${answer.error.field})` : ""}`;
      error.hidden = false;
      return;
    }
    accept(answer.data);
    const photo = form.elements.photo.files[0];
    const sent = mode === "lost" ? `${answer.data.first_name}: sent to every officer` : "Found person logged";
    mode = null;
    render();
    say(sent, "ok");
    if (photo) {
      const uploaded = await postFile(`/api/v1/lost-persons/${answer.data.id}/photos`, "photo", photo);
      if (!uploaded.ok) say(`Photo not sent: ${uploaded.message}`, "bad");
    }
  }

  render();
  return {
    /** The posts changed (a setup envelope): the closed form's buttons need nothing. */
    render: () => { if (!mode) render(); },
  };
}
