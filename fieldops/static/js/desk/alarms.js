// The alarm bar over the map: every open alarm, officer-needs-help first, each with a big
// Acknowledge button. A help alarm flashes red and brings the map to the officer, following
// them. An acknowledged alarm says who took it, then leaves the bar.

import { get, post } from "./api.js";
import { ALERT_LABEL, escapeHtml, formatAge, parseTime } from "./looks.js";

const LEAVE_AFTER_MS = 3000;

export function createAlarms({ eventId, serverNow, sound, say, followOfficer, showPlace, openIncident, showHelp }) {
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

  function sorted() {
    return [...alerts.values()].sort((a, b) =>
      (a.acknowledged_at ? 1 : 0) - (b.acknowledged_at ? 1 : 0) ||
      a.priority - b.priority || parseTime(a.raised_at) - parseTime(b.raised_at));
  }

  function openOnes() {
    return [...alerts.values()].filter((a) => !a.acknowledged_at);
  }

  function locate(alert) {
    if (alert.kind === "help" && alert.officer) followOfficer(alert.officer.id, alert);
    else if (alert.incident_id) openIncident(alert.incident_id);
    else if (alert.lat != null) showPlace(alert.lat, alert.lon);
  }

  function upsert(alert, { fresh = false } = {}) {
    const known = alerts.get(alert.id);
    if (known?.acknowledged_at && !alert.acknowledged_at) return; // an older copy
    alerts.set(alert.id, alert);
    if (alert.acknowledged_at) {
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
    if (answer.ok) upsert(answer.data);
    else if (answer.status === 409 && answer.error) {
      say(answer.message, "bad");
      load();
    } else say(`Not acknowledged: ${answer.message}`, "bad");
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
    const done = alert.acknowledged_at;
    item.classList.toggle("acknowledged", Boolean(done));
    const age = formatAge(now - parseTime(alert.raised_at));
    item.innerHTML = `
      <button type="button" class="alarm-what" title="Show on the map">
        <span class="alarm-kind">${escapeHtml(ALERT_LABEL[alert.kind] || alert.kind)}</span>
        <span class="alarm-message">${escapeHtml(alert.message)}</span>
      </button>
      <span class="alarm-age" data-since="${escapeHtml(alert.raised_at)}">${age} ago</span>
      ${done
        ? `<span class="alarm-done" data-testid="alarm-acknowledged-by">Acknowledged by ${escapeHtml(alert.acknowledged_by?.name || "someone")}</span>`
        : '<button type="button" class="alarm-ack" data-action="acknowledge" data-testid="alarm-acknowledge">Acknowledge</button>'}`;
    return item;
  }

  async function load() {
    const id = eventId();
    const answer = await get(`/api/v1/events/${id}/alerts?open=1`);
    if (!answer.ok || id !== eventId()) return;
    const open = new Set(answer.data.alerts.map((a) => a.id));
    for (const [alertId, alert] of alerts) {
      if (!open.has(alertId) && !alert.acknowledged_at) alerts.delete(alertId); // acknowledged meanwhile
    }
    for (const alert of answer.data.alerts) upsert(alert);
    render();
  }

  function clear() {
    for (const timer of leaving.values()) clearTimeout(timer);
    leaving.clear();
    alerts.clear();
    render();
  }

  return {
    load,
    clear,
    onEnvelope: (alert) => upsert(alert, { fresh: true }),
    acknowledgeTop() {
      const top = sorted().find((a) => !a.acknowledged_at);
      if (top) acknowledge(top);
    },
    tick() {
      const now = serverNow();
      for (const age of list.querySelectorAll(".alarm-age")) {
        age.textContent = `${formatAge(now - parseTime(age.dataset.since))} ago`;
      }
    },
  };
}
