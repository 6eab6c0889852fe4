// The officer's phone page: join an event, check in and out, set status, share location,
// report, call for help, follow a dispatch, read command's messages. This module only wires
// the parts together; each holds one idea and is given what it needs.
//
// Everything the officer sends waits in one outbox (IndexedDB) until the server answered it.
// State reaches the page one way: the live stream (shared/stream.js) hands the join ack's
// snapshot (or a replay) and then the envelopes, in seq order, to the stream model
// (streams/model.js), which the modules read; nothing is re-read over REST after a join.
// Plain ES2020 modules, no build step.

import { openStream } from "../shared/stream.js";
import { createStreamModel } from "../streams/model.js";
import { createAlarm } from "./alarm.js";
import { createDrill } from "./drill.js";
import { createProactive } from "./proactive.js";
import { createConfirm } from "./confirm.js";
import { createDispatch } from "./dispatch.js";
import { $, online, setText } from "./dom.js";
import { createFoundItems } from "./found-items.js";
import { createHelpButton } from "./help-button.js";
import { createHelpCalls } from "./help-calls.js";
import { createHttp } from "./http.js";
import { createIncidents } from "./incidents.js";
import { createJoinForm } from "./join.js";
import { createLocation } from "./location.js";
import { createLostPerson } from "./lost-person.js";
import { createMaps } from "./maps.js";
import { createMessages } from "./messages.js";
import { migrateOldOutboxes } from "./migrate.js";
import { createOfficerOutbox } from "./outbox.js";
import { photoStore } from "./photos.js";
import { createPostMap } from "./post-map.js";
import { createRecordSender } from "./record-sender.js";
import { createReport } from "./report.js";
import { createScreens, fillToken } from "./screens.js";
import { createFixSender, createLinkHealth } from "./sending.js";
import { createSession } from "./session.js";
import { createShift } from "./shift.js";
import { createStatusPanel } from "./status-panel.js";
import { createWaiting } from "./waiting.js";

// Every type the officer's stream carries (fieldops/envelopes.py OFFICER_DATA): one not listed
// would look like a gap in the seq.
const STREAM_TYPES = ["setup", "officer", "incident", "alert", "message", "lost_person", "found_item", "drill"];
const config = JSON.parse($("officer-config").textContent);

let stream = null; // the live link, while there is a session
const live = () => Boolean(stream && stream.joined());
const active = () => Boolean(session.current());

const model = createStreamModel("officer");
const request = createHttp({ token: () => session.token() });
const session = createSession({ request, onView, onOfficer: render, onEnded });
const health = createLinkHealth();
const alarm = createAlarm();
const confirm = createConfirm({ onChange: render });
const outbox = createOfficerOutbox({ active, onChange: onOutboxChange });
const location = createLocation({ active, staleAfterMs: session.staleAfterMs, queueFix, onFix, onChange: render });
const { freshPosition, lastFix } = location;
const maps = createMaps({ mapConfig: config.map || {}, view: session.view, post: session.post });
const screens = createScreens({ secureUrl: config.secureUrl, onMain: () => postMap.ensure() });
const postMap = createPostMap({ maps, view: session.view, lastFix });
const panel = createStatusPanel({ session, location, health, outbox, live, insecure: screens.insecure, secureUrl: config.secureUrl });
const shift = createShift({ session, outbox, request, confirm, freshPosition, live, health, onChange: render });
const incidents = createIncidents({
  model,
  officerId: session.officerId,
  reports: () => outbox.items("reports"),
  onChange: (incident, isDispatch) => dispatchSheet.onIncident(incident, isDispatch),
  onOpen: (id) => dispatchSheet.open(id),
});
const dispatchSheet = createDispatch({ incidents, outbox, request, freshPosition, lastFix, maps, alarm });
const helpCalls = createHelpCalls({
  model, officerId: session.officerId, request, eventPath: session.eventPath, outbox, freshPosition, lastFix, maps, alarm,
});
createHelpButton({ outbox, freshPosition, onRaised: () => helpCalls.render() });
const proactive = createProactive({ request, outbox, eventPath: session.eventPath, lastFix });
const drill = createDrill({ model, outbox, request, alarm, serverNow: session.serverNow });
const lostPerson = createLostPerson({ model, outbox, request, token: session.token, freshPosition, lastFix, alarm });
const messages = createMessages({ model, officerId: session.officerId, request, outbox, alarm });
const report = createReport({ session, request, outbox, maps, lastFix, post: session.post });
const foundItems = createFoundItems({
  session, request, outbox, model, lastFix, post: session.post,
  onOpen: (openFound) => {
    report.cancel();
    openFound();
  },
});
const withoutToken = (method, path, body) => request(method, path, body, { bearer: false });
const waiting = createWaiting({ request: withoutToken, onJoined: joined, onBack: (notice) => screens.showJoin(notice) });
const joinForm = createJoinForm({ request, onJoined: joined, onWaiting: (answer, values) => waiting.begin(answer, values) });

