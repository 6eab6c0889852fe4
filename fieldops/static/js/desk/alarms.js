// The alarm bar over the map: every open alarm, officer-needs-help first, each with a big
// Acknowledge button. A help alarm flashes red and brings the map to the officer, following
// them. An acknowledged alarm says who took it, then leaves the bar.

import { post } from "./api.js";
import { ALERT_LABEL, escapeHtml, formatAge, parseTime } from "./looks.js";

const LEAVE_AFTER_MS = 3000;

// `accept(alert)` hands a REST answer to the stream model, which tells us back like an envelope.
export function createAlarms({ accept, serverNow, sound, say, canAct, followOfficer, showPlace, openIncident, showHelp }) {
  const bar = document.getElementById("alarm-bar");
  const list = document.getElementById("alarm-list");
  const alerts = new Map(); // id -> alert (open ones, and acknowledged ones on their way out)
  const leaving = new Map(); // id -> timer

  list.addEventListener("click", (e) => {
    const item = e.target.closest("[data-alert-id]");
    if (!item) return;
    const alert = alerts.get(Number(item.dataset.alertId));
    if (!alert) return;
    if (e.target.closest('[data-action="acknowledge"]')) acknowledge(alert);
    else locate(alert);
  });

  const closed = (a) => Boolean(a.acknowledged_at || a.cancelled_at);

  function sorted() {
    return [...alerts.values()].sort((a, b) =>
      (closed(a) ? 1 : 0) - (closed(b) ? 1 : 0) ||
      a.priority - b.priority || parseTime(a.raised_at) - parseTime(b.raised_at));
  }

  function openOnes() {
    return [...alerts.values()].filter((a) => !closed(a));
  }

  function locate(alert) {
    if (alert.kind === "help" && alert.officer) followOfficer(alert.officer.id, alert);
    else if (alert.incident_id) openIncident(alert.incident_id);
    else if (alert.lat != null) showPlace(alert.lat, alert.lon);
  }

  function upsert(alert, { fresh = false } = {}) {
    const known = alerts.get(alert.id);
    if (known && closed(known) && !closed(alert)) return; // an older copy
    if (!known && !fresh && closed(alert)) return; // closed before we saw it
    alerts.set(alert.id, alert);
    if (closed(alert)) {
      if (!leaving.has(alert.id)) {
        leaving.set(alert.id, setTimeout(() => {
          alerts.delete(alert.id);
          leaving.delete(alert.id);
          render();
        }, LEAVE_AFTER_MS));
      }
    } else if (fresh && !known && alert.kind === "help") {
      locate(alert);
    }
    render();
  }

  async function acknowledge(alert) {
    const answer = await post(`/api/v1/alerts/${alert.id}/acknowledge`);
    if (answer.ok) accept(answer.data);
    else if (answer.status === 409 && answer.error) say(answer.message, "bad"); // its envelope follows
    else say(`Not acknowledged: ${answer.message}`, "bad");
  }

  function render() {
    const items = sorted();
    bar.hidden = items.length === 0;
    const now = serverNow();
    list.replaceChildren(...items.map((alert) => itemFor(alert, now)));
    const open = openOnes();
    sound.set(open.length, open.some((a) => a.kind === "help"));
    showHelp(open.filter((a) => a.kind === "help"));
    document.body.classList.toggle("alarm-open", open.length > 0);
  }

  function itemFor(alert, now) {
    const item = document.createElement("li");
    item.className = `alarm kind-${alert.kind}`;
    item.dataset.alertId = String(alert.id);
    item.dataset.kind = alert.kind;
    item.setAttribute("data-testid", "alarm");
    const done = closed(alert);
    item.classList.toggle("acknowledged", done);
    const age = formatAge(now - parseTime(alert.raised_at));
    const coming = (alert.responders || []).length;
    const extra = [alert.place, coming ? `${coming} on the way` : ""].filter(Boolean).join(" · ");
    let end = canAct
      ? '<button type="button" class="alarm-ack" data-action="acknowledge" data-testid="alarm-acknowledge">Acknowledge</button>'
      : '<span class="alarm-done alarm-waiting" data-testid="alarm-open">Open</span>';
    if (alert.cancelled_at) {
      end = `<span class="alarm-done" data-testid="alarm-cancelled-by">Called off by ${escapeHtml(alert.cancelled_by?.name || "the officer")}</span>`;
    } else if (alert.acknowledged_at) {
      end = `<span class="alarm-done" data-testid="alarm-acknowledged-by">Acknowledged by ${escapeHtml(alert.acknowledged_by?.name || "someone")}</span>`;
    }
    item.innerHTML = `
      <button type="button" class="alarm-what" title="Show on the map">
        <span class="alarm-kind">${escapeHtml(ALERT_LABEL[alert.kind] || alert.kind)}</span>
        <span class="alarm-message">${escapeHtml(alert.message)}</span>
        ${extra ? `<span class="alarm-place" data-testid="alarm-place">${escapeHtml(extra)}</span>` : ""}
      </button>
      <span class="alarm-age" data-since="${escapeHtml(alert.raised_at)}">${age} ago</span>
      ${end}`;
    return item;
  }

  /** After a join's snapshot: the open alarms now. One we show as open that is not among
   * them was closed while we were away; one on its way out finishes leaving. */
  function sync(open) {
    const now = new Set(open.map((a) => a.id));
    for (const [alertId, alert] of alerts) {
      if (!now.has(alertId) && !closed(alert)) alerts.delete(alertId);
    }
    for (const alert of open) upsert(alert);
    render();
  }

  function clear() {
    for (const timer of leaving.values()) clearTimeout(timer);
    leaving.clear();
    alerts.clear();
    render();
  }

  return {
    sync,
    clear,
    onEnvelope: (alert) => upsert(alert, { fresh: true }),
    acknowledgeTop() {
      const top = sorted().find((a) => !closed(a));
      if (top && canAct) acknowledge(top);
    },
    tick() {
      const now = serverNow();
      for (const age of list.querySelectorAll(".alarm-age")) {
        age.textContent = `${formatAge(now - parseTime(age.dataset.since))} ago`;
      }
    },
  };
}
