// The lost-and-found desk's forms: log an item handed in at the desk, take a lost report, hand
// an item on (to the desk, a post, an officer), hand it to the agency or dispose of it after
// retention, release it to its owner with the identity check. Each is HTML for the drawer
// (lost-found.js draws it in place of the button that opened it) and the request its values
// make; the server checks every rule and its refusal is shown in the form, naming the field.

import { clientId } from "./api.js";
import { clockNow, clockToIso } from "../shared/format.js";
import { escapeHtml } from "../shared/html.js";
import { IDENTITY_METHODS, ITEM_CATEGORY_LABELS } from "../shared/vocabulary.js";

const options = (pairs, chosen = "") => pairs
  .map(([value, label]) => `<option value="${escapeHtml(String(value))}"${String(value) === String(chosen) ? " selected" : ""}>${escapeHtml(label)}</option>`)
  .join("");

const categories = () => options(Object.entries(ITEM_CATEGORY_LABELS));
const field = (label, input) => `<label class="field">${label} ${input}</label>`;
const text = (name, { max = 200, placeholder = "", value = "", required = false } = {}) =>
  `<input name="${name}" maxlength="${max}" data-testid="lf-${name.replaceAll("_", "-")}"${placeholder ? ` placeholder="${escapeHtml(placeholder)}"` : ""}${value ? ` value="${escapeHtml(value)}"` : ""}${required ? " required" : ""}>`;

function form(kind, id, inner, submit) {
  return `<form class="lf-form" data-form="${kind}" data-id="${id ?? ""}" novalidate data-testid="lf-form-${kind}">
    ${inner}
    <p class="form-error" role="alert" data-testid="lf-form-error" hidden></p>
    <div class="lf-actions">
      <button type="submit" class="btn btn-primary" data-testid="lf-submit">${submit}</button>
      <button type="button" class="btn" data-act="cancel-form" data-testid="lf-cancel">Cancel</button>
    </div>
  </form>`;
}

const colours = (value) => (value || "").split(/[,/]+/).map((c) => c.trim()).filter(Boolean).slice(0, 6);

function describing() {
  return field("What", `<select name="category" data-testid="lf-category">${categories()}</select>`)
    + field("Colour(s)", text("colours", { placeholder: "e.g. navy, white" }))
    + field("Brand", text("brand", { max: 80 }))
    + field("Description", text("description", { max: 2000, placeholder: "what it is, what is in it" }));
}