outbox.handle("help", helpCalls.sendHelp);
outbox.handle("helpCancel", helpCalls.sendCancel);
outbox.handle("shift", shift.send);
outbox.handle("steps", dispatchSheet.send);
outbox.handle("acks", messages.sendAck);
outbox.handle("searched", lostPerson.sendSearched);
outbox.handle("drillReports", drill.sendReport);
outbox.handle("proactive", proactive.send);
outbox.handle("reports", createRecordSender({
  request, outbox, token: session.token, path: () => session.eventPath("incidents"),
  photosUrl: (id) => `/api/v1/incidents/${id}/photos`, idKey: "incidentId", onRecord: (incident) => incidents.upsert(incident),
}));
outbox.handle("found", createRecordSender({
  request, outbox, token: session.token, path: () => session.eventPath("found-items"),
  photosUrl: (id) => `/api/v1/found-items/${id}/photos`, idKey: "itemId", onRecord: foundItems.arrived,
}));
outbox.handle("handoffs", foundItems.sendHandOff);
outbox.handle("fixes", createFixSender({ stream: () => stream, request, eventPath: session.eventPath, health, verify: session.verify }));
migrateOldOutboxes(outbox);

function queueFix(fix) {
  return outbox.add({ id: `fix:${fix.recorded_at}`, lane: "fixes", body: fix }) !== null;
}

// --- render ---------------------------------------------------------------------------------
function render() {
  if (!session.current() || screens.current() !== "screen-main") return;
  panel.render();
  shift.render();
  setText("leave", confirm.active("leave") ? leaveWarning() : "Leave this event on this phone");
}

function leaveWarning() {
  const unsent = outbox.unsent();
  return unsent ? `Tap again to leave (${unsent} not sent, will be lost)` : "Tap again to leave";
}

const LANE_VIEWS = {
  reports: () => incidents.render(),
  help: () => helpCalls.render(),
  helpCancel: () => helpCalls.render(),
  steps: () => dispatchSheet.render(),
  acks: () => messages.render(),
  searched: () => lostPerson.render(),
  drillReports: () => drill.render(),
  proactive: () => proactive.render(),
  found: () => foundItems.render(),
  handoffs: () => foundItems.render(),
};

function onOutboxChange(lane) {
  if (!session.current()) return;
  if (lane && LANE_VIEWS[lane]) LANE_VIEWS[lane]();
  if (!lane) Object.values(LANE_VIEWS).forEach((view) => view());
  render();
}

function onView() {
  // A school's incident types and the students checkbox only at a school.
  document.body.classList.toggle("at-school", session.view()?.event?.kind === "school");
  maps.redrawGround();
  postMap.update();
  render();
}

function onFix() {
  postMap.update();
  render();
  helpCalls.renderNearby();
  dispatchSheet.render();
  report.onFix();
  foundItems.onFix();
}

// --- the live stream ------------------------------------------------------------------------
function connectStream() {
  if (typeof window.io !== "function" || stream || !session.current()) return;
  const current = session.current();
  stream = openStream({
    eventId: current.eventId,
    auth: { token: current.token },
    types: STREAM_TYPES,
    autoConnect: online(),
    ioOptions: { reconnectionDelayMax: 10000 },
    onSnapshot,
    onEnvelope,
    onState,
  });
}

