// Messages from command (the stream model's): all of them in a list, priority ones on top of
// the screen until acknowledged. An acknowledgement waits in the outbox's `acks` lane until
// the server has it.

import { formatClock } from "../shared/format.js";
import { el } from "../shared/html.js";
import { outcome } from "../shared/outbox.js";
import { $, online } from "./dom.js";

export function createMessages({ model, officerId, request, outbox, alarm }) {

  async function sendAck(item) {
    const res = await request("POST", `/api/v1/messages/${item.messageId}/acknowledge`);
    if (outcome(res) === "retry") return "retry";
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  function acknowledging(id) {
    return outbox.pending("acks").some((item) => item.messageId === id);
  }

  /** An answer carries the message whole, like an envelope. */
  function upsert(message) {
    model.apply({ type: "message", data: message });
    render();
  }

  /** A `message` envelope, applied to the model: sound for a new one. */
  function arrived(message, isNew) {
    render();
    if (!isNew) return;
    if (message.priority && !message.acknowledged_at) alarm.beep(3);
    else if (navigator.vibrate) navigator.vibrate(300);
  }

  function acknowledge(event) {
    const button = event.target.closest("[data-ack]");
    if (!button) return;
    const messageId = Number(button.dataset.ack);
    if (acknowledging(messageId)) return;
    outbox.add({ lane: "acks", messageId });
    render();
  }

  // --- render ------------------------------------------------------------------------------
  function needsAck(message) {
    return message.priority && !message.acknowledged_at;
  }

  function addressee(to) {
    if (!to || to.kind === "event") return "to everyone";
    if (to.kind === "officer") return "to you";
    return `to ${to.label || to.kind}`;
  }

  function card(message, prominent) {
    const ackState = message.acknowledged_at ? "done" : acknowledging(message.id) ? "sending" : "needed";
    const node = el(
      "li",
      {
        class: `message${message.priority ? " message-priority" : ""}`,
        "data-testid": prominent ? "priority-message" : "message",
        "data-message-id": message.id,
        "data-ack": message.priority ? ackState : null,
      },
      el("p", { class: "message-meta", text: `${message.priority ? "PRIORITY · " : ""}${message.sender ? message.sender.name : "Command"} · ${formatClock(message.sent_at)} · ${addressee(message.to)}` }),
      el("p", { class: "message-text", text: message.text }),
    );
    if (!message.priority) return node;
    if (ackState === "done") {
      node.append(el("p", { class: "message-acked", "data-testid": "message-acked", text: `✓ Acknowledged ${formatClock(message.acknowledged_at)}` }));
    } else {
      const label = ackState === "sending" ? (online() ? "Acknowledging…" : "Saved — acknowledges when signal returns") : "Acknowledge";
      node.append(el("button", { type: "button", class: "btn btn-ack", "data-ack": message.id, "data-testid": "message-ack", text: label }));
    }
    return node;
  }

  function render() {
    if (!officerId()) return;
    const all = model.all("messages").sort((a, b) => (a.sent_at < b.sent_at ? 1 : -1));
    const urgent = all.filter(needsAck);
    $("priority-messages").replaceChildren(...urgent.map((m) => card(m, true)));
    $("priority-messages").hidden = urgent.length === 0;
    $("messages-list").replaceChildren(...all.filter((m) => !needsAck(m)).map((m) => card(m, false)));
    $("messages-empty").hidden = all.length > 0;
  }

  function reset() {
    $("priority-messages").hidden = true;
  }

  $("priority-messages").addEventListener("click", acknowledge);

  return { sendAck, arrived, render, reset };
}
