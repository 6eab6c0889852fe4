// Log an incident from the command post (a phone call, someone walking up): type, severity
// (the type's default until the dispatcher picks one), a note, and the place: typed as a post
// ("at post …") or a race distance ("at mile 18.2"), or picked by clicking the map (it starts
// at the map's centre; the pin can be dragged). The place is always shown in words.

import { clientId, get } from "./api.js";
import { SEVERITIES, TYPES, escapeHtml, typeIcon } from "./looks.js";

const $ = (selector, root = document) => root.querySelector(selector);

export function createNewIncident({ map, drawers, actions, eventId, posts, onLogged }) {
  const root = $("#incident-new");
  const form = $("form", root);
  const typeBox = $("#new-type", root);
  const severityBox = $("#new-severity", root);
  const place = $("#new-place", root);
  const where = $("#new-where", root);
  const choices = $("#new-where-options", root);
  let pin = null;
  let severityPicked = false;
  let asked = 0; // answers to older place questions are dropped

  const reportable = Object.entries(TYPES).filter(([, type]) => !type.fromHelpButton);
  typeBox.innerHTML = reportable.map(([value, { label, school }]) => `
    <label class="pick${school ? " at-school-only" : ""}"><input type="radio" name="type" value="${value}" required>
      <span><i class="pick-icon">${typeIcon(value, 22)}</i>${label}</span></label>`).join("");
  severityBox.innerHTML = SEVERITIES.map((value) => `
    <label class="pick sev-pick sev-${value}"><input type="radio" name="severity" value="${value}">
      <span>${value}</span></label>`).join("");

  typeBox.addEventListener("change", () => {
    if (!severityPicked) setSeverity(TYPES[form.elements.type.value].severity);
  });
  severityBox.addEventListener("change", () => {
    severityPicked = true;
  });
  $('[data-action="close"]', root).addEventListener("click", close);
  form.addEventListener("submit", submit);
  where.addEventListener("change", findTyped);
  where.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault(); // Enter finds the place; the button logs the incident
      findTyped();
    }
  });

  /** "Mile 3 water" (a post), "18.2", "mile 18.2" or "km 5" (a race distance). */
  async function findTyped() {
    const text = where.value.trim();
    if (!text) return;
    const post = posts().find((p) => p.name.toLowerCase() === text.toLowerCase());
    const distance = /^(?:mile|mi|km|k)?\s*(\d+(?:[.,]\d+)?)\s*(?:mi|miles?|km|k)?$/i.exec(text);
    let query = null;
    if (post) query = `post_id=${post.id}`;
    else if (distance) query = `distance=${distance[1].replace(",", ".")}`;
    if (!query) {
      showWords("No post by that name, nor a distance: pick a post from the list or type a number.", true);
      return;
    }
    const ticket = ++asked;
    const answer = await get(`/api/v1/events/${eventId()}/place?${query}`);
    if (ticket !== asked) return;
    if (!answer.ok) {
      showWords(answer.message, true);
      return;
    }
    const latlng = L.latLng(answer.data.lat, answer.data.lon);
    placeAt(latlng, answer.data.text);
    map.setView(latlng, Math.max(map.getZoom(), 16));
  }

  async function describe(latlng) {
    const ticket = ++asked;
    const answer = await get(`/api/v1/events/${eventId()}/place?lat=${latlng.lat.toFixed(6)}&lon=${latlng.lng.toFixed(6)}`);
    if (ticket === asked && answer.ok) showWords(answer.data.text || "no named place near");
  }

  function showWords(text, bad = false) {
    place.textContent = text;
    place.classList.toggle("bad", bad);
  }

  function setSeverity(value) {
    for (const input of form.elements.severity) input.checked = input.value === value;
  }

  function placeAt(latlng, words = null) {
    if (!pin) {
      pin = L.marker(latlng, {
        draggable: true, autoPan: true, pane: "incidents", zIndexOffset: 2000,
        icon: L.divIcon({
          className: "inc-pin-wrap", iconSize: [40, 40], iconAnchor: [20, 20],
          html: '<div class="inc-pin new-pin" data-testid="new-incident-pin">+</div>',
        }),
      }).addTo(map);
      pin.on("dragend", () => showPlace(pin.getLatLng()));
    }
    pin.setLatLng(latlng);
    showPlace(latlng, words);
  }

  function showPlace(latlng, words = null) {
    place.dataset.lat = String(latlng.lat);
    place.dataset.lon = String(latlng.lng);
    place.title = `${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}`;
    if (words !== null) {
      asked += 1; // this answer wins over any question still on its way
      showWords(words || "no named place near");
    } else {
      showWords("…");
      describe(latlng);
    }
  }

  function open() {
    form.reset();
    choices.innerHTML = posts().map((p) => `<option value="${escapeHtml(p.name)}"></option>`).join("");
    severityPicked = false;
    $(".form-error", root).hidden = true;
    drawers.open(root, removePin, { reveal: false }); // the map stays in view to pick the place
    placeAt(map.getCenter());
    document.body.classList.add("picking-place");
    form.elements.type[0].focus({ preventScroll: true });
  }

  function removePin() {
    document.body.classList.remove("picking-place");
    if (pin) pin.remove();
    pin = null;
  }

  function close() {
    removePin();
    drawers.close(root);
  }

  async function submit(e) {
    e.preventDefault();
    const error = $(".form-error", root);
    const type = form.elements.type.value;
    if (!type) {
      error.textContent = "Pick what happened.";
      error.hidden = false;
      return;
    }
    const button = $('button[type="submit"]', root);
    button.disabled = true;
    const incident = await actions.report(eventId(), {
      client_id: clientId(),
      type,
      severity: form.elements.severity.value || TYPES[type].severity,
      note: form.elements.note.value.trim(),
      involves_students: Boolean(form.elements.involves_students?.checked),
      lat: Number(place.dataset.lat),
      lon: Number(place.dataset.lon),
      reported_at: new Date().toISOString(),
    });
    button.disabled = false;
    if (!incident) return;
    close();
    onLogged(incident.id);
  }

  return {
    open,
    close,
    isOpen: () => !root.hidden,
    // While the form is open, a click on the map places the incident.
    mapClick(latlng) {
      if (root.hidden) return false;
      placeAt(latlng);
      return true;
    },
  };
}
