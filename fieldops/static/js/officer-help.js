/* "I NEED HELP": press and hold (a pocket press or a brushed glove does nothing), then the
 * alarm goes into a persistent outbox and is retried with the same client_id until the
 * server has it. A colleague's help alarm nearby (the server sends those within 1 km) shows
 * as a banner with name, distance and a map pin.
 */
(() => {
  "use strict";

  const K = window.FieldopsKit;
  const O = () => window.FieldopsOfficer;
  const $ = (id) => document.getElementById(id);
  const HOLD_MS = 1500;

  const hold = { startedAt: 0, frame: 0, pointer: null };
  const nearby = { alert: null, map: null, pin: null, me: null };

  // --- sending -------------------------------------------------------------------------------
  const outbox = new K.Outbox("fieldops.officer.help.v1", sendHelp);

  async function sendHelp(item) {
    const officer = O();
    const body = { ...officer.freshPosition(), ...item.body }; // position at the press wins
    const res = await officer.request("POST", `/api/v1/events/${officer.session().eventId}/help`, body);
    if (K.outcome(res) === "retry") {
      renderStatus();
      return "retry";
    }
    outbox.update(item.id, { done: true, sentAt: new Date().toISOString(), error: res.ok ? null : `refused (${res.status})` });
    renderStatus();
    return "done";
  }

  function raise() {
    if (navigator.vibrate) navigator.vibrate(200);
    const id = K.uuid();
    outbox.add({ id, body: { client_id: id, ...O().freshPosition() }, at: new Date().toISOString() });
    renderStatus();
  }

  // --- press and hold ----------------------------------------------------------------------
  function setProgress(value) {
    $("help-button").style.setProperty("--hold", String(value));
  }

  function begin(event) {
    if (hold.startedAt) return;
    if (event.pointerId !== undefined) {
      hold.pointer = event.pointerId;
      event.currentTarget.setPointerCapture(event.pointerId); // a finger sliding a bit still holds
    }
    hold.startedAt = performance.now();
    $("help-button").dataset.state = "holding";
    $("help-hint").textContent = "Keep holding…";
    hold.frame = requestAnimationFrame(step);
  }

  function step(now) {
    if (!hold.startedAt) return;
    const progress = Math.min(1, (now - hold.startedAt) / HOLD_MS);
    setProgress(progress);
    if (progress >= 1) {
      finish(true);
      return;
    }
    hold.frame = requestAnimationFrame(step);
  }

  function finish(completed) {
    if (!hold.startedAt) return;
    cancelAnimationFrame(hold.frame);
    hold.startedAt = 0;
    hold.pointer = null;
    setProgress(0);
    $("help-button").dataset.state = "idle";
    $("help-hint").textContent = completed ? "sent — hold again to repeat" : "hold 1.5 s";
    if (completed) raise();
  }

  function end() {
    finish(false); // released early: nothing is sent
  }

  function onKey(event) {
    if (event.key !== " " && event.key !== "Enter") return;
    event.preventDefault();
    if (event.type === "keydown" && !event.repeat) begin(event);
    if (event.type === "keyup") end();
  }

  // --- what the officer sees -------------------------------------------------------------
  function renderStatus() {
    const items = outbox.items();
    const pending = items.filter((item) => !item.done);
    const last = items[items.length - 1];
    const box = $("help-status");
    if (pending.length) {
      box.dataset.state = "sending";
      $("help-status-text").textContent = O().online() ? "SENDING HELP ALARM… retrying until command has it" : "NO SIGNAL — help alarm saved, sends the moment signal returns";
    } else if (last && !last.dismissed && !last.error) {
      box.dataset.state = "sent";
      $("help-status-text").textContent = `HELP SENT — command notified ${O().clock(last.sentAt)}`;
    } else if (last && !last.dismissed) {
      box.dataset.state = "sending";
      $("help-status-text").textContent = `Help alarm refused: ${last.error}. Call command by radio.`;
    }
    box.hidden = !pending.length && !(last && !last.dismissed);
    $("help-dismiss").hidden = pending.length > 0;
  }

  function dismissStatus() {
    const items = outbox.items();
    if (items.length) outbox.update(items[items.length - 1].id, { dismissed: true });
    renderStatus();
  }

  // --- a colleague needs help nearby ----------------------------------------------------------
  function onEnvelope(event) {
    const envelope = event.detail;
    const alert = envelope.data;
    if (envelope.type !== "alert" || alert.kind !== "help") return;
    if (alert.officer && alert.officer.id === O().session().officerId) return; // my own
    const isNew = !nearby.alert || nearby.alert.id !== alert.id;
    nearby.alert = alert;
    $("nearby-help").hidden = false;
    renderNearby();
    if (isNew && !alert.acknowledged_at) K.alarm(5);
  }

  function renderNearby() {
    const alert = nearby.alert;
    if (!alert) return;
    const who = alert.officer ? `${alert.officer.name} #${alert.officer.badge}` : "An officer";
    $("nearby-who").textContent = who;
    const fix = O().lastFix();
    const hasPlace = typeof alert.lat === "number" && typeof alert.lon === "number";
    let where = "Position unknown — ask command";
    if (hasPlace && fix) where = `${K.distanceLabel(O().distanceM(fix, alert))} from you`;
    else if (hasPlace) where = "See the pin";
    $("nearby-where").textContent = `${where} · ${O().clock(alert.raised_at)}${alert.acknowledged_at ? " · command has it" : ""}`;
    $("nearby-map").hidden = !hasPlace;
    if (hasPlace && window.L) drawNearby(alert, fix);
  }

  function drawNearby(alert, fix) {
    if (!nearby.map) {
      nearby.map = K.smallMap("nearby-map", { dragging: false, touchZoom: false, scrollWheelZoom: false, doubleClickZoom: false });
      nearby.pin = L.marker([alert.lat, alert.lon], { icon: K.pinIcon("help"), interactive: false }).addTo(nearby.map);
    }
    nearby.pin.setLatLng([alert.lat, alert.lon]);
    const points = [[alert.lat, alert.lon]];
    if (fix) {
      if (!nearby.me) nearby.me = K.meMarker([fix.lat, fix.lon]).addTo(nearby.map);
      nearby.me.setLatLng([fix.lat, fix.lon]);
      points.push([fix.lat, fix.lon]);
    }
    nearby.map.invalidateSize();
    nearby.map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 17, animate: false });
  }

  function dismissNearby() {
    $("nearby-help").hidden = true;
  }

  function bind() {
    const button = $("help-button");
    button.addEventListener("pointerdown", begin);
    button.addEventListener("pointerup", end);
    button.addEventListener("pointercancel", end);
    button.addEventListener("lostpointercapture", end);
    button.addEventListener("keydown", onKey);
    button.addEventListener("keyup", onKey);
    button.addEventListener("contextmenu", (event) => event.preventDefault()); // long press menu
    button.addEventListener("click", (event) => event.preventDefault());
    $("help-dismiss").addEventListener("click", dismissStatus);
    $("nearby-dismiss").addEventListener("click", dismissNearby);
    document.addEventListener("fieldops:envelope", onEnvelope);
    document.addEventListener("fieldops:main", renderStatus);
    document.addEventListener("fieldops:fix", renderNearby);
    window.addEventListener("online", renderStatus);
    window.addEventListener("offline", renderStatus);
    document.addEventListener("fieldops:ended", () => {
      $("help-status").hidden = true;
      dismissNearby();
    });
  }

  bind();
})();
