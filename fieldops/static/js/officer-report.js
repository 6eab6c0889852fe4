/* Report an incident in three taps: type → severity → place (+ optional note and photos) → Send.
 *
 * Each report gets its client_id when Send is tapped and goes into a persistent outbox; it
 * is POSTed with the same client_id until the server has it (a repeat answers 200, never a
 * second incident). Photos wait in IndexedDB and are uploaded once the incident exists.
 */
(() => {
  "use strict";

  const K = window.FieldopsKit;
  const O = () => window.FieldopsOfficer;
  const $ = (id) => document.getElementById(id);
  const DEFAULT_SEVERITY = {
    medical: "high",
    crowd: "medium",
    traffic: "medium",
    suspicious: "high",
    fight: "high",
    lost_person: "high",
    hazard: "medium",
    other: "low",
  };
  const STEPS = ["type", "severity", "place"];
  const STEP_TITLES = { type: "What happened?", severity: "How serious?", place: "Where? Then send." };
  const SHRINK_OVER_BYTES = 1500000; // bigger camera photos are scaled down before they wait
  const SHRINK_TO_PX = 2048;

  const draft = { step: "type", type: null, severity: null, pin: null, photos: [] };
  let placeMap = null; // {map, pin, me}

  // --- photos wait in IndexedDB (too big for localStorage) ------------------------------
  const photoStore = {
    db: null,
    open() {
      this.db =
        this.db ||
        new Promise((resolve, reject) => {
          const req = indexedDB.open("fieldops-officer", 1);
          req.onupgradeneeded = () => req.result.createObjectStore("photos");
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      return this.db;
    },
    async run(mode, action) {
      const db = await this.open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction("photos", mode);
        const req = action(tx.objectStore("photos"));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error);
      });
    },
    put: (key, blob) => photoStore.run("readwrite", (s) => s.put(blob, key)),
    get: (key) => photoStore.run("readonly", (s) => s.get(key)),
    remove: (key) => photoStore.run("readwrite", (s) => s.delete(key)),
  };

  async function shrink(file) {
    if (file.size <= SHRINK_OVER_BYTES || !window.createImageBitmap) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, SHRINK_TO_PX / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      return blob && blob.size < file.size ? blob : file;
    } catch (_err) {
      return file; // the server checks it anyway
    }
  }

  // --- the outbox -----------------------------------------------------------------------
  const outbox = new K.Outbox("fieldops.officer.reports.v1", sendReport);

  function changed() {
    document.dispatchEvent(new CustomEvent("fieldops:reports"));
  }

  async function sendReport(item) {
    const officer = O();
    if (!item.incidentId) {
      const res = await officer.request("POST", `/api/v1/events/${officer.session().eventId}/incidents`, item.body);
      if (K.outcome(res) === "retry") return "retry";
      if (!res.ok) {
        outbox.update(item.id, { done: true, error: (res.data && res.data.error && res.data.error.message) || `refused (${res.status})` });
        await Promise.all(item.photoKeys.map((key) => photoStore.remove(key).catch(() => {})));
        changed();
        return "drop";
      }
      item = { ...item, incidentId: res.data.id, sentAt: new Date().toISOString() };
      outbox.update(item.id, { incidentId: item.incidentId, sentAt: item.sentAt });
      document.dispatchEvent(new CustomEvent("fieldops:incident", { detail: res.data }));
      changed();
    }
    for (const key of item.photoKeys.slice(item.photosDone || 0)) {
      const result = await uploadPhoto(item.incidentId, key);
      if (result === "retry") return "retry";
      item.photosDone = (item.photosDone || 0) + 1;
      outbox.update(item.id, { photosDone: item.photosDone, photoError: result === "drop" ? true : item.photoError });
      changed();
    }
    outbox.update(item.id, { done: true });
    changed();
    return "done";
  }

  async function uploadPhoto(incidentId, key) {
    const blob = await photoStore.get(key).catch(() => null);
    if (!blob) return "done"; // gone (storage cleared): nothing to send
    const form = new FormData();
    form.append("photo", blob, "photo.jpg");
    const headers = { Accept: "application/json", Authorization: `Bearer ${O().session().token}` };
    const csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && csrf.content) headers["X-CSRF-Token"] = csrf.content;
    const response = await fetch(`/api/v1/incidents/${incidentId}/photos`, { method: "POST", headers, body: form, credentials: "same-origin" });
    const result = K.outcome(response);
    if (result !== "retry") await photoStore.remove(key).catch(() => {});
    return result;
  }

  // --- the wizard -----------------------------------------------------------------------
  function openReport() {
    Object.assign(draft, { step: "type", type: null, severity: null, pin: null, photos: [] });
    $("report-note").value = "";
    $("report-photos").value = "";
    renderPhotos();
    $("report-sheet").hidden = false;
    document.body.classList.add("sheet-open");
    showStep("type");
  }

  function closeReport() {
    if ($("report-sheet").hidden) return;
    $("report-sheet").hidden = true;
    document.body.classList.remove("sheet-open");
    $("report-open").focus({ preventScroll: true });
  }

  function showStep(step) {
    draft.step = step;
    const index = STEPS.indexOf(step);
    for (const name of STEPS) $(`report-step-${name}`).hidden = name !== step;
    $("report-step-label").textContent = `Step ${index + 1} of 3 · ${STEP_TITLES[step]}`;
    $("report-back").hidden = index === 0;
    const chosen = draft.type ? `${K.TYPES[draft.type]}${index > 1 ? ` · ${K.SEVERITIES[draft.severity]}` : ""}` : "";
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
    const fix = O().lastFix();
    if (fix) return { lat: fix.lat, lon: fix.lon, mine: true };
    const post = O().post();
    if (post) return { lat: post.lat, lon: post.lon, mine: false };
    return null;
  }

  function showPlace() {
    const start = startingPoint();
    draft.pin = draft.pin || (start && { lat: start.lat, lon: start.lon });
    if (!placeMap && window.L && draft.pin) {
      const map = K.smallMap("report-map", { zoomControl: true });
      const pin = L.marker([draft.pin.lat, draft.pin.lon], { draggable: true, icon: K.pinIcon("report"), autoPan: true, keyboard: true, title: "Incident place: drag to move" }).addTo(map);
      pin.on("drag dragend", () => {
        const at = pin.getLatLng();
        draft.pin = { lat: at.lat, lon: at.lng };
        describePin();
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
    const fix = O().lastFix();
    if (!placeMap || !fix) return;
    if (!placeMap.me) placeMap.me = K.meMarker([fix.lat, fix.lon]).addTo(placeMap.map);
    placeMap.me.setLatLng([fix.lat, fix.lon]);
  }

  function describePin() {
    const fix = O().lastFix();
    const send = $("report-send");
    send.disabled = !draft.pin;
    if (!draft.pin) {
      $("report-pin").textContent = "Waiting for your location…";
      return;
    }
    const moved = fix ? O().distanceM(fix, draft.pin) : null;
    let text = "Pin at the post (no GPS fix yet): drag it to the place";
    if (moved !== null) text = moved < 10 ? "Pin at your position. Drag it if the incident is elsewhere." : `Pin ${K.distanceLabel(moved)} from you`;
    $("report-pin").textContent = text;
  }

  function pinHere() {
    const fix = O().lastFix();
    if (!fix) return;
    draft.pin = { lat: fix.lat, lon: fix.lon };
    showPlace();
  }

  function addPhotos() {
    draft.photos = [...draft.photos, ...$("report-photos").files].slice(0, 6);
    $("report-photos").value = "";
    renderPhotos();
  }

  function renderPhotos() {
    const n = draft.photos.length;
    $("report-photo-count").textContent = n ? `${n} photo${n === 1 ? "" : "s"} attached` : "";
    $("report-photo-label").textContent = n ? "Add another photo" : "Add photo";
  }

  async function send() {
    if (!draft.pin || !draft.type) return;
    const id = K.uuid();
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
    const photos = draft.photos;
    closeReport();
    const photoKeys = [];
    for (const [i, file] of photos.entries()) {
      const key = `${id}/${i}`;
      try {
        await photoStore.put(key, await shrink(file));
        photoKeys.push(key);
      } catch (_err) {
        /* no IndexedDB (private mode): the report still goes, without this photo */
      }
    }
    outbox.add({ id, body, photoKeys, photosDone: 0, queuedAt: body.reported_at });
    changed();
    document.getElementById("my-incidents").scrollIntoView({ block: "start" });
  }

  function bind() {
    $("report-open").addEventListener("click", openReport);
    $("report-cancel").addEventListener("click", closeReport);
    $("report-back").addEventListener("click", back);
    $("report-step-type").addEventListener("click", chooseType);
    $("report-step-severity").addEventListener("click", chooseSeverity);
    $("report-pin-here").addEventListener("click", pinHere);
    $("report-photos").addEventListener("change", addPhotos);
    $("report-send").addEventListener("click", send);
    document.addEventListener("fieldops:fix", () => {
      if (draft.step !== "place" || $("report-sheet").hidden) return;
      if (!draft.pin) showPlace(); // the first fix: now there is a place to pin
      showMeOnPlaceMap();
      describePin();
    });
    document.addEventListener("fieldops:ended", closeReport);
    document.addEventListener("fieldops:main", () => outbox.drain());
  }

  window.FieldopsReports = { items: () => outbox.items() };
  bind(); // deferred: the page is parsed, and officer.js (after this) has not started yet
})();
