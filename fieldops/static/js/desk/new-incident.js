// Log an incident from the command post (a phone call, someone walking up): type, severity
// (the type's default until the dispatcher picks one), a note, and the place, picked by
// clicking the map (it starts at the map's centre; the pin can be dragged).

import { clientId } from "./api.js";
import { SEVERITIES, TYPES, typeIcon } from "./looks.js";

const $ = (selector, root = document) => root.querySelector(selector);

export function createNewIncident({ map, drawers, actions, eventId, onLogged }) {
  const root = $("#incident-new");
  const form = $("form", root);
  const typeBox = $("#new-type", root);
  const severityBox = $("#new-severity", root);
  const place = $("#new-place", root);
  let pin = null;
  let severityPicked = false;

  typeBox.innerHTML = Object.entries(TYPES).map(([value, { label }]) => `
    <label class="pick"><input type="radio" name="type" value="${value}" required>
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

  function setSeverity(value) {
    for (const input of form.elements.severity) input.checked = input.value === value;
  }

  function placeAt(latlng) {
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
    showPlace(latlng);
  }

  function showPlace(latlng) {
    place.textContent = `${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}`;
    place.dataset.lat = String(latlng.lat);
    place.dataset.lon = String(latlng.lng);
  }

  function open() {
    form.reset();
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