export const FORMS = {
  found: {
    title: "Log a found item",
    html: () => form("found", null,
      describing()
      + field("Distinguishing marks", text("marks", { max: 1000 }))
      + field("Where found", text("place", { placeholder: "e.g. Mile 14 water table" }))
      + field("Found at", `<input name="found_at" type="time" value="${clockNow()}" data-testid="lf-found-at">`)
      + field("Handed in by (member of the public)", text("finder_name", { max: 120 }))
      + field("Their contact", text("finder_contact"))
      + field("Stored at", text("stored_at", { value: "lost-and-found desk" }))
      + `<label class="check"><input type="checkbox" name="personal_data" data-testid="lf-personal-data"> Holds personal data (IDs, cards and phones are flagged by themselves)</label>`,
      "Log item"),
    request: (v, { eventId }) => ({
      path: `/api/v1/events/${eventId}/found-items`,
      body: {
        client_id: clientId(), category: v.category, colours: colours(v.colours), brand: v.brand,
        description: v.description, marks: v.marks, place: v.place, found_at: clockToIso(v.found_at),
        finder_name: v.finder_name, finder_contact: v.finder_contact, stored_at: v.stored_at,
        personal_data: v.personal_data === "on",
      },
      done: (data) => `Logged found item #${data.id}`,
      type: "found_item",
    }),
  },
  lost: {
    title: "Take a lost report",
    html: () => form("lost", null,
      describing()
      + field("Where last seen", text("place"))
      + field("Last seen at (when they last had it)", `<input name="last_seen_at" type="time" required data-testid="lf-last-seen-at">`)
      + field("Owner's name", text("owner_name", { max: 120, required: true }))
      + field("Owner's phone or email", text("owner_contact")),
      "Take report"),
    check: (v) => (v.last_seen_at ? "" : "Last seen at: when did the owner last have it?"),
    request: (v, { eventId }) => ({
      path: `/api/v1/events/${eventId}/lost-reports`,
      body: {
        client_id: clientId(), category: v.category, colours: colours(v.colours), brand: v.brand,
        description: v.description, place: v.place, last_seen_at: clockToIso(v.last_seen_at),
        owner_name: v.owner_name, owner_contact: v.owner_contact,
      },
      done: (data) => `Lost report #${data.id} taken`,
      type: "lost_report",
    }),
  },
  handoff: {
    html: (item, { posts, officers }) => {
      const to = [["desk", "Lost-and-found desk"]]
        .concat(posts.map((p) => [`post:${p.id}`, `Post: ${p.name}`]))
        .concat(officers.map((o) => [`officer:${o.id}`, `Officer: ${o.name}${o.badge ? ` #${o.badge}` : ""}`]));
      const atDesk = item.custodian?.kind === "desk";
      return form("handoff", item.id,
        field("Hand to", `<select name="to" data-testid="lf-to">${options(to, atDesk ? "" : "desk")}</select>`)
        + field("Received by (name)", text("received_by", { max: 120 }))
        + field("Where", text("where"))
        + field("Stored at", text("stored_at")),
        "Record hand-off");
    },
    request: (v, { item }) => {
      const [kind, id] = v.to.split(":");
      const to = { kind };
      if (kind === "post") to.post_id = Number(id);
      if (kind === "officer") to.officer_id = Number(id);
      return {
        path: `/api/v1/found-items/${item.id}/custody`,
        body: { to, received_by: v.received_by, where: v.where, stored_at: v.stored_at },
        done: () => `Hand-off of #${item.id} recorded`,
        type: "found_item",
      };
    },
  },
  agency: {
    html: (item) => form("agency", item.id,
      field("Agency", text("agency", { max: 120, placeholder: "e.g. City PD property room", required: true }))
      + field("Received by (name)", text("received_by", { max: 120 })),
      "Hand to agency"),
    request: (v, { item }) => ({
      path: `/api/v1/found-items/${item.id}/custody`,
      body: { to: { kind: "agency", name: v.agency }, received_by: v.received_by },
      done: () => `#${item.id} handed to ${v.agency}`,
      type: "found_item",
    }),
  },
  dispose: {
    html: (item) => form("dispose", item.id,
      `<p>Unclaimed past its retention period. Disposal is final.</p>`
      + field("How (note)", text("note", { max: 1000, placeholder: "e.g. donated, destroyed" })),
      "Dispose"),
    request: (v, { item }) => ({
      path: `/api/v1/found-items/${item.id}/custody`,
      body: { to: { kind: "disposal", name: "disposal" }, note: v.note },
      done: () => `#${item.id} disposed of`,
      type: "found_item",
    }),
  },
  release: {
    html: (item, { owner, officers }) => form("release", item.id,
      field("Handed to", text("received_by", { max: 120, value: owner?.owner_name || "" }))
      + `<fieldset class="lf-check"><legend>Identity check</legend>
        ${field("How", `<select name="method" data-testid="release-method">${options(IDENTITY_METHODS.map((m) => [m.value, m.label]))}</select>`)}
        ${field("Detail", `<input name="detail" maxlength="500" data-testid="release-detail" placeholder="Which document, or what they described">`)}
        ${field("Verified by", `<select name="verified_by" data-testid="release-verified-by"><option value="">Me</option>${options(officers.map((o) => [o.id, `${o.name}${o.badge ? ` #${o.badge}` : ""}`]))}</select>`)}
      </fieldset>`,
      "Release to owner"),
    request: (v, { item }) => {
      const body = { received_by: v.received_by };
      // Without a detail there is no check: the server refuses, and the form says so.
      if (v.detail) {
        body.identity_check = { method: v.method, detail: v.detail };
        if (v.verified_by) body.identity_check.verified_by = Number(v.verified_by);
      }
      return { path: `/api/v1/found-items/${item.id}/release`, body, done: () => `Returned to ${v.received_by}`, type: "found_item" };
    },
  },
};

/** A form's values, trimmed (an unchecked box is absent). */
export function formValues(node) {
  return Object.fromEntries([...new FormData(node).entries()].map(([k, x]) => [k, typeof x === "string" ? x.trim() : x]));
}
