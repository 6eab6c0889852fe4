/* Joining as an officer already at the event, without a working join PIN: the phone waits
 * for command to approve it. The join answered 202 with a request and its secret; this polls
 * that request every few seconds (the phone has no device token yet, so no socket) until
 * command approves (the answer carries the device token, like a join) or refuses.
 *
 * officer.js calls window.FieldopsWaiting.begin(answer, hooks) after a 202 and resume(hooks)
 * when the page opens with a request still waiting (kept in localStorage). Plain ES2020.
 */
(() => {
  "use strict";

  const KEY = "fieldops.officer.waiting.v1"; // {id, secret, eventName, badge, name, reason}
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);

  const REASONS = {
    no_pin: "No join PIN was given.",
    wrong_pin: "The join PIN was wrong.",
    pin_used: "That join PIN was already used by another phone.",
    pin_locked: "The join PIN is locked after too many wrong tries.",
  };

  let current = null; // the waiting request
  let hooks = null; // {joined(answer), back(notice), request(method, path, body)}
  let timer = null;

  function saved() {
    try {
      const data = JSON.parse(localStorage.getItem(KEY) || "null");
      return data && data.id && data.secret ? data : null;
    } catch (_err) {
      return null;
    }
  }

  function keep(data) {
    try {
      if (data) localStorage.setItem(KEY, JSON.stringify(data));
      else localStorage.removeItem(KEY);
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
    const request = current;
    let res;
    try {
      res = await hooks.request("POST", `/api/v1/device-requests/${request.id}/poll`, { secret: request.secret });
    } catch (_err) {
      show("waiting", "No signal. Still waiting: this phone asks again when it can.");
      return schedule();
    }
    if (request !== current) return; // cancelled meanwhile
    const status = res.data && res.data.request && res.data.request.status;
    if (res.ok && res.data.device_token) {
      stop();
      return hooks.joined(res.data);
    }
    if (res.ok && status === "refused") {
      clearTimeout(timer);
      keep(null);
      return show("refused", "Ask command on the radio, then join again.");
    }
    if ((res.ok && status === "cancelled") || res.status === 404 || res.status === 410) {
      stop();
      return hooks.back("That request to join has ended. Join again.");
    }
    show("waiting", "Command has been asked. Keep this page open: it goes on by itself.");
    schedule();
  }

  async function cancel() {
    const request = current;
    stop();
    hooks.back("");
    if (!request) return;
    try {
      await hooks.request("POST", `/api/v1/device-requests/${request.id}/cancel`, { secret: request.secret });
    } catch (_err) {
      /* command sees it waiting until they refuse it */
    }
  }

  function wait(request, withHooks) {
    hooks = withHooks;
    current = request;
    show("waiting", "Command has been asked. Keep this page open: it goes on by itself.");
    schedule();
  }

  function begin(answer, values, withHooks) {
    const request = {
      id: answer.request.id,
      secret: answer.request_secret,
      reason: answer.request.reason,
      eventName: answer.event ? answer.event.name : "",
      name: values.name,
      badge: values.badge,
    };
    keep(request);
    wait(request, withHooks);
  }

  function resume(withHooks) {
    const request = saved();
    if (!request) return false;
    wait(request, withHooks);
    poll();
    return true;
  }

  function bind() {
    $("waiting-cancel").addEventListener("click", cancel);
    $("waiting-back").addEventListener("click", () => {
      stop();
      hooks.back("");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();

  window.FieldopsWaiting = { begin, resume, stop, active: () => Boolean(current) };
})();
