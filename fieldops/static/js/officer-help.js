/* "I NEED HELP": press and hold (a pocket press or a brushed glove does nothing), then the
 * alarm goes into a persistent outbox and is retried with the same client_id until the
 * server has it. From then on the phone follows the call as command works it, pushed on the
 * officer's own stream: "Command has seen it — <name>, <time>", who is on the way and how far,
 * and, for a false alarm, "Call off" (kept on the record).
 *
 * A colleague's help alarm nearby (the server tells officers within 1 km) shows as a card
 * with name, distance, place and a map pin, and follows the call the same way.
 */
(() => {
  "use strict";

  const K = window.FieldopsKit;
  const O = () => window.FieldopsOfficer;
  const $ = (id) => document.getElementById(id);
  const HOLD_MS = 1500;
  const CONFIRM_MS = 5000;
  const SEEN_KEY = "fieldops.officer.help-seen.v1"; // alarm ids whose final card was dismissed
  const RESPONSE_WORDS = { dispatched: "dispatched", acknowledged: "acknowledged", en_route: "en route", on_scene: "ON SCENE" };

  const hold = { startedAt: 0, frame: 0, pointer: null };
  const alerts = new Map(); // id → the newest copy of a help alarm that concerns me
  const nearby = { id: null, map: null, pin: null, me: null };
  let confirmCancelUntil = 0;

  // --- sending -------------------------------------------------------------------------------
  const outbox = new K.Outbox("fieldops.officer.help.v1", sendHelp);
  const cancels = new K.Outbox("fieldops.officer.help-cancel.v1", sendCancel);

  async function sendHelp(item) {
    const officer = O();
    const body = { ...officer.freshPosition(), ...item.body }; // position at the press wins
    const res = await officer.request("POST", `/api/v1/events/${officer.session().eventId}/help`, body);
    if (K.outcome(res) === "retry") {
      render();
      return "retry";
    }
    outbox.update(item.id, { done: true, sentAt: new Date().toISOString(), alertId: res.ok ? res.data.id : null, error: res.ok ? null : `refused (${res.status})` });
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  async function sendCancel(item) {
    const res = await O().request("POST", `/api/v1/alerts/${item.alertId}/cancel`);
    if (K.outcome(res) === "retry") return "retry";
    cancels.update(item.id, { done: true, error: res.ok ? null : errorText(res) });
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  function errorText(res) {
    return (res.data && res.data.error && res.data.error.message) || `refused (${res.status})`;
  }

  function raise() {
    if (navigator.vibrate) navigator.vibrate(200);
    const id = K.uuid();
    outbox.add({ id, body: { client_id: id, ...O().freshPosition() }, at: new Date().toISOString() });
    render();
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

  // --- what the server says ------------------------------------------------------------------
  function me() {
    return O().session() && O().session().officerId;
  }

  function upsert(alert) {
    if (alert.kind !== "help") return false;
    const known = alerts.get(alert.id);
    alerts.set(alert.id, alert);
    return !known;
  }

  async function load() {
    for (const alert of await K.eventList("alerts")) upsert(alert);
    render();
  }


  function onEnvelope(event) {
    const envelope = event.detail;
    const alert = envelope.data;
    if (envelope.type !== "alert" || alert.kind !== "help") return;
    const isNew = upsert(alert);
    const colleague = alert.officer && alert.officer.id !== me();
    if (colleague && isNew && isOpen(alert)) K.alarm(5);
    render();
  }

  function isFinal(alert) {
    return Boolean(alert.cancelled_at) || ["resolved", "cancelled"].includes(alert.incident_status);
  }

  function isOpen(alert) {
    return !isFinal(alert);
  }

  function newest(filter) {
    const found = [...alerts.values()].filter(filter);
    found.sort((a, b) => (a.raised_at < b.raised_at ? 1 : a.raised_at > b.raised_at ? -1 : b.id - a.id));
    return found[0] || null;
  }

  function seenIds() {
    try {
      return new Set(JSON.parse(localStorage.getItem(SEEN_KEY) || "[]"));
    } catch (_err) {
      return new Set();
    }
  }

  function markSeen(id) {
    const ids = [...seenIds(), id].slice(-50);
    localStorage.setItem(SEEN_KEY, JSON.stringify(ids));
  }

  // --- my own call -------------------------------------------------------------------------
  function responderText(r) {
    const how = RESPONSE_WORDS[r.status] || r.status;
    const known = r.distance_m !== null && r.distance_m !== undefined && r.status !== "on_scene";
    let far = known ? ` · ${K.distanceLabel(r.distance_m)} away` : "";
    if (known && r.distance_m < 15) far = " · with you"; // not "0 m away"
    return `${r.name}${r.badge ? ` #${r.badge}` : ""} · ${how}${far}`;
  }

  function progressText(alert) {
    if (alert.cancelled_at) {
      const who = alert.cancelled_by ? alert.cancelled_by.name : "the officer";
      return `Called off by ${who} (false alarm) ${O().clock(alert.cancelled_at)}`;
    }
    if (alert.incident_status === "resolved") return "Resolved";
    if (alert.incident_status === "cancelled") return "Closed by command";
    if (!alert.acknowledged_at) return "Waiting for command to see it";
    const who = alert.acknowledged_by ? alert.acknowledged_by.name : "command";
    return `Command has seen it — ${who}, ${O().clock(alert.acknowledged_at)}`;
  }

  function render() {
    renderMine();
    renderNearby();
  }

  function renderMine() {
    const box = $("help-status");
    if (!O().session()) {
      box.hidden = true;
      return;
    }
    const items = outbox.items();
    const pending = items.filter((item) => !item.done);
    const lastItem = items[items.length - 1];
    const mine = newest((a) => a.officer && a.officer.id === me());
    const show = (state, text, detail = "", responders = [], buttons = {}) => {
      box.hidden = false;
      box.dataset.state = state;
      $("help-status-text").textContent = text;
      $("help-status-detail").textContent = detail;
      $("help-status-detail").hidden = !detail;
      $("help-responders").replaceChildren(...responders.map((r) => K.el("li", { "data-testid": "help-responder", text: responderText(r) })));
      $("help-responders").hidden = responders.length === 0;
      $("help-cancel").hidden = !buttons.cancel;
      $("help-cancel").textContent = Date.now() < confirmCancelUntil ? "Tap again to call off" : "Call off: false alarm";
      $("help-dismiss").hidden = !buttons.dismiss;
    };
    if (pending.length) {
      const text = O().online() ? "SENDING HELP ALARM… retrying until command has it" : "NO SIGNAL — help alarm saved, sends the moment signal returns";
      show("sending", text, "Call command by radio too.");
      return;
    }
    if (lastItem && lastItem.error && !lastItem.dismissed && (!mine || mine.id !== lastItem.alertId)) {
      show("sending", `Help alarm refused: ${lastItem.error}. Call command by radio.`, "", [], { dismiss: true });
      return;
    }
    if (!mine || seenIds().has(mine.id)) {
      box.hidden = true;
      return;
    }
    const cancelling = cancels.pending().some((item) => item.alertId === mine.id);
    if (isFinal(mine)) {
      show("closed", progressText(mine), "", [], { dismiss: true });
      return;
    }
    const sentAt = O().clock(mine.raised_at);
    const responders = mine.responders || [];
    if (!mine.acknowledged_at) {
      const detail = cancelling ? "Calling it off…" : "Waiting for command to see it. Stay on the radio.";
      show("open", `HELP SENT — command notified ${sentAt}`, detail, responders, { cancel: !cancelling });
      return;
    }
    let detail = responders.length ? "On the way:" : "Nobody sent yet — command is on it.";
    if (cancelling) detail = "Calling it off…";
    show("seen", progressText(mine), detail, responders, { cancel: !cancelling });
  }

  function callOff() {
    const mine = newest((a) => a.officer && a.officer.id === me());
    if (!mine || isFinal(mine)) return;
    if (Date.now() >= confirmCancelUntil) {
      confirmCancelUntil = Date.now() + CONFIRM_MS;
      setTimeout(render, CONFIRM_MS + 50);
      render();
      return;
    }
    confirmCancelUntil = 0;
    cancels.add({ id: K.uuid(), alertId: mine.id });
    render();
  }

  function dismissMine() {
    const items = outbox.items();
    const lastItem = items[items.length - 1];
    if (lastItem && lastItem.error) outbox.update(lastItem.id, { dismissed: true });
    const mine = newest((a) => a.officer && a.officer.id === me());
    if (mine) markSeen(mine.id);
    render();
  }

  // --- a colleague needs help nearby ----------------------------------------------------------
  function renderNearby() {
    const box = $("nearby-help");
    const alert = O().session() ? newest((a) => a.officer && a.officer.id !== me() && !seenIds().has(a.id)) : null;
    if (!alert || (isFinal(alert) && nearby.id !== alert.id)) {
      box.hidden = true;
      return;
    }
    nearby.id = alert.id;
    box.hidden = false;
    box.dataset.state = isFinal(alert) ? "closed" : "open";
    $("nearby-who").textContent = alert.officer ? `${alert.officer.name} #${alert.officer.badge}` : "An officer";
    const fix = O().lastFix();
    const hasPlace = typeof alert.lat === "number" && typeof alert.lon === "number";
    let where = "Position unknown — ask command";
    if (hasPlace && fix) where = `${K.distanceLabel(O().distanceM(fix, alert))} from you`;
    else if (hasPlace) where = "See the pin";
    $("nearby-where").textContent = [where, alert.place, O().clock(alert.raised_at)].filter(Boolean).join(" · ");
    const coming = (alert.responders || []).map(responderText);
    const progress = [progressText(alert), coming.length ? `On the way: ${coming.join("; ")}` : ""].filter(Boolean).join(" · ");
    $("nearby-progress").textContent = progress;
    $("nearby-progress").hidden = !progress;
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
    if (nearby.id !== null) markSeen(nearby.id);
    nearby.id = null;
    render();
  }

  function reset() {
    alerts.clear();
    localStorage.removeItem(SEEN_KEY);
    nearby.id = null;
    $("help-status").hidden = true;
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
    $("help-dismiss").addEventListener("click", dismissMine);
    $("help-cancel").addEventListener("click", callOff);
    $("nearby-dismiss").addEventListener("click", dismissNearby);
    document.addEventListener("fieldops:envelope", onEnvelope);
    document.addEventListener("fieldops:main", () => {
      render();
      load();
    });
    document.addEventListener("fieldops:joined", load);
    document.addEventListener("fieldops:fix", renderNearby);
    window.addEventListener("online", render);
    window.addEventListener("offline", render);
    document.addEventListener("fieldops:ended", reset);
  }

  bind();
})();
