// Joining as an officer already at the event, without a working join PIN: the phone waits
// for command to approve it. The join answered 202 with a request and its secret; this polls
// that request every few seconds (the phone has no device token yet, so no socket) until
// command approves (the answer carries the device token, like a join) or refuses. The request
// is kept in localStorage, so a reload goes on waiting.

import { $ } from "./dom.js";
import { KEYS } from "./storage.js";

const POLL_MS = 3000;

const REASONS = {
  no_pin: "No join PIN was given.",
  wrong_pin: "The join PIN was wrong.",
  pin_used: "That join PIN was already used by another phone.",
  pin_locked: "The join PIN is locked after too many wrong tries.",
};

export function createWaiting({ request: ask, onJoined, onBack }) {
  let current = null; // the waiting request
  let timer = null;

  function saved() {
    try {
      const data = JSON.parse(localStorage.getItem(KEYS.waiting) || "null");
      return data && data.id && data.secret ? data : null;
    } catch (_err) {
      return null;
    }
  }

  function keep(data) {
    try {
      if (data) localStorage.setItem(KEYS.waiting, JSON.stringify(data));
      else localStorage.removeItem(KEYS.waiting);
    } catch (_err) {
      /* private mode: the wait still works until the page is closed */
    }
  }

  function show(state, text) {
    const box = $("join-waiting");
    box.hidden = false;
    box.dataset.state = state;
    $("join-form").hidden = true;
    $("join-lead").hidden = true;
    $("waiting-title").textContent =
      state === "refused" ? "Command refused this phone" : "Waiting for command to approve this phone";
    $("waiting-who").textContent = `${current.name} #${current.badge}`;
    $("waiting-event").textContent = current.eventName ? `at ${current.eventName}` : "";
    $("waiting-reason").textContent = REASONS[current.reason] || "";
    $("waiting-status").textContent = text;
    $("waiting-cancel").hidden = state === "refused";
    $("waiting-back").hidden = state !== "refused";
  }

  function hide() {
    $("join-waiting").hidden = true;
    $("join-form").hidden = false;
    $("join-lead").hidden = false;
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    current = null;
    keep(null);
    hide();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  async function poll() {
    if (!current) return;
    const waiting = current;
    let res;
    try {
      res = await ask("POST", `/api/v1/device-requests/${waiting.id}/poll`, { secret: waiting.secret });
    } catch (_err) {
      show("waiting", "No signal. Still waiting: this phone asks again when it can.");
      return schedule();
    }
    if (waiting !== current) return; // cancelled meanwhile
    const status = res.data && res.data.request && res.data.request.status;
    if (res.ok && res.data.device_token) {
      stop();
      return onJoined(res.data);
    }
    if (res.ok && status === "refused") {
      clearTimeout(timer);
      keep(null);
      return show("refused", "Ask command on the radio, then join again.");
    }
    if ((res.ok && status === "cancelled") || res.status === 404 || res.status === 410) {
      stop();
      return onBack("That request to join has ended. Join again.");
    }
    show("waiting", "Command has been asked. Keep this page open: it goes on by itself.");
    schedule();
  }

  async function cancel() {
    const request = current;
    stop();
    onBack("");
    if (!request) return;
    try {
      await ask("POST", `/api/v1/device-requests/${request.id}/cancel`, { secret: request.secret });
    } catch (_err) {
      /* command sees it waiting until they refuse it */
    }
  }

  function wait(request) {
    current = request;
    show("waiting", "Command has been asked. Keep this page open: it goes on by itself.");
    schedule();
  }

  function begin(answer, values) {
    const request = {
      id: answer.request.id,
      secret: answer.request_secret,
      reason: answer.request.reason,
      eventName: answer.event ? answer.event.name : "",
      name: values.name,
      badge: values.badge,
    };
    keep(request);
    wait(request);
  }

  function resume() {
    const request = saved();
    if (!request) return false;
    wait(request);
    poll();
    return true;
  }

  $("waiting-cancel").addEventListener("click", cancel);
  $("waiting-back").addEventListener("click", () => {
    stop();
    onBack("");
  });

  return { begin, resume, stop, active: () => Boolean(current) };
}
