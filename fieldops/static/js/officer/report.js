// Report an incident in three taps: type → severity → place (+ optional note and photos) → Send.
//
// The report in progress is a draft kept in localStorage (its photos in IndexedDB) from the
// first tap: a reload, or the browser killing the tab while the camera is open, brings the
// officer back to the same step with everything chosen so far. Sent, it goes into the
// outbox's `reports` lane under its client_id (record-sender.js).

import { distanceM, roughDistance } from "../shared/format.js";
import { clientId } from "../shared/outbox.js";
import { DEFAULT_SEVERITY, SEVERITY_LABELS, TYPE_LABELS } from "../shared/vocabulary.js";
import { $ } from "./dom.js";
import { meMarker, pinIcon } from "./maps.js";
import { createPhotoPicker, photoStore } from "./photos.js";
import { createPlaceWords } from "./place-words.js";
import { KEYS } from "./storage.js";

const STEPS = ["type", "severity", "place"];
const STEP_TITLES = { type: "What happened?", severity: "How serious?", place: "Where? Then send." };

export function createReport({ session, request, outbox, maps, lastFix, post }) {
  const draft = { step: "type", type: null, severity: null, pin: null, note: "", photoKeys: [] };
  let placeMap = null; // {map, pin, me}
  const placeWords = createPlaceWords({ session, request, onWords: () => describePin() });
  const photos = createPhotoPicker({
    input: $("report-photos"),
    label: $("report-photo-label"),
    count: $("report-photo-count"),
    keys: () => draft.photoKeys,
    onAdded: saveDraft,
  });

  function saveDraft() {
    try {
      localStorage.setItem(KEYS.reportDraft, JSON.stringify({ ...draft, open: true, savedAt: new Date().toISOString() }));
    } catch (_err) {
      /* full: the report still works, it just does not survive a reload */
    }
  }

  function loadDraft() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEYS.reportDraft) || "null");
      return saved && saved.open && STEPS.includes(saved.step) ? saved : null;
    } catch (_err) {
      return null;
    }
  }

  function dropDraft({ keepPhotos = false } = {}) {
    if (!keepPhotos) for (const key of draft.photoKeys) photoStore.remove(key).catch(() => {});
    localStorage.removeItem(KEYS.reportDraft);
  }

  // --- the wizard -----------------------------------------------------------------------
  function openReport() {
    dropDraft();
    Object.assign(draft, { step: "type", type: null, severity: null, pin: null, note: "", photoKeys: [] });
    showSheet();
  }

  /** After a reload (or the tab killed while the camera was open): the same step, the same
   * choices. */
  function resumeDraft() {
    const saved = loadDraft();
    if (!saved || !$("report-sheet").hidden) return;
    Object.assign(draft, {
      step: saved.step,
      type: saved.type,
      severity: saved.severity,
      pin: saved.pin,
      note: saved.note || "",
      photoKeys: Array.isArray(saved.photoKeys) ? saved.photoKeys : [],
    });
    showSheet();
  }

  function showSheet() {
    $("report-note").value = draft.note;
    photos.reset();
    $("report-sheet").hidden = false;
    document.body.classList.add("sheet-open");
    showStep(draft.type ? draft.step : "type");
  }

  function closeReport() {
    if ($("report-sheet").hidden) return;
    $("report-sheet").hidden = true;
    document.body.classList.remove("sheet-open");
    $("report-open").focus({ preventScroll: true });
  }

  function cancelReport() {
    dropDraft();
    closeReport();
  }

  function showStep(step) {
    draft.step = step;
    saveDraft();
    const index = STEPS.indexOf(step);
    for (const name of STEPS) $(`report-step-${name}`).hidden = name !== step;
    $("report-step-label").textContent = `Step ${index + 1} of 3 · ${STEP_TITLES[step]}`;
    $("report-back").hidden = index === 0;
    const chosen = draft.type ? `${TYPE_LABELS[draft.type]}${index > 1 ? ` · ${SEVERITY_LABELS[draft.severity]}` : ""}` : "";
    for (const node of document.querySelectorAll("[data-report-chosen]")) node.textContent = chosen;
    if (step === "severity") markSeverity();
    if (step === "place") showPlace();
    $("report-sheet").scrollTop = 0;
    $("report-step-label").focus({ preventScroll: true }); // screen readers hear the new step
  }

  function back() {
    showStep(STEPS[Math.max(0, STEPS.indexOf(draft.step) - 1)]);
  }

  function chooseType(event) {
    const button = event.target.closest("[data-type]");
    if (!button) return;
    draft.type = button.dataset.type;
    draft.severity = DEFAULT_SEVERITY[draft.type];
    showStep("severity");
  }

  function markSeverity() {
    for (const button of document.querySelectorAll("[data-severity]")) {
      const suggested = button.dataset.severity === DEFAULT_SEVERITY[draft.type];
      button.setAttribute("aria-pressed", String(button.dataset.severity === draft.severity));
      button.dataset.suggested = String(suggested);
    }
  }

  function chooseSeverity(event) {
    const button = event.target.closest("[data-severity]");
    if (!button) return;
    draft.severity = button.dataset.severity;
    showStep("place");
  }

  function startingPoint() {
    const fix = lastFix();
    if (fix) return { lat: fix.lat, lon: fix.lon, mine: true };
    const mine = post();
    if (mine) return { lat: mine.lat, lon: mine.lon, mine: false };
    return null;
  }

  function showPlace() {
    const start = startingPoint();
    if (!draft.pin && start) {
      draft.pin = { lat: start.lat, lon: start.lon };
      saveDraft();
    }
    if (!placeMap && maps.ready() && draft.pin) {
      const map = maps.smallMap("report-map", { zoomControl: true });
      const pin = window.L.marker([draft.pin.lat, draft.pin.lon], { draggable: true, icon: pinIcon("report"), autoPan: true, keyboard: true, title: "Incident place: drag to move" }).addTo(map);
      pin.on("drag dragend", (event) => {
        const at = pin.getLatLng();
        draft.pin = { lat: at.lat, lon: at.lng };
        describePin();
        if (event.type === "dragend") saveDraft();
      });
      placeMap = { map, pin, me: null };
    }
    if (placeMap) {
      placeMap.map.invalidateSize();
      placeMap.pin.setLatLng([draft.pin.lat, draft.pin.lon]);
      placeMap.map.setView([draft.pin.lat, draft.pin.lon], 17, { animate: false });
      showMeOnPlaceMap();
    }
    describePin();
  }

  function showMeOnPlaceMap() {
    const fix = lastFix();
    if (!placeMap || !fix) return;
    if (!placeMap.me) placeMap.me = meMarker([fix.lat, fix.lon]).addTo(placeMap.map);
    placeMap.me.setLatLng([fix.lat, fix.lon]);
  }

  function describePin() {
    const fix = lastFix();
    const send = $("report-send");
    send.disabled = !draft.pin;
    if (!draft.pin) {
      $("report-pin").textContent = "Waiting for your location…";
      return;
    }
    const moved = fix ? distanceM(fix, draft.pin) : null;
    let text = "Pin at the post (no GPS fix yet): drag it to the place";
    if (moved !== null) text = moved < 10 ? "Pin at your position. Drag it if the incident is elsewhere." : `Pin ${roughDistance(moved)} from you`;
    const words = placeWords.of(draft.pin);
    $("report-pin").textContent = words ? `${words}\n${text}` : text;
  }

  function pinHere() {
    const fix = lastFix();
    if (!fix) return;
    draft.pin = { lat: fix.lat, lon: fix.lon };
    showPlace();
  }

  async function send() {
    if (!draft.pin || !draft.type) return;
    const id = clientId();
    const note = $("report-note").value.trim();
    const body = {
      client_id: id,
      type: draft.type,
      severity: draft.severity,
      lat: Number(draft.pin.lat.toFixed(6)),
      lon: Number(draft.pin.lon.toFixed(6)),
      reported_at: new Date().toISOString(),
    };
    if (note) body.note = note;
    if ($("report-students").checked) body.involves_students = true;
    $("report-students").checked = false;
    outbox.add({ id, lane: "reports", body, photoKeys: [...draft.photoKeys], photosDone: 0, queuedAt: body.reported_at });
    dropDraft({ keepPhotos: true }); // the outbox owns them now
    draft.photoKeys = [];
    closeReport();
    document.getElementById("my-incidents").scrollIntoView({ block: "start" });
  }

  $("report-open").addEventListener("click", openReport);
  $("report-cancel").addEventListener("click", cancelReport);
  $("report-note").addEventListener("input", () => {
    draft.note = $("report-note").value;
    saveDraft();
  });
  $("report-back").addEventListener("click", back);
  $("report-step-type").addEventListener("click", chooseType);
  $("report-step-severity").addEventListener("click", chooseSeverity);
  $("report-pin-here").addEventListener("click", pinHere);
  $("report-send").addEventListener("click", send);

  return {
    resumeDraft,
    /** Leave the report (the officer chose "Found property" instead). */
    cancel: cancelReport,
    /** A new fix: the place step's "you" dot, and a pin at last when there was no fix before. */
    onFix() {
      if (draft.step !== "place" || $("report-sheet").hidden) return;
      if (!draft.pin) showPlace();
      showMeOnPlaceMap();
      describePin();
    },
    reset() {
      localStorage.removeItem(KEYS.reportDraft);
      closeReport();
    },
  };
}
