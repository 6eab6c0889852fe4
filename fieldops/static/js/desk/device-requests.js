// Phones asking to join as an officer who is already at the event (no working join PIN):
// each waits on the officer's screen until command approves or refuses it here. A card per
// request over the map, with Approve / Approve and sign out the old phone / Refuse for command
// and admin (organizers see the cards, not the buttons; the API refuses them anyway). A
// decided request says who decided, then leaves. Kept live from `device_request` envelopes.

import { post } from "./api.js";
import { escapeHtml, formatAge, formatClock, parseTime } from "./looks.js";

const REASON = {
  no_pin: "No join PIN given",
  wrong_pin: "Wrong join PIN",
  pin_used: "Join PIN already used by another phone",
  pin_locked: "Join PIN locked after wrong tries",
};
const HEADING = {
  pending: "New phone wants to join as",
  approved: "New phone let in as",
  refused: "New phone refused for",
  cancelled: "A phone stopped waiting for",
};
const STAYS_MS = { approved: 60_000, refused: 60_000, cancelled: 10_000 };
const FINAL = new Set(["approved", "refused", "cancelled"]);

// `accept(request)` hands a REST answer to the stream model, which tells us back.
export function createDeviceRequests({ accept, serverNow, say }) {
  const root = document.getElementById("device-requests");
  const list = root.querySelector("ol");
  const canDecide = root.dataset.canDecide === "true";
  const requests = new Map(); // id -> request (waiting ones, and decided ones on their way out)
  const seenFinal = new Map(); // id -> local ms when we first saw it decided

  list.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    const item = e.target.closest("[data-request-id]");
    if (!button || !item) return;
    decide(Number(item.dataset.requestId), button.dataset.action, button);
  });

  function upsert(request) {
    const known = requests.get(request.id);
    if (known && FINAL.has(known.status) && !FINAL.has(request.status)) return; // an older copy
    requests.set(request.id, request);
    if (FINAL.has(request.status) && !seenFinal.has(request.id)) seenFinal.set(request.id, Date.now());
    render();
  }

  async function decide(id, action, button) {
    const request = requests.get(id);
    if (!request || !canDecide) return;
    for (const b of button.parentElement.querySelectorAll("button")) b.disabled = true;
    const path = `/api/v1/device-requests/${id}/${action === "refuse" ? "refuse" : "approve"}`;
    const answer = await post(path, action === "replace" ? { replace_old: true } : {});
    if (answer.ok) {
      accept(answer.data);
      const who = `${request.officer.name} #${request.officer.badge}`;
      say(action === "refuse" ? `Refused the phone for ${who}` : `Approved the phone for ${who}`, "ok");
    } else {
      say(`Not done: ${answer.message}`, "bad"); // decided elsewhere: its envelope follows
      render();
    }
  }

  function sorted() {
    return [...requests.values()].sort((a, b) =>
      (FINAL.has(a.status) ? 1 : 0) - (FINAL.has(b.status) ? 1 : 0) ||
      parseTime(a.requested_at) - parseTime(b.requested_at));
  }

  // An unchanged card keeps its element, so a click is never lost to a re-render.
  function render() {
    const items = sorted();
    root.hidden = items.length === 0;
    const now = serverNow();
    const old = new Map([...list.children].map((li) => [li.dataset.requestId, li]));
    list.replaceChildren(...items.map((request) => {
      const key = JSON.stringify(request);
      const li = old.get(String(request.id));
      if (li && li.dataset.key === key) return li;
      const fresh = itemFor(request);
      fresh.dataset.key = key;
      return fresh;
    }));
    ages(now);
  }

  function ages(now) {
    for (const li of list.children) {
      const request = requests.get(Number(li.dataset.requestId));
      if (request) li.querySelector(".dr-age").textContent = formatAge(now - parseTime(request.requested_at));
    }
  }

  function outcome(request) {
    const who = request.decided_by ? ` by ${escapeHtml(request.decided_by.name)}` : "";
    const at = request.decided_at ? ` at ${formatClock(request.decided_at)}` : "";
    if (request.status === "approved") {
      const old = request.replace_old ? " Old phone signed out." : "";
      return `<p class="dr-outcome" data-testid="device-request-outcome">✓ Approved${who}${at}.${old}</p>`;
    }
    if (request.status === "refused") {
      return `<p class="dr-outcome" data-testid="device-request-outcome">✕ Refused${who}${at}.</p>`;
    }
    return '<p class="dr-outcome" data-testid="device-request-outcome">The phone stopped waiting.</p>';
  }

  function buttons(request) {
    if (!canDecide) return '<p class="dr-note">Command approves or refuses.</p>';
    const replace = request.live_devices > 0
      ? '<button type="button" class="btn dr-replace" data-action="replace" data-testid="device-request-replace">Approve, sign out old phone</button>'
      : "";
    return `<div class="dr-actions">
      <button type="button" class="btn dr-approve" data-action="approve" data-testid="device-request-approve">Approve</button>
      <button type="button" class="btn dr-refuse" data-action="refuse" data-testid="device-request-refuse">Refuse</button>
      ${replace}
    </div>`;
  }

  function itemFor(request) {
    const item = document.createElement("li");
    item.className = `dr st-${request.status}`;
    item.dataset.requestId = String(request.id);
    item.setAttribute("data-testid", "device-request");
    const typed = request.given_name && request.given_name !== request.officer.name
      ? ` <span class="dr-typed">typed “${escapeHtml(request.given_name)}”</span>` : "";
    const phones = request.live_devices === 1 ? "1 phone signed in" : `${request.live_devices} phones signed in`;
    item.innerHTML = `
      <p class="dr-head"><span class="dr-kind">${HEADING[request.status] || HEADING.pending}</span>
        <span class="dr-age"></span></p>
      <p class="dr-who" data-testid="device-request-who">${escapeHtml(request.officer.name)} #${escapeHtml(request.officer.badge || "")}${typed}</p>
      <p class="dr-why">${REASON[request.reason] || request.reason} · this officer has ${phones}</p>
      ${request.status === "pending" ? buttons(request) : outcome(request)}`;
    return item;
  }

  /** After a join's snapshot: the phones waiting now (one no longer among them was decided
   * while we were away). */
  function sync(waiting) {
    const now = new Set(waiting.map((r) => r.id));
    for (const [known, request] of requests) {
      if (request.status === "pending" && !now.has(known)) requests.delete(known);
    }
    for (const request of waiting) upsert(request);
    render();
  }

  function tick() {
    const now = Date.now();
    let changed = false;
    for (const [id, since] of seenFinal) {
      const request = requests.get(id);
      if (!request || now - since >= (STAYS_MS[request.status] || 10_000)) {
        requests.delete(id);
        seenFinal.delete(id);
        changed = true;
      }
    }
    if (changed) render();
    else ages(serverNow());
  }

  return {
    sync,
    tick,
    clear() {
      requests.clear();
      seenFinal.clear();
      render();
    },
    onEnvelope: upsert,
  };
}
