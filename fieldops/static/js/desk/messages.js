// Messages from the command post: compose (to everyone, one post or one officer; priority
// asks each officer to acknowledge) and the sent list, where a priority message shows who
// has and who has not acknowledged yet, kept live from `message` envelopes.

import { post } from "./api.js";
import { escapeHtml, formatClock } from "./looks.js";

const $ = (selector, root = document) => root.querySelector(selector);

// `accept(message)` hands a REST answer to the stream model, which tells us back.
export function createMessages({ drawers, eventId, officers, posts, say, canAct, accept }) {
  const root = $("#messages");
  const form = $("form", root);
  form.hidden = !canAct; // organizers read what was sent and who acknowledged
  const to = $("#message-to", root);
  const list = $("#message-list", root);
  const messages = new Map();

  $('[data-action="close"]', root).addEventListener("click", close);
  form.addEventListener("submit", send);

  function fillAudience() {
    const chosen = to.value;
    const postOptions = posts().map((p) => `<option value="post:${p.id}">${escapeHtml(p.name)}</option>`);
    const officerOptions = officers()
      .filter((o) => o.on_shift || o.fix)
      .sort((a, b) => (a.name || "").localeCompare(b.name || ""))
      .map((o) => `<option value="officer:${o.id}">${escapeHtml(o.name)}${o.badge ? ` #${escapeHtml(o.badge)}` : ""}</option>`);
    to.innerHTML = '<option value="event">Everyone at the event</option>' +
      (postOptions.length ? `<optgroup label="A post">${postOptions.join("")}</optgroup>` : "") +
      (officerOptions.length ? `<optgroup label="One officer">${officerOptions.join("")}</optgroup>` : "");
    if ([...to.options].some((o) => o.value === chosen)) to.value = chosen;
  }

  function open() {
    fillAudience();
    drawers.open(root);
    if (canAct) form.elements.text.focus();
  }

  function close() {
    drawers.close(root);
  }

  async function send(e) {
    e.preventDefault();
    const text = form.elements.text.value.trim();
    if (!text) return;
    const [kind, id] = to.value.split(":");
    const body = { text, to: id ? { kind, id: Number(id) } : { kind }, priority: form.elements.priority.checked };
    const button = $('button[type="submit"]', root);
    button.disabled = true;
    const answer = await post(`/api/v1/events/${eventId()}/messages`, body);
    button.disabled = false;
    if (!answer.ok) {
      say(`Not sent: ${answer.message}`, "bad");
      return;
    }
    form.elements.text.value = "";
    form.elements.priority.checked = false;
    accept(answer.data);
    say(`Sent to ${answer.data.to.label}`, "ok");
  }

  function upsert(message) {
    messages.set(message.id, message);
    render();
  }

  function render() {
    const sorted = [...messages.values()].sort((a, b) => b.id - a.id);
    $("#messages-empty", root).hidden = sorted.length > 0;
    list.replaceChildren(...sorted.map(itemFor));
    const waiting = sorted.filter((m) => m.priority && m.recipients.some((r) => !r.acknowledged_at)).length;
    const badge = $("#messages-waiting");
    badge.textContent = waiting ? String(waiting) : "";
    badge.hidden = !waiting;
  }

  function itemFor(message) {
    const item = document.createElement("li");
    item.className = `msg${message.priority ? " priority" : ""}`;
    item.dataset.messageId = String(message.id);
    item.setAttribute("data-testid", "sent-message");
    const acked = message.recipients.filter((r) => r.acknowledged_at);
    const waiting = message.recipients.filter((r) => !r.acknowledged_at);
    const names = (people) => people.map((r) => escapeHtml(r.name)).join(", ");
    const receipts = message.priority ? `
      <p class="msg-count" data-testid="message-ack-count">${acked.length} of ${message.recipients.length} acknowledged</p>
      ${acked.length ? `<p class="msg-acked" data-testid="message-acked">✓ ${names(acked)}</p>` : ""}
      ${waiting.length ? `<p class="msg-waiting" data-testid="message-waiting">Waiting for: ${names(waiting)}</p>` : ""}`
      : `<p class="msg-count muted">${message.recipients.length} recipient${message.recipients.length === 1 ? "" : "s"}</p>`;
    item.innerHTML = `
      <p class="msg-head">${message.priority ? '<b class="msg-flag">PRIORITY</b>' : ""}
        <span>to <strong>${escapeHtml(message.to.label)}</strong></span>
        <time class="muted">${formatClock(message.sent_at)}</time></p>
      <p class="msg-text">${escapeHtml(message.text)}</p>${receipts}`;
    return item;
  }

  /** After a join's snapshot: the recent messages, as they stand now. */
  function sync(recent) {
    messages.clear();
    for (const message of recent) messages.set(message.id, message);
    render();
  }

  return {
    open,
    close,
    toggle: () => (root.hidden ? open() : close()),
    sync,
    clear() {
      messages.clear();
      render();
    },
    onEnvelope: upsert,
  };
}
