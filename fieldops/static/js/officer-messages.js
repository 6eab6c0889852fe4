/* Messages from command: all of them in a list, priority ones on top of the screen until
 * acknowledged. Read again on every load and join, so nothing is missed after a reload.
 * An acknowledgement waits in a persistent outbox until the server has it.
 */
(() => {
  "use strict";

  const K = window.FieldopsKit;
  const O = () => window.FieldopsOfficer;
  const $ = (id) => document.getElementById(id);
  const messages = new Map(); // id → the officer's copy of a message

  const outbox = new K.Outbox("fieldops.officer.acks.v1", sendAck);

  async function sendAck(item) {
    const res = await O().request("POST", `/api/v1/messages/${item.messageId}/acknowledge`);
    if (K.outcome(res) === "retry") return "retry";
    outbox.update(item.id, { done: true });
    if (res.ok) upsert(res.data);
    render();
    return "done";
  }

  function acknowledging(id) {
    return outbox.pending().some((item) => item.messageId === id);
  }

  function upsert(message) {
    const known = messages.get(message.id);
    messages.set(message.id, message);
    render();
    return !known;
  }

  async function load() {
    for (const message of await K.eventList("messages")) upsert(message);
  }

  function onEnvelope(event) {
    const envelope = event.detail;
    if (envelope.type !== "message") return;
    const isNew = upsert(envelope.data);
    if (!isNew) return;
    if (envelope.data.priority && !envelope.data.acknowledged_at) K.alarm(3);
    else if (navigator.vibrate) navigator.vibrate(300);
  }

  function acknowledge(event) {
    const button = event.target.closest("[data-ack]");
    if (!button) return;
    const messageId = Number(button.dataset.ack);
    if (acknowledging(messageId)) return;
    outbox.add({ id: K.uuid(), messageId });
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
    const node = K.el(
      "li",
      {
        class: `message${message.priority ? " message-priority" : ""}`,
        "data-testid": prominent ? "priority-message" : "message",
        "data-message-id": message.id,
        "data-ack": message.priority ? ackState : null,
      },
      K.el("p", { class: "message-meta", text: `${message.priority ? "PRIORITY · " : ""}${message.sender ? message.sender.name : "Command"} · ${O().clock(message.sent_at)} · ${addressee(message.to)}` }),
      K.el("p", { class: "message-text", text: message.text }),
    );
    if (!message.priority) return node;
    if (ackState === "done") {
      node.append(K.el("p", { class: "message-acked", "data-testid": "message-acked", text: `✓ Acknowledged ${O().clock(message.acknowledged_at)}` }));
    } else {
      const label = ackState === "sending" ? (O().online() ? "Acknowledging…" : "Saved — acknowledges when signal returns") : "Acknowledge";
      node.append(K.el("button", { type: "button", class: "btn btn-ack", "data-ack": message.id, "data-testid": "message-ack", text: label }));
    }
    return node;
  }

  function render() {
    if (!O().session()) return;
    const all = [...messages.values()].sort((a, b) => (a.sent_at < b.sent_at ? 1 : -1));
    const urgent = all.filter(needsAck);
    $("priority-messages").replaceChildren(...urgent.map((m) => card(m, true)));
    $("priority-messages").hidden = urgent.length === 0;
    $("messages-list").replaceChildren(...all.filter((m) => !needsAck(m)).map((m) => card(m, false)));
    $("messages-empty").hidden = all.length > 0;
  }

  function reset() {
    messages.clear();
    $("priority-messages").hidden = true;
  }

  $("priority-messages").addEventListener("click", acknowledge);
  document.addEventListener("fieldops:main", () => {
    render();
    load();
  });
  document.addEventListener("fieldops:joined", load);
  document.addEventListener("fieldops:envelope", onEnvelope);
  document.addEventListener("fieldops:ended", reset);
})();
