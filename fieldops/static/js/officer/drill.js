// A drill or a real response at a school (issue 11), from the stream model's `drills`: a card
// in the takeover stack under the officer's own help call, with the action, DRILL or REAL, its
// directive and the areas, sounding once. An officer sweeping a building reports an area
// (secured or evacuated, counts, problems) through the outbox's `drillReports` lane; "All
// clear" shows briefly when command ends it.

import { AREA_STATE_LABELS, DRILL_COUNTS, drillElapsed, openDrill, reportedCount } from "../shared/drill.js";
import { el } from "../shared/html.js";
import { clientId, outcome } from "../shared/outbox.js";
import { DRILL_PROBLEMS } from "../shared/vocabulary.js";
import { $, online } from "./dom.js";
import { KEYS, load, store } from "./storage.js";

const ENDED_MS = 10_000; // how long "ALL CLEAR" stays

/** areasFor(drill): the areas this phone reports (an area lead: their own; an officer: all). */
export function createDrill({ model, outbox, request, alarm, serverNow, areasFor = (drill) => drill.areas }) {
  let shownId = null; // the drill on the card
  let ended = null; // {text, until}
  let signature = "";
  let form = null; // the area report being filled in (kept while the card redraws)

  // --- the outbox's `drillReports` lane -------------------------------------------------------
  async function sendReport(item) {
    const res = await request("POST", `/api/v1/drills/${item.drillId}/reports`, item.body);
    if (outcome(res) === "retry") return "retry";
    if (res.ok) {
      outbox.update(item.id, { error: null });
      model.apply({ type: "drill", data: res.data }); // the answer is the drill whole
    } else {
      outbox.update(item.id, { error: (res.data && res.data.error && res.data.error.message) || `refused (${res.status})` });
    }
    render();
    return "done";
  }

  function mine(drill) {
    return outbox.items("drillReports").filter((item) => item.drillId === drill.id);
  }

  // --- the report form ------------------------------------------------------------------------
  function openForm(drill) {
    const state = drill.action === "evacuate" ? "evacuated" : "secured";
    const areas = areasFor(drill).map((a) => el("option", { value: String(a.id), text: `${a.name} — ${AREA_STATE_LABELS[a.state]}` }));
    const counts = DRILL_COUNTS.map(([key, label]) => el(
      "label", { class: "drill-count" }, el("span", { text: label }),
      el("input", { type: "number", name: key, min: "0", max: "5000", value: "0", inputmode: "numeric", "data-testid": `drill-count-${key}` }),
    ));
    const problems = DRILL_PROBLEMS.map((p) => el(
      "label", { class: "drill-problem" }, el("input", { type: "checkbox", name: "problems", value: p.value }), ` ${p.label}`,
    ));
    form = el(
      "form", { class: "drill-report", "data-testid": "drill-report-form", "data-drill-id": drill.id },
      el("label", { class: "drill-line" }, el("span", { text: "Area" }), el("select", { name: "area", "data-testid": "drill-report-area" }, ...areas)),
      el("div", { class: "drill-states", role: "group", "aria-label": "The area is" },
        ...["secured", "evacuated"].map((value) => el("button", {
          type: "button", class: "drill-state-pick", "data-state-pick": value, "aria-pressed": String(value === state),
          "data-testid": `drill-state-${value}`, text: AREA_STATE_LABELS[value],
        }))),
      el("div", { class: "drill-counts" }, ...counts),
      el("fieldset", { class: "drill-problems" }, el("legend", { text: "Problems" }), ...problems),
      el("label", { class: "drill-line" }, el("span", { text: "Note" }), el("input", { type: "text", name: "note", maxlength: "1000" })),
      el("div", { class: "drill-form-actions" },
        el("button", { type: "submit", class: "btn btn-primary", "data-testid": "drill-report-send", text: "Send report" }),
        el("button", { type: "button", class: "btn btn-light", "data-drill-cancel": "1", text: "Cancel" })),
    );
    render(true);
    form.scrollIntoView({ block: "nearest" });
  }

  function submit(drill) {
    const picked = form.querySelector('[data-state-pick][aria-pressed="true"]');
    const body = {
      client_id: clientId(),
      area_id: Number(form.elements.area.value),
      state: picked ? picked.dataset.statePick : "secured",
      problems: [...form.querySelectorAll("input[name=problems]:checked")].map((i) => i.value),
      note: form.elements.note.value,
    };
    for (const [key] of DRILL_COUNTS) body[key] = Math.max(0, Number(form.elements[key].value) || 0);
    const area = drill.areas.find((a) => a.id === body.area_id);
    outbox.add({ lane: "drillReports", drillId: drill.id, areaName: area ? area.name : "", body });
    form = null;
    render(true);
  }

  // --- render -------------------------------------------------------------------------------
  function sentLine(item) {
    const what = `${item.areaName}: ${AREA_STATE_LABELS[item.body.state]}`;
    let text = online() ? `Sending ${what}…` : `Saved ${what} — sends when signal returns`;
    if (item.error) text = `Not recorded (${what}): ${item.error}`;
    else if (item.done) text = `${what} ✓ recorded`;
    return el("li", { "data-testid": "drill-sent", text });
  }

  function order(drill) {
    const scope = drill.whole_campus ? "Whole campus" : drill.areas.map((a) => a.name).join(", ");
    const sent = mine(drill);
    return el(
      "div", { class: "drill-order" },
      el("p", { class: "drill-head" },
        el("span", { class: "drill-action", "data-testid": "drill-action", text: drill.action_label.toUpperCase() }),
        el("span", { class: "drill-badge", "data-testid": "drill-mode", text: drill.mode === "real" ? "REAL" : "DRILL" })),
      el("p", { class: "drill-words", "data-testid": "drill-words", text: drill.words }),
      el("p", { class: "drill-scope", "data-testid": "drill-scope", text: scope }),
      el("p", { class: "drill-progress" },
        el("span", { "data-drill-elapsed": "1", text: drillElapsed(drill, serverNow()) }), ` · ${reportedCount(drill)}`),
      sent.length ? el("ul", { class: "drill-sent" }, ...sent.map(sentLine)) : null,
      form || !areasFor(drill).length ? null : el("button", { type: "button", class: "btn btn-light drill-report-open", "data-testid": "drill-report-open", "data-drill-report": drill.id, text: "Report an area" }),
    );
  }

  function render(force = false) {
    const box = $("drill");
    const drill = openDrill(model.all("drills"));
    const now = Date.now();
    if (drill && drill.id !== shownId) {
      shownId = drill.id;
      form = null;
      const heard = load(KEYS.drillHeard, []);
      if (!heard.includes(drill.id)) {
        store(KEYS.drillHeard, [...heard, drill.id].slice(-50));
        alarm.beep(3);
      }
    }
    if (!drill && shownId !== null) {
      const last = model.get("drills", shownId);
      const what = last ? `${last.action_label} ${last.mode === "real" ? "" : "drill "}` : "";
      ended = { text: `ALL CLEAR — ${what}ended. Resume normal activity.`, until: now + ENDED_MS };
      shownId = null;
      form = null;
      setTimeout(() => render(true), ENDED_MS + 50);
    }
    if (ended && ended.until <= now) ended = null;
    const next = JSON.stringify([drill && [drill.id, drill.updated_at, mine(drill).map((i) => [i.done, i.error])], ended && ended.text, online(), Boolean(form)]);
    if (next !== signature || force) {
      signature = next;
      if (drill) {
        box.className = `drill-card act-${drill.action} mode-${drill.mode}`;
        box.setAttribute("role", "alert");
        box.replaceChildren(order(drill), ...(form ? [form] : []));
      } else if (ended) {
        box.className = "drill-card drill-ended";
        box.setAttribute("role", "status");
        box.replaceChildren(el("p", { class: "drill-ended-text", "data-testid": "drill-ended", text: ended.text }));
      } else box.replaceChildren();
    }
    box.hidden = !drill && !ended;
    const elapsed = drill && box.querySelector("[data-drill-elapsed]");
    if (elapsed) elapsed.textContent = drillElapsed(drill, serverNow());
  }

  $("drill").addEventListener("click", (e) => {
    const drill = openDrill(model.all("drills"));
    if (!drill) return;
    if (e.target.closest("[data-drill-report]")) openForm(drill);
    else if (e.target.closest("[data-drill-cancel]")) {
      form = null;
      render(true);
    } else {
      const pick = e.target.closest("[data-state-pick]");
      if (pick && form) {
        for (const b of form.querySelectorAll("[data-state-pick]")) b.setAttribute("aria-pressed", String(b === pick));
      }
    }
  });
  $("drill").addEventListener("submit", (e) => {
    e.preventDefault();
    const drill = openDrill(model.all("drills"));
    if (drill && form) submit(drill);
  });

  return {
    render,
    sendReport,
    /** Another officer or event on this phone: nothing of the last one's drill. */
    reset() {
      shownId = null;
      ended = null;
      form = null;
      signature = "";
    },
  };
}
