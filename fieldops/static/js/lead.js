// An area lead's phone (issue 11): a teacher or staff member joins with the staff code for the
// areas they lead, and sees the drill the moment it starts, above everything, with a report
// for each of their areas (kept in an outbox while the signal is weak). No location is asked.

import { createDrill } from "./officer/drill.js";
import { createAlarm } from "./officer/alarm.js";
import { $, online } from "./officer/dom.js";
import { createHttp } from "./officer/http.js";
import { createOutbox } from "./shared/outbox.js";
import { el } from "./shared/html.js";
import { openDatabase } from "./shared/idb.js";
import { openStream } from "./shared/stream.js";
import { createStreamModel } from "./streams/model.js";

const SESSION_KEY = "fieldops.lead.session.v1"; // {token, eventId, eventName, lead}
const load = () => {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
  } catch (_err) {
    return null;
  }
};
let session = load();
let stream = null;
let clockOffsetMs = 0;

const database = openDatabase("fieldops-lead", 1, (db) => {
  if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
});
database.catch(() => {});
const model = createStreamModel("lead");
const request = createHttp({ token: () => session?.token });
const alarm = createAlarm();
const outbox = createOutbox({
  database,
  channel: "fieldops-lead-outbox",
  lanes: { drillReports: { keepDone: 30 } },
  canSend: () => Boolean(session) && online(),
  onChange: () => drill.render(),
});
const mine = () => new Set((session?.lead?.areas || []).map((a) => a.id));
const drill = createDrill({
  model, outbox, request, alarm,
  serverNow: () => Date.now() + clockOffsetMs,
  areasFor: (d) => d.areas.filter((a) => mine().has(a.id)),
});
outbox.handle("drillReports", drill.sendReport);

function show(id) {
  for (const screen of ["lead-join", "lead-main"]) $(screen).hidden = screen !== id;
}

function joinError(text) {
  $("lead-join-error").textContent = text;
  $("lead-join-error").hidden = !text;
}

$("lead-code-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const code = $("lead-code").value.trim().toUpperCase();
  const res = await request("GET", `/api/v1/lead/areas?code=${encodeURIComponent(code)}`, undefined, { bearer: false });
  if (!res.ok) return joinError(res.data?.error?.message || "That staff code is not known.");
  joinError("");
  $("lead-code").value = code;
  $("lead-school").textContent = res.data.event.name;
  $("lead-area-list").replaceChildren(...res.data.areas.map((a) => el(
    "label", {}, el("input", { type: "checkbox", name: "area", value: String(a.id), "data-testid": `lead-area-${a.id}` }), a.name,
  )));
  $("lead-code-form").hidden = true;
  $("lead-join-form").hidden = false;
});

$("lead-join-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const areaIds = [...document.querySelectorAll("input[name=area]:checked")].map((i) => Number(i.value));
  const body = { code: $("lead-code").value, name: $("lead-name").value.trim(), area_ids: areaIds };
  const res = await request("POST", "/api/v1/lead/join", body, { bearer: false });
  if (!res.ok) return joinError(res.data?.error?.message || `Not joined (${res.status}).`);
  session = { token: res.data.device_token, eventId: res.data.event.id, eventName: res.data.event.name, lead: res.data.lead };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  start();
});

let leaving = null; // a first tap: the second, within a few seconds, leaves
$("lead-leave").addEventListener("click", () => {
  if (!leaving) {
    $("lead-leave").textContent = "Tap again to leave (drills stop reaching this phone)";
    leaving = setTimeout(() => {
      leaving = null;
      $("lead-leave").textContent = "Leave on this phone";
    }, 4000);
    return;
  }
  localStorage.removeItem(SESSION_KEY);
  if (stream) stream.close();
  stream = null;
  session = null;
  outbox.clear();
  model.clear();
  drill.reset();
  location.reload();
});

function render() {
  $("lead-event").textContent = session.eventName;
  $("lead-who").textContent = `${session.lead.name} · ${session.lead.areas.map((a) => a.name).join(", ")}`;
  drill.render();
  $("lead-quiet").hidden = !$("drill").hidden;
}

function start() {
  show("lead-main");
  render();
  stream = openStream({
    eventId: session.eventId,
    auth: { token: session.token },
    types: ["setup", "drill"],
    onSnapshot(snapshot) {
      model.applySnapshot(snapshot);
      const serverTime = Date.parse(snapshot.server_time || "");
      if (Number.isFinite(serverTime)) clockOffsetMs = serverTime - Date.now();
      if (snapshot.lead) {
        session = { ...session, lead: snapshot.lead };
        localStorage.setItem(SESSION_KEY, JSON.stringify(session));
      }
      render();
    },
    onEnvelope(envelope) {
      model.apply(envelope);
      render();
    },
    onState(state) {
      const node = $("lead-connection");
      node.dataset.state = state === "joined" ? "on" : "off";
      node.textContent = state === "joined" ? "Connected: drills reach this phone at once" : "Reconnecting…";
      if (state === "joined") outbox.drain({ now: true });
    },
  });
}

setInterval(() => session && render(), 1000);
if (session) start();
else show("lead-join");
