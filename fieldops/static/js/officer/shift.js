// The post and shift card and the status buttons: check in (choosing a post if none is
// rostered), check out (two taps), on post / responding / on break. Each change waits in the
// outbox's `shift` lane; until the server has it the card shows it, marked "sending…".

import { formatClock } from "../shared/format.js";
import { OFFICER_STATUS_LABELS } from "../shared/vocabulary.js";
import { $, online, setText, show } from "./dom.js";
import { errorOf } from "./http.js";

const ACTION_PATHS = { check_in: "shift/check-in", check_out: "shift/check-out", status: "status" };
const ACTION_NAMES = { check_in: "Check-in", check_out: "Check-out", status: "Status change" };

export function createShift({ session, outbox, request, confirm, freshPosition, live, health, onChange }) {
  const actions = () => outbox.pending("shift");

  /** The server's state with the waiting actions applied. */
  function displayedShift() {
    const officer = session.officer();
    let onShift = Boolean(officer && officer.on_shift);
    let pending = false;
    for (const action of actions()) {
      if (action.kind === "check_in") [onShift, pending] = [true, true];
      if (action.kind === "check_out") [onShift, pending] = [false, true];
    }
    return { onShift, pending };
  }

  function displayedStatus() {
    const officer = session.officer();
    let status = officer ? officer.status : null;
    let pending = false;
    for (const action of actions()) {
      if (action.kind === "status") [status, pending] = [action.body.status, true];
    }
    return { status, pending };
  }

  function queue(kind, body) {
    // A status change replaces one still waiting: the newest wins.
    const replaces = kind === "status" ? (last) => last.kind === "status" : null;
    outbox.add({ lane: "shift", kind, body }, { replaces });
  }

  function onShiftButton() {
    show($("action-error"), false);
    if (displayedShift().onShift) {
      if (!confirm.tap("check_out")) return;
      queue("check_out", freshPosition());
    } else {
      const body = freshPosition();
      const choice = $("post-select");
      if (!$("post-choice").hidden && choice.value) body.post_id = Number(choice.value);
      queue("check_in", body);
    }
    onChange();
  }

  function onStatusButton(event) {
    const button = event.target.closest("[data-status]");
    if (!button) return;
    show($("action-error"), false);
    queue("status", { status: button.dataset.status });
    onChange();
  }

  /** The `shift` lane's sender. A 409 means the server already had it (a check-in sent twice). */
  async function send(action) {
    let res;
    try {
      res = await request("POST", session.eventPath(ACTION_PATHS[action.kind]), action.body);
    } catch (_err) {
      health.failed("no signal");
      return "retry";
    }
    if (res.status === 401) {
      session.ended();
      return "retry";
    }
    if (res.status >= 500 || res.status === 429) {
      health.failed(`server error ${res.status}`);
      return "retry";
    }
    health.ok(); // done, a duplicate (409), or refused for good
    if (res.ok || res.status === 409) applyResult(action.kind, res);
    else showError(action, errorOf(res.data));
    if (action.kind === "status" && res.ok && res.data) session.applyOfficer(res.data);
    if (action.kind !== "status" || !live()) session.refreshView();
    return "done";
  }

  function applyResult(kind, res) {
    const officer = session.officer();
    if (!officer || kind === "status") return;
    const onShift = kind === "check_in";
    let shift = null;
    if (onShift) shift = res.ok && res.data ? res.data : officer.shift;
    session.patchOfficer({ on_shift: onShift, shift });
  }

  function showError(action, error) {
    const box = $("action-error");
    box.textContent = `${ACTION_NAMES[action.kind]} not accepted: ${error.message || "refused by the server"}`;
    show(box, true);
  }

  // --- render ---------------------------------------------------------------------------
  function render() {
    renderShift();
    renderStatus();
    renderPost();
  }

  function renderShift() {
    const shift = displayedShift();
    const officer = session.officer();
    let text = shift.onShift ? "ON SHIFT" : "OFF SHIFT";
    if (shift.onShift && !shift.pending && officer && officer.shift) text += ` since ${formatClock(officer.shift.checked_in_at)}`;
    if (shift.pending) text += online() ? " (sending…)" : " (saved, waiting for signal)";
    setText("shift-state", text);
    $("shift-state").dataset.on = String(shift.onShift);
    const button = $("shift-button");
    button.dataset.action = shift.onShift ? "check_out" : "check_in";
    const label = shift.onShift ? (confirm.active("check_out") ? "Tap again to check out" : "Check out") : "Check in";
    setText("shift-button", label);
    renderPostChoice(shift.onShift);
  }

  function officerPost() {
    const officer = session.officer();
    return officer && officer.post;
  }

  function renderPostChoice(onShift) {
    const view = session.view() || {};
    const needed = !onShift && !view.assignment && !officerPost() && (view.posts || []).length > 0;
    show($("post-choice"), needed);
    if (!needed) return;
    const select = $("post-select");
    const ids = view.posts.map((p) => String(p.id)).join(",");
    if (select.dataset.ids === ids) return;
    select.dataset.ids = ids;
    select.replaceChildren(...view.posts.map((p) => new Option(p.name, String(p.id))));
  }

  function renderStatus() {
    const { status, pending } = displayedStatus();
    const onShift = displayedShift().onShift;
    let current = status ? OFFICER_STATUS_LABELS[status] || status : "—";
    if (!onShift) current = status === "responding" ? "Off shift · sent to an incident" : "Off shift";
    setText("status-current", current);
    show($("status-note"), !onShift);
    for (const button of document.querySelectorAll("[data-status]")) {
      const now = onShift && button.dataset.status === status;
      button.disabled = !onShift;
      button.setAttribute("aria-pressed", String(now));
      button.dataset.pending = now && pending ? (online() ? "sending" : "waiting") : "false";
    }
  }

  function renderPost() {
    const view = session.view() || {};
    const post = view.post || officerPost();
    setText("post-name", post ? post.name : "No post assigned yet");
    const a = view.assignment;
    setText("post-window", a ? `Rostered ${formatClock(a.starts_at)}–${formatClock(a.ends_at)}` : "");
    const orders = (view.post && view.post.orders) || "";
    setText("post-orders", orders);
    show($("post-orders"), Boolean(orders));
    setText("event-name", (view.event && view.event.name) || session.current().eventName || "");
  }

  $("shift-button").addEventListener("click", onShiftButton);
  document.querySelector(".status-grid").addEventListener("click", onStatusButton);

  return { render, send };
}
