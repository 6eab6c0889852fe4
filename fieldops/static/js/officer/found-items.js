// Found property: log an item in a few taps (category → colour, a word or two, a photo →
// Log), found here and now, then follow it in "Found property" until it leaves your hands
// (to your post or the lost-and-found desk, recorded from the phone as a hand-off).
//
// The item in progress is a draft in localStorage (its photos in IndexedDB), so the camera
// killing the tab loses nothing. Logged, it waits in the outbox's `found` lane under its
// client_id (record-sender.js); hand-offs wait in the `handoffs` lane. The list is the stream model's
// `found_items` (the officer's copies: no finder contact, no identity checks) plus what waits.

import { formatClock } from "../shared/format.js";
import { el } from "../shared/html.js";
import { clientId, outcome } from "../shared/outbox.js";
import { ITEM_CATEGORY_LABELS, ITEM_STATUS_LABELS } from "../shared/vocabulary.js";
import { $ } from "./dom.js";
import { errorOf } from "./http.js";
import { createPhotoPicker, photoStore } from "./photos.js";
import { createPlaceWords } from "./place-words.js";
import { KEYS, load, store } from "./storage.js";

const STEP_TITLES = { category: "What was found?", details: "Describe it, then log it" };
const EMPTY = () => ({ step: "category", category: null, colours: [], description: "", brand: "", byPublic: false, finderName: "", finderContact: "", photoKeys: [] });

