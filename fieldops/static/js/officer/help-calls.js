// The help calls that concern this officer, pushed on their own stream: their own call
// ("Command has seen it — <name>, <time>", who is on the way and how far, "Call off: false
// alarm", kept on the record) and a colleague's call nearby (the server tells officers within
// 1 km): name, distance, place, a map pin, and how command is working it. Also the senders of
// the outbox's `help` and `helpCancel` lanes.

import { distanceM, formatClock, roughDistance } from "../shared/format.js";
import { el } from "../shared/html.js";
import { outcome } from "../shared/outbox.js";
import { $, online } from "./dom.js";
import { meMarker, pinIcon } from "./maps.js";
import { KEYS } from "./storage.js";

const CONFIRM_MS = 5000;
const RESPONSE_WORDS = { dispatched: "dispatched", acknowledged: "acknowledged", en_route: "en route", on_scene: "ON SCENE" };

export function createHelpCalls({ model, officerId, request, eventPath, outbox, freshPosition, lastFix, maps, alarm }) {
  const nearby = { id: null, map: null, pin: null, me: null };
  let confirmCancelUntil = 0;

  async function sendHelp(item) {
    const body = { ...freshPosition(), ...item.body }; // position at the press wins
    const res = await request("POST", eventPath("help"), body);
    if (outcome(res) === "retry") {
      render();
      return "retry";
    }
    outbox.update(item.id, { sentAt: new Date().toISOString(), alertId: res.ok ? res.data.id : null, error: res.ok ? null : `refused (${res.status})` });
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  async function sendCancel(item) {
    const res = await request("POST", `/api/v1/alerts/${item.alertId}/cancel`);
    if (outcome(res) === "retry") return "retry";
    outbox.update(item.id, { error: res.ok ? null : errorText(res) });
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  function errorText(res) {
    return (res.data && res.data.error && res.data.error.message) || `refused (${res.status})`;
  }

  // --- what the server says ------------------------------------------------------------------
  const me = officerId;

  /** An answer carries the alarm whole, like an envelope. */
  function upsert(alert) {
    model.apply({ type: "alert", data: alert });
  }

  /** An `alert` envelope, applied to the model: a colleague's new call sounds the alarm. */
  function arrived(alert, isNew) {
    if (alert.kind !== "help") return;
    const colleague = alert.officer && alert.officer.id !== me();
    if (colleague && isNew && isOpen(alert)) alarm.beep(5);
    render();
  }

  function isFinal(alert) {
    return Boolean(alert.cancelled_at) || ["resolved", "cancelled"].includes(alert.incident_status);
  }

  function isOpen(alert) {
    return !isFinal(alert);
  }

  function newest(filter) {
    const found = model.all("alerts").filter((a) => a.kind === "help" && filter(a));
    found.sort((a, b) => (a.raised_at < b.raised_at ? 1 : a.raised_at > b.raised_at ? -1 : b.id - a.id));
    return found[0] || null;
  }

  function seenIds() {
    try {
      return new Set(JSON.parse(localStorage.getItem(KEYS.helpSeen) || "[]"));
    } catch (_err) {
      return new Set();
    }
  }

  function markSeen(id) {
    const ids = [...seenIds(), id].slice(-50);
    localStorage.setItem(KEYS.helpSeen, JSON.stringify(ids));
  }

  // --- my own call -------------------------------------------------------------------------
  function responderText(r) {
    const how = RESPONSE_WORDS[r.status] || r.status;
    const known = r.distance_m !== null && r.distance_m !== undefined && r.status !== "on_scene";
    let far = known ? ` · ${roughDistance(r.distance_m)} away` : "";
    if (known && r.distance_m < 15) far = " · with you"; // not "0 m away"
    return `${r.name}${r.badge ? ` #${r.badge}` : ""} · ${how}${far}`;
  }

  function progressText(alert) {
    if (alert.cancelled_at) {
      const who = alert.cancelled_by ? alert.cancelled_by.name : "the officer";
      return `Called off by ${who} (false alarm) ${formatClock(alert.cancelled_at)}`;
    }
    if (alert.incident_status === "resolved") return "Resolved";
    if (alert.incident_status === "cancelled") return "Closed by command";
    if (!alert.acknowledged_at) return "Waiting for command to see it";
    const who = alert.acknowledged_by ? alert.acknowledged_by.name : "command";
    return `Command has seen it — ${who}, ${formatClock(alert.acknowledged_at)}`;
  }

  function render() {
    renderMine();
    renderNearby();
  }

  function renderMine() {
    const box = $("help-status");
    if (!officerId()) {
      box.hidden = true;
      return;
    }
    const items = outbox.items("help");
    const pending = items.filter((item) => !item.done);
    const lastItem = items[items.length - 1];
    const mine = newest((a) => a.officer && a.officer.id === me());
    const show = (state, text, detail = "", responders = [], buttons = {}) => {
      box.hidden = false;
      box.dataset.state = state;
      $("help-status-text").textContent = text;
      $("help-status-detail").textContent = detail;
      $("help-status-detail").hidden = !detail;
      $("help-responders").replaceChildren(...responders.map((r) => el("li", { "data-testid": "help-responder", text: responderText(r) })));
      $("help-responders").hidden = responders.length === 0;
      $("help-cancel").hidden = !buttons.cancel;
      $("help-cancel").textContent = Date.now() < confirmCancelUntil ? "Tap again to call off" : "Call off: false alarm";
      $("help-dismiss").hidden = !buttons.dismiss;
    };
    if (pending.length) {
      const text = online() ? "SENDING HELP ALARM… retrying until command has it" : "NO SIGNAL — help alarm saved, sends the moment signal returns";
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
    const cancelling = outbox.pending("helpCancel").some((item) => item.alertId === mine.id);
    if (isFinal(mine)) {
      show("closed", progressText(mine), "", [], { dismiss: true });
      return;
    }
    const sentAt = formatClock(mine.raised_at);
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
    outbox.add({ lane: "helpCancel", alertId: mine.id });
    render();
  }

  function dismissMine() {
    const items = outbox.items("help");
    const lastItem = items[items.length - 1];
    if (lastItem && lastItem.error) outbox.update(lastItem.id, { dismissed: true });
    const mine = newest((a) => a.officer && a.officer.id === me());
    if (mine) markSeen(mine.id);
    render();
  }

  // --- a colleague needs help nearby ----------------------------------------------------------
  function renderNearby() {
    const box = $("nearby-help");
    const alert = officerId() ? newest((a) => a.officer && a.officer.id !== me() && !seenIds().has(a.id)) : null;
    if (!alert || (isFinal(alert) && nearby.id !== alert.id)) {
      box.hidden = true;
      return;
    }
    nearby.id = alert.id;
    box.hidden = false;
    box.dataset.state = isFinal(alert) ? "closed" : "open";
    $("nearby-who").textContent = alert.officer ? `${alert.officer.name} #${alert.officer.badge}` : "An officer";
    const fix = lastFix();
    const hasPlace = typeof alert.lat === "number" && typeof alert.lon === "number";
    let where = "Position unknown — ask command";
    if (hasPlace && fix) where = `${roughDistance(distanceM(fix, alert))} from you`;
    else if (hasPlace) where = "See the pin";
    $("nearby-where").textContent = [where, alert.place, formatClock(alert.raised_at)].filter(Boolean).join(" · ");
    const coming = (alert.responders || []).map(responderText);
    const progress = [progressText(alert), coming.length ? `On the way: ${coming.join("; ")}` : ""].filter(Boolean).join(" · ");
    $("nearby-progress").textContent = progress;
    $("nearby-progress").hidden = !progress;
    $("nearby-map").hidden = !hasPlace;
    if (hasPlace && maps.ready()) drawNearby(alert, fix);
  }

  function drawNearby(alert, fix) {
    if (!nearby.map) {
      nearby.map = maps.smallMap("nearby-map", { dragging: false, touchZoom: false, scrollWheelZoom: false, doubleClickZoom: false });
      nearby.pin = window.L.marker([alert.lat, alert.lon], { icon: pinIcon("help"), interactive: false }).addTo(nearby.map);
    }
    nearby.pin.setLatLng([alert.lat, alert.lon]);
    const points = [[alert.lat, alert.lon]];
    if (fix) {
      if (!nearby.me) nearby.me = meMarker([fix.lat, fix.lon]).addTo(nearby.map);
      nearby.me.setLatLng([fix.lat, fix.lon]);
      points.push([fix.lat, fix.lon]);
    }
    nearby.map.invalidateSize();
    nearby.map.fitBounds(window.L.latLngBounds(points).pad(0.3), { maxZoom: 17, animate: false });
  }

  function dismissNearby() {
    if (nearby.id !== null) markSeen(nearby.id);
    nearby.id = null;
    render();
  }

  function reset() {
    localStorage.removeItem(KEYS.helpSeen);
    nearby.id = null;
    $("help-status").hidden = true;
    $("nearby-help").hidden = true;
  }

  $("help-dismiss").addEventListener("click", dismissMine);
  $("help-cancel").addEventListener("click", callOff);
  $("nearby-dismiss").addEventListener("click", dismissNearby);

  return { sendHelp, sendCancel, arrived, render, renderNearby, reset };
}
