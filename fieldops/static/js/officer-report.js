/* Report an incident in three taps: type → severity → place (+ optional note and photos) → Send.
 *
 * The report in progress is a draft kept in localStorage (its photos in IndexedDB) from the
 * first tap: a reload, or the browser killing the tab while the camera is open, brings the
 * officer back to the same step with everything chosen so far.
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

  const DRAFT_KEY = "fieldops.officer.report-draft.v1";
  const MAX_PHOTOS = 6;
  const draft = { step: "type", type: null, severity: null, pin: null, note: "", photoKeys: [] };
  let placeMap = null; // {map, pin, me}

  function saveDraft() {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({ ...draft, open: true, savedAt: new Date().toISOString() }));
    } catch (_err) {
      /* full: the report still works, it just does not survive a reload */
    }
  }

  function loadDraft() {
    try {
      const saved = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
      return saved && saved.open && STEPS.includes(saved.step) ? saved : null;
    } catch (_err) {
      return null;
    }
  }

  function dropDraft({ keepPhotos = false } = {}) {
    if (!keepPhotos) for (const key of draft.photoKeys) photoStore.remove(key).catch(() => {});
    localStorage.removeItem(DRAFT_KEY);
  }

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
    $("report-photos").value = "";
    renderPhotos();
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
    if (!draft.pin && start) {
      draft.pin = { lat: start.lat, lon: start.lon };
      saveDraft();
    }
    if (!placeMap && window.L && draft.pin) {
      const map = K.smallMap("report-map", { zoomControl: true });
      const pin = L.marker([draft.pin.lat, draft.pin.lon], { draggable: true, icon: K.pinIcon("report"), autoPan: true, keyboard: true, title: "Incident place: drag to move" }).addTo(map);
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
    const words = placeWords.for === pinKey() ? placeWords.text : "";
    $("report-pin").textContent = words ? `${words}\n${text}` : text;
    if (placeWords.for !== pinKey()) askPlace();
  }

  // The pin's place in words, as command will read it ("Mile 18.2 · near …"), asked of the
  // server when the pin settles; without signal the sentence simply goes without it.
  const placeWords = { for: "", text: "", timer: 0 };

  function pinKey() {
    return draft.pin ? `${draft.pin.lat.toFixed(5)},${draft.pin.lon.toFixed(5)}` : "";
  }

  function askPlace() {
    clearTimeout(placeWords.timer);
    placeWords.timer = setTimeout(async () => {
      const key = pinKey();
      const session = O().session();
      if (!key || !session || !O().online()) return;
      const [lat, lon] = key.split(",");
      try {
        const res = await O().request("GET", `/api/v1/events/${session.eventId}/place?lat=${lat}&lon=${lon}`);
        if (!res.ok) return;
        Object.assign(placeWords, { for: key, text: res.data.text || "" });
        if (pinKey() === key) describePin();
      } catch (_err) {
        /* no signal */
      }
    }, 400);
  }

  function pinHere() {
    const fix = O().lastFix();
    if (!fix) return;
    draft.pin = { lat: fix.lat, lon: fix.lon };
    showPlace();
  }

  /** Each photo goes to IndexedDB the moment it is chosen, under the draft. */
  async function addPhotos() {
    const files = [...$("report-photos").files].slice(0, MAX_PHOTOS - draft.photoKeys.length);
    $("report-photos").value = "";
    for (const file of files) {
      const key = `draft/${K.uuid()}`;
      try {
        await photoStore.put(key, await shrink(file));
        draft.photoKeys.push(key);
      } catch (_err) {
        /* no IndexedDB (private mode): the report still goes, without this photo */
      }
    }
    saveDraft();
    renderPhotos();
  }

  function renderPhotos() {
    const n = draft.photoKeys.length;
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
    outbox.add({ id, body, photoKeys: [...draft.photoKeys], photosDone: 0, queuedAt: body.reported_at });
    dropDraft({ keepPhotos: true }); // the outbox owns them now
    draft.photoKeys = [];
    closeReport();
    changed();
    document.getElementById("my-incidents").scrollIntoView({ block: "start" });
  }

  function bind() {
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
    $("report-photos").addEventListener("change", addPhotos);
    $("report-send").addEventListener("click", send);
    document.addEventListener("fieldops:fix", () => {
      if (draft.step !== "place" || $("report-sheet").hidden) return;
      if (!draft.pin) showPlace(); // the first fix: now there is a place to pin
      showMeOnPlaceMap();
      describePin();
    });
    document.addEventListener("fieldops:ended", () => {
      localStorage.removeItem(DRAFT_KEY);
      closeReport();
    });
    document.addEventListener("fieldops:main", () => {
      outbox.drain();
      resumeDraft();
    });
  }

  window.FieldopsReports = { items: () => outbox.items() };
  bind(); // deferred: the page is parsed, and officer.js (after this) has not started yet
})();