/** A fresh snapshot (a first join, or a rejoin the server's log could not replay). */
function onSnapshot(snapshot) {
  model.applySnapshot(snapshot);
  session.applySnapshot(snapshot);
  // A dispatch missed while away opens too, unless it was minimized (dispatch.js).
  for (const incident of model.all("incidents")) dispatchSheet.onIncident(incident, false);
  renderLists();
}

function onEnvelope(envelope) {
  const { type, data } = envelope;
  const isNew = ["alert", "message"].includes(type) && !model.get(`${type}s`, data.id);
  model.apply(envelope);
  if (type === "officer" && data.id === session.officerId()) session.applyOfficer(model.get("officers", data.id), model.info());
  else if (type === "setup") session.applySetup(model.info());
  else if (type === "incident") incidents.changed(data.id, data.dispatch === true);
  else if (type === "alert") helpCalls.arrived(data, isNew);
  else if (type === "message") messages.arrived(data, isNew);
  else if (type === "lost_person") lostPerson.arrived(data);
  else if (type === "drill") drill.render();
  else if (type === "found_item") foundItems.render();
}

function renderLists() {
  incidents.render();
  helpCalls.render();
  drill.render();
  proactive.render();
  lostPerson.render();
  foundItems.render();
  messages.render();
}

function onState(state, detail) {
  if (state === "joined") {
    health.ok();
    outbox.drain({ now: true });
  }
  // The server drops a socket whose token was revoked, and refuses to connect with one: are we still in?
  if (state === "disconnected" && detail.reason === "io server disconnect") session.verify();
  if (state === "connect_error" && /token|authentication/i.test((detail.error && detail.error.message) || "")) session.verify();
  if (state === "refused" && ["unauthorized", "forbidden"].includes(detail.error.code)) session.verify();
  render();
}

// --- session: start, end --------------------------------------------------------------------
function startTracking() {
  location.start();
  connectStream();
  session.verify();
  outbox.drain({ now: true });
}

function joined(data) {
  joinForm.clearPin();
  if (session.begin(data)) outbox.clear(); // an outbox belongs to one officer at one event
  fillToken(session.current(), "joined-token", "joined-qr");
  setText("joined-event", data.event.name);
  screens.showScreen("screen-joined");
  startTracking();
}

function onEnded(notice) {
  location.stop();
  if (stream) stream.close();
  stream = null;
  outbox.clear();
  photoStore.clear().catch(() => {});
  health.reset();
  model.clear();
  for (const module of [helpCalls, drill, proactive, lostPerson, messages, dispatchSheet, report, foundItems]) module.reset();
  incidents.render();
  foundItems.render();
  screens.showJoin(notice);
}

function openMain() {
  fillToken(session.current(), "main-token", "main-qr");
  screens.showScreen("screen-main");
  postMap.update();
  render();
  renderLists();
  report.resumeDraft();
  foundItems.resumeDraft();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !config.serviceWorker) return;
  navigator.serviceWorker.register(config.serviceWorker, { scope: "/officer" }).catch(() => {});
}

function tick() {
  location.poll();
  render();
  if (session.current()) {
    lostPerson.render(); // "12 min ago" moves on
    drill.render(); // and the drill's clock
  }
}

function bind() {
  $("joined-continue").addEventListener("click", openMain);
  $("leave").addEventListener("click", () => {
    if (confirm.tap("leave")) session.leave();
  });
  $("help-back").addEventListener("click", () => {
    screens.closeHelp();
    render();
  });
  window.addEventListener("offline", () => {
    if (stream) stream.pause();
    render();
  });
  window.addEventListener("online", () => {
    if (stream) stream.resume();
    outbox.drain({ now: true });
    render();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") tick();
  });
}

function start() {
  screens.showSecureNotice();
  bind();
  screens.watchFixedBars();
  registerServiceWorker();
  location.watchBattery();
  location.watchPermission();
  setInterval(tick, 1000);
  if (!session.restore()) {
    screens.showJoin("");
    waiting.resume(); // a phone still waiting for command
    return;
  }
  openMain();
  startTracking();
}

// For tests and for people debugging a phone: how many things wait to be sent.
window.fieldopsOfficer = Object.freeze({ unsent: (lane) => outbox.ready.then(() => outbox.unsent(lane)) });

start();
