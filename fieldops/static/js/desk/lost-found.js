// The "Lost & found" drawer, the desk's view of the day: suggested matches (score, reasons,
// Confirm or Not a match), items awaiting pickup (Release to the owner with an identity check),
// found items held (who holds them, Hand on…), items past retention (to the agency, or
// disposal), and the open lost reports; "+ Found item" and "+ Lost report" for what is handed
// in or reported at the desk. Names and contacts of the public are null in an organizer's
// copy: shown only when present. State comes only from the stream model (`found_items`,
// `lost_reports`, `matches`); writes go through the REST API (forms: lost-found-forms.js).

import { post } from "./api.js";
import { FORMS, formValues } from "./lost-found-forms.js";
import { escapeHtml } from "../shared/html.js";
import { formatClock } from "../shared/format.js";
import { timeMs } from "../streams/model.js";
import { ITEM_CATEGORY_LABELS, ITEM_STATUS_LABELS, LOST_REPORT_STATUS_LABELS } from "../shared/vocabulary.js";

const $ = (selector, root = document) => root.querySelector(selector);
const OPEN_ITEMS = new Set(["in_custody", "matched", "awaiting_pickup"]);
const RELEASABLE = new Set(["matched", "awaiting_pickup"]);
const OPEN_REPORTS = new Set(["open", "matched"]);

const category = (value) => ITEM_CATEGORY_LABELS[value] || value;

function what(thing) {
  const bits = [thing.colours?.join(", "), thing.brand, thing.description].filter(Boolean);
  return `<strong>${escapeHtml(category(thing.category))}</strong>${bits.length ? ` · ${escapeHtml(bits.join(" · "))}` : ""}`;
}

function holderText(item) {
  const holder = item.custodian;
  if (!holder) return "";
  if (holder.kind === "desk") return "at the desk";
  return `held by ${escapeHtml(holder.name || holder.kind)}${holder.kind === "post" ? " (post)" : ""}`;
}

/** Where it is kept, when that says more than who holds it. */
function storedAt(item) {
  const where = (item.stored_at || "").trim();
  const holder = (item.custodian?.name || "").trim().toLowerCase();
  return where && where.toLowerCase() !== holder ? ` · ${escapeHtml(where)}` : "";
}

