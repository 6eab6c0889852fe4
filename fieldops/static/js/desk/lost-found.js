// The "Lost & found" drawer: the suggested matches (score and reasons, Confirm), the open found
// items (Release to the owner with an identity check, for one matched or awaiting pickup) and
// the open lost reports. Names and contacts of the public are null in an organizer's copy:
// shown only when present. State comes only from the stream model (`found_items`,
// `lost_reports`, `matches`); writes go through the REST API.

import { post } from "./api.js";
import { escapeHtml } from "../shared/html.js";
import { formatClock } from "../shared/format.js";
import {
  IDENTITY_METHODS, ITEM_CATEGORY_LABELS, ITEM_STATUS_LABELS, LOST_REPORT_STATUS_LABELS,
} from "../shared/vocabulary.js";

const $ = (selector, root = document) => root.querySelector(selector);
const OPEN_ITEMS = new Set(["in_custody", "matched", "awaiting_pickup"]);
const RELEASABLE = new Set(["matched", "awaiting_pickup"]);
const OPEN_REPORTS = new Set(["open", "matched"]);

const category = (value) => ITEM_CATEGORY_LABELS[value] || value;

function what(thing) {
  const bits = [thing.colours?.join(", "), thing.brand, thing.description].filter(Boolean);
  return `<strong>${escapeHtml(category(thing.category))}</strong>${bits.length ? ` · ${escapeHtml(bits.join(" · "))}` : ""}`;
}