export function createFoundItems({ session, request, outbox, model, lastFix, post, onOpen }) {
  const draft = EMPTY();
  const placeWords = createPlaceWords({ session, request, onWords: () => describePlace() });
  const photos = createPhotoPicker({
    input: $("found-photos"),
    label: $("found-photo-label"),
    count: $("found-photo-count"),
    keys: () => draft.photoKeys,
    onAdded: saveDraft,
  });

  // --- the draft ------------------------------------------------------------------------
  function saveDraft() {
    store(KEYS.foundDraft, { ...draft, open: true });
  }

  function dropDraft({ keepPhotos = false } = {}) {
    if (!keepPhotos) for (const key of draft.photoKeys) photoStore.remove(key).catch(() => {});
    localStorage.removeItem(KEYS.foundDraft);
  }

  // --- the sheet ------------------------------------------------------------------------
  function open() {
    dropDraft();
    Object.assign(draft, EMPTY());
    showSheet();
  }

  function resumeDraft() {
    const saved = load(KEYS.foundDraft, null);
    if (!saved || !saved.open || !$("found-sheet").hidden) return;
    Object.assign(draft, EMPTY(), saved, { photoKeys: Array.isArray(saved.photoKeys) ? saved.photoKeys : [] });
    showSheet();
  }

  function showSheet() {
    $("found-description").value = draft.description;
    $("found-brand").value = draft.brand;
    $("found-by-public").checked = draft.byPublic;
    $("found-finder-name").value = draft.finderName;
    $("found-finder-contact").value = draft.finderContact;
    $("found-error").hidden = true;
    photos.reset();
    $("found-sheet").hidden = false;
    document.body.classList.add("sheet-open");
    showStep(draft.category ? draft.step : "category");
  }

  function close() {
    if ($("found-sheet").hidden) return;
    $("found-sheet").hidden = true;
    document.body.classList.remove("sheet-open");
    $("report-open").focus({ preventScroll: true });
  }

  function cancel() {
    dropDraft();
    close();
  }

  function showStep(step) {
    draft.step = step;
    saveDraft();
    $("found-step-category").hidden = step !== "category";
    $("found-step-details").hidden = step !== "details";
    $("found-step-label").textContent = `${step === "category" ? "Step 1" : "Step 2"} of 2 · ${STEP_TITLES[step]}`;
    $("found-back").hidden = false; // from step 1, back to the incident types
    $("found-chosen").textContent = draft.category ? `Found: ${ITEM_CATEGORY_LABELS[draft.category]}` : "Found property";
    if (step === "details") {
      markColours();
      $("found-public").hidden = !draft.byPublic;
      describePlace();
    }
    $("found-sheet").scrollTop = 0;
    $("found-step-label").focus({ preventScroll: true });
  }

  function back() {
    if (draft.step === "details") return showStep("category");
    cancel();
    $("report-open").click(); // back to "What happened?"
  }

  function chooseCategory(event) {
    const button = event.target.closest("[data-category]");
    if (!button) return;
    draft.category = button.dataset.category;
    showStep("details");
  }

  function markColours() {
    for (const chip of document.querySelectorAll("[data-colour]")) {
      chip.setAttribute("aria-pressed", String(draft.colours.includes(chip.dataset.colour)));
    }
  }

  function toggleColour(event) {
    const chip = event.target.closest("[data-colour]");
    if (!chip) return;
    const colour = chip.dataset.colour;
    draft.colours = draft.colours.includes(colour) ? draft.colours.filter((c) => c !== colour) : [...draft.colours, colour];
    markColours();
    saveDraft();
  }

  /** Where it was found: here (the last fix), else the post; said in words when known. */
  function foundAt() {
    const fix = lastFix();
    if (fix) return { lat: fix.lat, lon: fix.lon, here: true };
    const mine = post();
    return mine ? { lat: mine.lat, lon: mine.lon, here: false } : null;
  }

  function describePlace() {
    const at = foundAt();
    if (!at) {
      $("found-place").textContent = "Where: no location yet. The desk will see it without a place.";
      return;
    }
    const words = placeWords.of(at);
    const where = at.here ? "at your position" : "at your post (no GPS fix yet)";
    $("found-place").textContent = `Found ${where}, now${words ? `\n${words}` : ""}`;
  }

  function readFields() {
    draft.description = $("found-description").value;
    draft.brand = $("found-brand").value;
    draft.byPublic = $("found-by-public").checked;
    draft.finderName = $("found-finder-name").value;
    draft.finderContact = $("found-finder-contact").value;
    $("found-public").hidden = !draft.byPublic;
    if (!draft.byPublic || draft.finderName.trim()) $("found-error").hidden = true;
    saveDraft();
  }

  function send() {
    readFields();
    if (draft.byPublic && !draft.finderName.trim()) {
      $("found-error").textContent = "Write the name of the person who handed it in.";
      $("found-error").hidden = false;
      $("found-finder-name").focus();
      return;
    }
    const id = clientId();
    const at = foundAt();
    const body = { client_id: id, category: draft.category, colours: draft.colours, found_at: new Date().toISOString() };
    if (draft.description.trim()) body.description = draft.description.trim();
    if (draft.brand.trim()) body.brand = draft.brand.trim();
    if (at) Object.assign(body, { lat: Number(at.lat.toFixed(6)), lon: Number(at.lon.toFixed(6)) });
    if (draft.byPublic) {
      body.finder_name = draft.finderName.trim();
      if (draft.finderContact.trim()) body.finder_contact = draft.finderContact.trim();
    }
    outbox.add({ id, lane: "found", body, photoKeys: [...draft.photoKeys], photosDone: 0, queuedAt: body.found_at });
    dropDraft({ keepPhotos: true }); // the outbox owns them now
    draft.photoKeys = [];
    close();
    $("my-found").scrollIntoView({ block: "start" });
  }

  // --- sending --------------------------------------------------------------------------
  /** The `handoffs` lane: one hand-off from this officer; refused (someone else holds it
   * now) it is dropped with the server's reason. */
  async function sendHandOff(item) {
    const res = await request("POST", `/api/v1/found-items/${item.itemId}/custody`, item.body);
    const result = outcome(res);
    if (result === "drop") outbox.update(item.id, { error: errorOf(res.data).message || `refused (${res.status})` });
    if (result === "done") {
      const { record: _record, ...data } = res.data;
      arrived(data);
    }
    return result;
  }

  function handOff(itemId, to) {
    const body = to === "post" ? { to: { kind: "post", post_id: post().id } } : { to: { kind: "desk" } };
    outbox.add({ id: `handoff:${itemId}:${clientId()}`, lane: "handoffs", itemId, body, queuedAt: new Date().toISOString() });
  }

  /** A server's answer carries the item whole, as an envelope does. */
  function arrived(data) {
    model.apply({ type: "found_item", data });
    render();
  }

  // --- the list -------------------------------------------------------------------------
  const withMe = (item) => item.custodian && item.custodian.kind === "officer" && item.custodian.officer_id === session.officerId();

  function rows() {
    const logged = outbox.items("found");
    const byClient = new Map(logged.map((entry) => [entry.id, entry]));
    const listed = model.all("found_items").sort((a, b) => Number(withMe(b)) - Number(withMe(a)) || (a.received_at < b.received_at ? 1 : -1));
    const known = new Set(listed.map((item) => item.client_id));
    const waiting = logged.filter((entry) => !entry.itemId && !known.has(entry.id)).reverse();
    return [...waiting.map((entry) => ({ entry, item: null })), ...listed.map((item) => ({ entry: byClient.get(item.client_id) || null, item }))];
  }

  function delivery(entry) {
    if (!entry) return null;
    if (entry.error) return { state: "failed", text: `Not accepted: ${entry.error}` };
    if (!entry.itemId) return { state: "queued", text: "Queued — will send" };
    const total = entry.photoKeys.length;
    if (total && (entry.photosDone || 0) < total) return { state: "sent", text: `Logged ✓ · photos ${entry.photosDone || 0}/${total} uploading` };
    return { state: "sent", text: entry.photoError ? "Logged ✓ · a photo was refused" : "Logged ✓" };
  }

  function whereNow(item) {
    if (withMe(item)) return "With you";
    const holder = item.custodian;
    const label = ITEM_STATUS_LABELS[item.status] || item.status;
    if (!holder || item.status !== "in_custody") return label;
    return holder.kind === "desk" ? "At the lost-and-found desk" : `With ${holder.name || holder.kind}`;
  }

  function pendingHandOff(item) {
    return outbox.items("handoffs").find((entry) => entry.itemId === item.id && !entry.done) || null;
  }

  function lastRefusal(item) {
    const refused = outbox.items("handoffs").filter((entry) => entry.itemId === item.id && entry.error);
    return refused.length ? refused[refused.length - 1].error : "";
  }

  function describe(thing) {
    return [thing.colours && thing.colours.join(", "), thing.brand, thing.description].filter(Boolean).join(" · ");
  }

  function row({ entry, item }) {
    const data = item || entry.body;
    const sent = delivery(entry);
    const status = item ? `${whereNow(item)} · found ${formatClock(item.found_at)}` : `Not sent yet · ${formatClock(data.found_at)}`;
    const li = el(
      "li",
      { class: "incident-row found-row", "data-testid": "my-found-item", "data-client-id": data.client_id, "data-status": item ? item.status : "queued", "data-delivery": sent ? sent.state : null, "data-with-me": item && withMe(item) ? "true" : null },
      el(
        "div",
        { class: "incident-main" },
        el("p", { class: "incident-what", text: ITEM_CATEGORY_LABELS[data.category] || data.category }),
        describe(data) ? el("p", { class: "incident-place", text: describe(data) }) : null,
        item && item.place ? el("p", { class: "incident-place", text: item.place }) : null,
        el("p", { class: "incident-status", "data-testid": "my-found-status", text: status }),
        sent ? el("p", { class: "incident-delivery", "data-testid": "my-found-delivery", text: sent.text }) : null,
      ),
    );
    if (!item || !withMe(item)) return li;
    const pending = pendingHandOff(item);
    if (pending) {
      li.append(el("p", { class: "incident-delivery", "data-testid": "my-found-handing", text: `Handing to ${pending.body.to.kind === "post" ? "your post" : "the desk"} — will send` }));
      return li;
    }
    const refusal = lastRefusal(item);
    if (refusal) li.append(el("p", { class: "incident-delivery", text: `Hand-off not accepted: ${refusal}` }));
    const actions = el("div", { class: "found-actions" });
    if (post()) actions.append(el("button", { type: "button", class: "btn btn-light", "data-hand-off": "post", "data-item": item.id, "data-testid": "hand-to-post", text: "Hand to my post" }));
    actions.append(el("button", { type: "button", class: "btn btn-light", "data-hand-off": "desk", "data-item": item.id, "data-testid": "hand-to-desk", text: "Hand to the desk" }));
    li.append(actions);
    return li;
  }

  function render() {
    if (!session.officerId()) return;
    const all = rows();
    $("my-found-list").replaceChildren(...all.map(row));
    $("my-found-empty").hidden = all.length > 0;
  }

  $("report-found").addEventListener("click", () => onOpen(open));
  $("found-cancel").addEventListener("click", cancel);
  $("found-back").addEventListener("click", back);
  $("found-step-category").addEventListener("click", chooseCategory);
  $("found-step-details").addEventListener("click", toggleColour);
  for (const id of ["found-description", "found-brand", "found-by-public", "found-finder-name", "found-finder-contact"]) {
    $(id).addEventListener("input", readFields);
    $(id).addEventListener("change", readFields);
  }
  $("found-send").addEventListener("click", send);
  $("my-found-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-hand-off]");
    if (button) handOff(Number(button.dataset.item), button.dataset.handOff);
  });

  return {
    arrived,
    sendHandOff,
    resumeDraft,
    render,
    onFix() {
      if (!$("found-sheet").hidden && draft.step === "details") describePlace();
    },
    reset() {
      localStorage.removeItem(KEYS.foundDraft);
      close();
    },
  };
}
