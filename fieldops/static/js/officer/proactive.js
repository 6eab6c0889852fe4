// An officer's proactive work at a school (issue 11): a safety walk with its findings, a
// conversation, a class or programme delivered, logged in two taps through the outbox's
// `proactive` lane (a weak signal keeps it until it is sent), and listed as sent.

import { el } from "../shared/html.js";
import { clientId, outcome } from "../shared/outbox.js";
import { $, online } from "./dom.js";

const KINDS = { safety_walk: "Safety walk", conversation: "Conversation", programme: "Class or programme" };

export function createProactive({ request, outbox, eventPath, lastFix }) {
  const form = $("work-form");
  let kind = null;

  async function send(item) {
    const res = await request("POST", eventPath("proactive"), item.body);
    if (outcome(res) === "retry") return "retry";
    outbox.update(item.id, { error: res.ok ? null : (res.data?.error?.message || `refused (${res.status})`) });
    render();
    return "done";
  }

  function open(which) {
    kind = which;
    form.reset();
    $("work-title").textContent = KINDS[kind];
    for (const part of form.querySelectorAll("[data-for]")) part.hidden = !part.dataset.for.split(" ").includes(kind);
    for (const option of form.elements.topic.options) {
      option.hidden = (option.dataset.conversation === "yes") !== (kind === "conversation");
    }
    form.elements.topic.value = [...form.elements.topic.options].find((o) => !o.hidden)?.value || "";
    form.hidden = false;
    form.scrollIntoView({ block: "nearest" });
  }

  function submit() {
    const body = { client_id: clientId(), kind, note: form.elements.note.value.trim() };
    if (kind === "safety_walk") body.findings = [...form.querySelectorAll("input[name=findings]:checked")].map((i) => i.value);
    else body.topic = form.elements.topic.value;
    if (kind === "programme") body.attendees = Math.max(0, Number(form.elements.attendees.value) || 0);
    const fix = lastFix();
    if (fix) Object.assign(body, { lat: fix.lat, lon: fix.lon });
    const label = kind === "safety_walk" ? KINDS[kind] : `${KINDS[kind]}: ${form.elements.topic.selectedOptions[0].textContent.trim()}`;
    outbox.add({ lane: "proactive", body, label });
    form.hidden = true;
    kind = null;
    render();
  }

  function render() {
    const items = outbox.items("proactive").slice().reverse();
    $("work-list").replaceChildren(...items.map((item) => {
      let state = online() ? "sending…" : "saved, sends when signal returns";
      if (item.error) state = `not logged: ${item.error}`;
      else if (item.done) state = "logged ✓";
      return el("li", { "data-testid": "work-item", text: `${item.label} — ${state}` });
    }));
  }

  document.querySelector(".work-kinds").addEventListener("click", (e) => {
    const button = e.target.closest("[data-work-kind]");
    if (button) open(button.dataset.workKind);
  });
  form.addEventListener("click", (e) => {
    if (e.target.closest("[data-work-cancel]")) form.hidden = true;
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (kind) submit();
  });

  return { send, render, reset: () => { form.hidden = true; kind = null; } };
}