export function createLostFound({ drawers, say, canAct, accept, officers }) {
  const root = $("#lost-found");
  const badge = $("#lost-found-count");
  const state = { items: new Map(), reports: new Map(), matches: new Map() };
  let releasing = null; // the item id whose release form is open

  $('[data-action="close"]', root).addEventListener("click", close);
  root.addEventListener("click", onClick);
  root.addEventListener("submit", onRelease);

  function open() {
    drawers.open(root, () => { releasing = null; });
    render();
  }
  function close() {
    drawers.close(root);
  }

  const byNewest = (a, b) => b.id - a.id;
  const openItems = () => [...state.items.values()].filter((i) => OPEN_ITEMS.has(i.status)).sort(byNewest);
  const openReports = () => [...state.reports.values()].filter((r) => OPEN_REPORTS.has(r.status)).sort(byNewest);
  const suggested = () => [...state.matches.values()].filter((m) => m.status === "suggested")
    .sort((a, b) => b.score - a.score || a.id - b.id);

  function matchRow(m) {
    const item = state.items.get(m.found_item_id);
    const report = state.reports.get(m.lost_report_id);
    const act = canAct ? `
      <label class="check"><input type="checkbox" name="owner_contacted" data-testid="match-owner-contacted"> Owner contacted</label>
      <button type="button" class="btn btn-primary" data-act="confirm" data-testid="match-confirm">Confirm</button>` : "";
    return `<li class="lf-match" data-testid="lf-match" data-match-id="${m.id}">
      <p class="lf-score"><b data-testid="match-score">${Math.round(m.score * 100)}%</b> match</p>
      <p>Found #${m.found_item_id}: ${item ? what(item) : ""}</p>
      <p>Lost #${m.lost_report_id}: ${report ? what(report) : ""}${report?.owner_name ? ` · <strong>${escapeHtml(report.owner_name)}</strong>` : ""}</p>
      <ul class="lf-reasons" data-testid="match-reasons">${m.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>
      <div class="lf-actions">${act}</div></li>`;
  }

  function ownerOf(item) {
    const match = [...state.matches.values()].find((m) => m.found_item_id === item.id && m.status === "confirmed");
    return match ? state.reports.get(match.lost_report_id) : null;
  }

  function releaseForm(item) {
    const owner = ownerOf(item);
    const methods = IDENTITY_METHODS.map((m) => `<option value="${escapeHtml(m.value)}">${escapeHtml(m.label)}</option>`).join("");
    const people = officers().filter((o) => o.on_shift).sort((a, b) => (a.name || "").localeCompare(b.name || ""))
      .map((o) => `<option value="${o.id}">${escapeHtml(o.name)}${o.badge ? ` #${escapeHtml(o.badge)}` : ""}</option>`).join("");
    return `<form class="lf-release" data-item-id="${item.id}" novalidate data-testid="release-form">
      <label class="field">Handed to <input name="received_by" maxlength="120" data-testid="release-received-by"
        value="${escapeHtml(owner?.owner_name || "")}"></label>
      <fieldset class="lf-check"><legend>Identity check</legend>
        <label class="field">How <select name="method" data-testid="release-method">${methods}</select></label>
        <label class="field">Detail <input name="detail" maxlength="500" data-testid="release-detail"
          placeholder="Which document, or what they described"></label>
        <label class="field">Verified by <select name="verified_by" data-testid="release-verified-by">
          <option value="">Me</option>${people}</select></label>
      </fieldset>
      <p class="form-error" role="alert" data-testid="release-error" hidden></p>
      <button type="submit" class="btn btn-primary btn-wide" data-testid="release-submit">Release to owner</button>
    </form>`;
  }

  function itemRow(item) {
    const release = canAct && RELEASABLE.has(item.status);
    return `<li class="lf-item" data-testid="lf-item" data-item-id="${item.id}" data-status="${item.status}">
      <p>${what(item)}</p>
      <p class="muted">#${item.id} · found ${formatClock(item.found_at)}${item.place ? ` · ${escapeHtml(item.place)}` : ""}</p>
      <p><b class="lf-status" data-testid="item-status">${escapeHtml(ITEM_STATUS_LABELS[item.status] || item.status)}</b>
        ${item.custodian?.name ? ` · held by ${escapeHtml(item.custodian.name)}` : ""}
        ${item.stored_at ? ` · ${escapeHtml(item.stored_at)}` : ""}</p>
      ${release ? (releasing === item.id ? releaseForm(item)
        : '<button type="button" class="btn" data-act="release" data-testid="item-release">Release…</button>') : ""}</li>`;
  }

  function reportRow(r) {
    const owner = [r.owner_name, r.owner_contact].filter(Boolean).map(escapeHtml).join(" · ");
    return `<li class="lf-report" data-testid="lf-report" data-report-id="${r.id}">
      <p>${what(r)}</p>
      <p class="muted">#${r.id} · last seen ${formatClock(r.last_seen_at)}${r.place ? ` · ${escapeHtml(r.place)}` : ""}</p>
      <p><b class="lf-status">${escapeHtml(LOST_REPORT_STATUS_LABELS[r.status] || r.status)}</b>${owner ? ` · ${owner}` : ""}</p></li>`;
  }

  const section = (title, testid, rows, empty) => `<h3 class="lf-title">${title} <span class="muted">${rows.length}</span></h3>
    ${rows.length ? `<ol class="lf-list" data-testid="${testid}">${rows.join("")}</ol>` : `<p class="muted">${empty}</p>`}`;

  function render() {
    const matches = suggested();
    badge.textContent = matches.length ? String(matches.length) : "";
    badge.hidden = !matches.length;
    if (root.hidden) return;
    // An open release form keeps what was typed: the list is drawn again around it.
    const form = releasing != null ? $(`form[data-item-id="${releasing}"]`, root) : null;
    const typed = form ? Object.fromEntries(new FormData(form).entries()) : null;
    $(".lf-body", root).innerHTML =
      section("Suggested matches", "lf-matches", matches.map(matchRow), "No suggestions.") +
      section("Found items", "lf-items", openItems().map(itemRow), "No found items held.") +
      section("Lost reports", "lf-reports", openReports().map(reportRow), "No open lost reports.");
    const again = releasing != null ? $(`form[data-item-id="${releasing}"]`, root) : null;
    if (again && typed) for (const [name, value] of Object.entries(typed)) again.elements[name].value = value;
  }

  async function onClick(e) {
    const button = e.target.closest("button[data-act]");
    if (!button) return;
    if (button.dataset.act === "release") {
      releasing = Number(button.closest("[data-item-id]").dataset.itemId);
      render();
      $(`form[data-item-id="${releasing}"] input`, root)?.focus();
      return;
    }
    const row = button.closest("[data-match-id]");
    const contacted = $('input[name="owner_contacted"]', row).checked;
    button.disabled = true;
    const answer = await post(`/api/v1/matches/${row.dataset.matchId}/confirm`, { owner_contacted: contacted });
    button.disabled = false;
    if (!answer.ok) {
      say(`Not confirmed: ${answer.message}`, "bad");
      return;
    }
    accept("match", answer.data);
    say("Match confirmed", "ok");
  }

  async function onRelease(e) {
    e.preventDefault();
    const form = e.target;
    const id = Number(form.dataset.itemId);
    const v = Object.fromEntries([...new FormData(form).entries()].map(([k, x]) => [k, x.trim()]));
    const body = { received_by: v.received_by };
    // Without a detail there is no check: the server refuses, and says so below.
    if (v.detail) {
      body.identity_check = { method: v.method, detail: v.detail };
      if (v.verified_by) body.identity_check.verified_by = Number(v.verified_by);
    }
    const submit = $('button[type="submit"]', form);
    submit.disabled = true;
    const answer = await post(`/api/v1/found-items/${id}/release`, body);
    submit.disabled = false;
    const error = $(".form-error", form);
    if (!answer.ok) {
      const field = answer.error?.field ? ` (${answer.error.field})` : "";
      error.textContent = `Not released: ${answer.message}${field}`;
      error.hidden = false;
      return;
    }
    releasing = null;
    const { record: _record, ...item } = answer.data;
    accept("found_item", item);
    say(`Returned to ${v.received_by}`, "ok");
  }

  return {
    open,
    close,
    toggle: () => (root.hidden ? open() : close()),
    sync(model) {
      for (const [key, collection] of [["items", "found_items"], ["reports", "lost_reports"], ["matches", "matches"]]) {
        state[key] = new Map(model.all(collection).map((x) => [x.id, x]));
      }
      if (releasing != null && !RELEASABLE.has(state.items.get(releasing)?.status)) releasing = null;
      render();
    },
    openItems,
  };
}