export function createLostFound({ drawers, say, canAct, accept, officers, eventId, serverNow }) {
  const root = $("#lost-found");
  const badge = $("#lost-found-count");
  const state = { items: new Map(), reports: new Map(), matches: new Map(), posts: [] };
  let editing = null; // {kind, id}: the one form open in the drawer

  $('[data-action="close"]', root).addEventListener("click", close);
  root.addEventListener("click", onClick);
  root.addEventListener("submit", onSubmit);

  function open() {
    drawers.open(root, () => { editing = null; });
    render();
  }
  function close() {
    drawers.close(root);
  }

  const byNewest = (a, b) => b.id - a.id;
  const pastRetention = (i) => OPEN_ITEMS.has(i.status) && timeMs(i.retain_until) <= serverNow();
  const openItems = () => [...state.items.values()].filter((i) => OPEN_ITEMS.has(i.status)).sort(byNewest);
  const openReports = () => [...state.reports.values()].filter((r) => OPEN_REPORTS.has(r.status)).sort(byNewest);
  const suggested = () => [...state.matches.values()].filter((m) => m.status === "suggested")
    .sort((a, b) => b.score - a.score || a.id - b.id);

  const onShift = () => officers().filter((o) => o.on_shift).sort((a, b) => (a.name || "").localeCompare(b.name || ""));
  const isEditing = (kind, id = null) => editing && editing.kind === kind && editing.id === id;
  const button = (act, label, testid, primary = false) =>
    `<button type="button" class="btn${primary ? " btn-primary" : ""}" data-act="${act}" data-testid="${testid}">${label}</button>`;

  function ownerOf(item) {
    const match = [...state.matches.values()].find((m) => m.found_item_id === item.id && m.status === "confirmed");
    return match ? state.reports.get(match.lost_report_id) : null;
  }

  function matchRow(m) {
    const item = state.items.get(m.found_item_id);
    const report = state.reports.get(m.lost_report_id);
    const act = canAct ? `
      <label class="check"><input type="checkbox" name="owner_contacted" data-testid="match-owner-contacted"> Owner contacted</label>
      ${button("confirm", "Confirm", "match-confirm", true)} ${button("reject", "Not a match", "match-reject")}` : "";
    return `<li class="lf-match" data-testid="lf-match" data-match-id="${m.id}">
      <p class="lf-score"><b data-testid="match-score">${Math.round(m.score * 100)}%</b> match</p>
      <p>Found #${m.found_item_id}: ${item ? what(item) : ""}</p>
      <p>Lost #${m.lost_report_id}: ${report ? what(report) : ""}${report?.owner_name ? ` · <strong>${escapeHtml(report.owner_name)}</strong>` : ""}${report?.owner_contact ? ` · ${escapeHtml(report.owner_contact)}` : ""}</p>
      <ul class="lf-reasons" data-testid="match-reasons">${m.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>
      <div class="lf-actions">${act}</div></li>`;
  }

  function itemActions(item) {
    if (!canAct) return "";
    for (const kind of ["release", "handoff", "agency", "dispose"]) {
      if (isEditing(kind, item.id)) {
        return FORMS[kind].html(item, { owner: ownerOf(item), officers: onShift(), posts: state.posts });
      }
    }
    const acts = [];
    if (RELEASABLE.has(item.status)) acts.push(button("release", "Release…", "item-release", true));
    acts.push(button("handoff", item.custodian?.kind === "desk" ? "Hand on…" : "Received / hand on…", "item-handoff"));
    if (pastRetention(item)) {
      acts.push(button("agency", "To agency…", "item-agency"));
      if (!item.personal_data) acts.push(button("dispose", "Dispose…", "item-dispose"));
    }
    acts.push(`<a class="btn" href="/found-items/${item.id}/sheet" target="_blank" rel="noopener" data-testid="item-sheet">Custody sheet</a>`);
    return `<div class="lf-actions">${acts.join(" ")}</div>`;
  }

  function itemRow(item) {
    const owner = ownerOf(item);
    const personal = item.personal_data ? ' · <b class="lf-personal">personal data</b>' : "";
    const photos = item.photos?.length ? ` · ${item.photos.length} photo${item.photos.length === 1 ? "" : "s"}` : "";
    return `<li class="lf-item" data-testid="lf-item" data-item-id="${item.id}" data-status="${item.status}">
      <p>${what(item)}${personal}</p>
      <p class="muted">#${item.id} · found ${formatClock(item.found_at)}${item.place ? ` · ${escapeHtml(item.place)}` : ""}${photos}</p>
      <p><b class="lf-status" data-testid="item-status">${escapeHtml(ITEM_STATUS_LABELS[item.status] || item.status)}</b>
        · <span data-testid="item-holder">${holderText(item)}</span>${storedAt(item)}</p>
      ${owner ? `<p>Owner: <strong>${escapeHtml(owner.owner_name || `lost report #${owner.id}`)}</strong>${owner.owner_contact ? ` · ${escapeHtml(owner.owner_contact)}` : ""}</p>` : ""}
      ${pastRetention(item) ? `<p class="lf-retention">Past retention (kept until ${new Date(item.retain_until).toLocaleDateString()})${item.personal_data ? ": to the agency" : ""}</p>` : ""}
      ${itemActions(item)}</li>`;
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

  function newRecords() {
    if (!canAct) return "";
    for (const kind of ["found", "lost"]) {
      if (isEditing(kind)) return `<h3 class="lf-title">${FORMS[kind].title}</h3>${FORMS[kind].html()}`;
    }
    return `<div class="lf-actions lf-new">${button("new-found", "+ Found item", "lf-new-found")} ${button("new-lost", "+ Lost report", "lf-new-lost")}
      <a class="btn" href="/events/${eventId()}/found-items/sheet" target="_blank" rel="noopener" data-testid="lf-sheets">Print custody sheets</a></div>`;
  }

  function render() {
    const matches = suggested();
    badge.textContent = matches.length ? String(matches.length) : "";
    badge.hidden = !matches.length;
    if (root.hidden) return;
    // An open form keeps what was typed: the drawer is drawn again around it.
    const before = $("form[data-form]", root);
    const typed = before ? formValues(before) : null;
    const items = openItems();
    const retained = items.filter(pastRetention);
    const waiting = items.filter((i) => RELEASABLE.has(i.status) && !pastRetention(i));
    const held = items.filter((i) => !RELEASABLE.has(i.status) && !pastRetention(i));
    $(".lf-body", root).innerHTML = newRecords()
      + section("Suggested matches", "lf-matches", matches.map(matchRow), "No suggestions.")
      + section("Awaiting pickup", "lf-pickup", waiting.map(itemRow), "Nothing waiting for its owner.")
      + section("Found items held", "lf-items", held.map(itemRow), "No found items held.")
      + (retained.length ? section("Past retention", "lf-retention", retained.map(itemRow), "") : "")
      + section("Lost reports", "lf-reports", openReports().map(reportRow), "No open lost reports.");
    const after = $("form[data-form]", root);
    if (after && typed && before.dataset.form === after.dataset.form && before.dataset.id === after.dataset.id) {
      for (const [name, value] of Object.entries(typed)) {
        const input = after.elements[name];
        if (input && input.type === "checkbox") input.checked = true;
        else if (input) input.value = value;
      }
    }
  }

  function edit(kind, id = null) {
    editing = { kind, id };
    render();
    $("form[data-form] input:not([type=checkbox]), form[data-form] select", root)?.focus();
  }

  async function decide(row, act, node) {
    const contacted = $('input[name="owner_contacted"]', row)?.checked || false;
    node.disabled = true;
    const body = act === "confirm" ? { owner_contacted: contacted } : {};
    const answer = await post(`/api/v1/matches/${row.dataset.matchId}/${act}`, body);
    node.disabled = false;
    if (!answer.ok) {
      say(`Not ${act === "confirm" ? "confirmed" : "rejected"}: ${answer.message}`, "bad");
      return;
    }
    accept("match", answer.data);
    say(act === "confirm" ? "Match confirmed" : "Suggestion dismissed", "ok");
  }

  function onClick(e) {
    const node = e.target.closest("button[data-act]");
    if (!node) return;
    const act = node.dataset.act;
    const itemId = Number(node.closest("[data-item-id]")?.dataset.itemId) || null;
    if (act === "cancel-form") {
      editing = null;
      render();
    } else if (act === "new-found" || act === "new-lost") {
      edit(act === "new-found" ? "found" : "lost");
    } else if (["release", "handoff", "agency", "dispose"].includes(act)) {
      edit(act, itemId);
    } else if (act === "confirm" || act === "reject") {
      decide(node.closest("[data-match-id]"), act, node);
    }
  }

  async function onSubmit(e) {
    e.preventDefault();
    const node = e.target;
    const kind = node.dataset.form;
    const item = node.dataset.id ? state.items.get(Number(node.dataset.id)) : null;
    const values = formValues(node);
    const error = $(".form-error", node);
    const missing = FORMS[kind].check ? FORMS[kind].check(values) : "";
    if (missing) {
      error.textContent = missing;
      error.hidden = false;
      return;
    }
    const request = FORMS[kind].request(values, { eventId: eventId(), item });
    const submit = $('button[type="submit"]', node);
    submit.disabled = true;
    const answer = await post(request.path, request.body);
    submit.disabled = false;
    if (!answer.ok) {
      const named = answer.error?.field ? ` (${answer.error.field})` : "";
      error.textContent = `Not saved: ${answer.message}${named}`;
      error.hidden = false;
      return;
    }
    editing = null;
    const { record: _record, matches: _matches, ...data } = answer.data;
    accept(request.type, data);
    render();
    say(request.done(data), "ok");
  }

  return {
    open,
    close,
    toggle: () => (root.hidden ? open() : close()),
    sync(model) {
      for (const [key, collection] of [["items", "found_items"], ["reports", "lost_reports"], ["matches", "matches"]]) {
        state[key] = new Map(model.all(collection).map((x) => [x.id, x]));
      }
      state.posts = model.info().posts || [];
      if (editing?.id != null && !OPEN_ITEMS.has(state.items.get(editing.id)?.status)) editing = null;
      render();
    },
    openItems,
  };
}
