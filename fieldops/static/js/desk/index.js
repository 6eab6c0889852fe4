// The dispatcher's desk on the command page: incident queue, incident markers and detail,
// logging an incident, alarms, messages and keyboard shortcuts. command.js owns the map, the
// officers and the socket; it hands us its envelopes and a few views of its state (`page`).

import { get } from "./api.js";
import { createActions } from "./actions.js";
import { createAlarmSound } from "./alarm-sound.js";
import { createAlarms } from "./alarms.js";
import { createHelpRings } from "./help-rings.js";
import { createDetail } from "./detail.js";
import { createDeviceRequests } from "./device-requests.js";
import { createDrawers, createSay } from "./drawers.js";
import { createIncidentMap } from "./incident-map.js";
import { createMessages } from "./messages.js";
import { createNewIncident } from "./new-incident.js";
import { createQueue } from "./queue.js";
import { bindShortcuts } from "./shortcuts.js";
import { createIncidentStore } from "./store.js";

export function startDesk(page) {
  const { map, eventId, serverNow, canAct } = page;
  const store = createIncidentStore();
  const say = createSay();
  const drawers = createDrawers();
  const actions = createActions({ store, say });
  // Organizers watch read-only: no button that the server would refuse them.
  document.body.classList.toggle("read-only", !canAct);

  const officerFix = (id) => page.officer(id)?.fix || null;

  function locate(incident) {
    if (incident) map.setView([incident.lat, incident.lon], Math.max(map.getZoom(), 16));
  }

  const incidentMap = createIncidentMap({ map, store, officerFix, onOpen: (id) => openIncident(id) });
  const queue = createQueue({
    store, serverNow, canAct,
    onOpen: (id) => openIncident(id),
    onAction: (action, id) => act(action, id),
  });
  const detail = createDetail({
    store, actions, drawers, serverNow, locate, canAct,
    onOpenChange: (id) => incidentMap.setOpen(id),
  });
  const newIncident = createNewIncident({
    map, drawers, actions, eventId, posts: page.posts,
    onLogged: (id) => openIncident(id),
  });
  const messages = createMessages({
    drawers, eventId, say, canAct,
    officers: page.officers,
    posts: page.posts,
  });
  const sound = createAlarmSound();
  const helpRings = createHelpRings({ map, officerFix });
  const alarms = createAlarms({
    eventId, serverNow, sound, say, canAct,
    showHelp: (alerts) => {
      helpRings.show(alerts);
      page.setHelpOfficers(alerts.map((a) => a.officer?.id).filter((id) => id != null));
    },
    followOfficer: (id, alert) => {
      if (officerFix(id)) page.followOfficer(id);
      else if (alert.lat != null) map.setView([alert.lat, alert.lon], 17);
    },
    showPlace: (lat, lon) => map.setView([lat, lon], Math.max(map.getZoom(), 16)),
    openIncident: (id) => openIncident(id),
  });

  const deviceRequests = createDeviceRequests({ eventId, serverNow, say });

  store.subscribe(() => queue.render());

  function openIncident(id) {
    if (!store.get(id)) return;
    queue.select(id);
    const wasOpen = detail.openId();
    detail.open(id);
    if (wasOpen !== id) locate(store.get(id));
  }

  function act(action, id) {
    if (action === "acknowledge") actions.acknowledge(id);
    else if (action === "dispatch-nearest") actions.dispatchNearest(id);
  }

  function selectedIncident() {
    return detail.openId() ?? queue.selected();
  }

  const acting = (fn) => (canAct ? fn : () => {});
  bindShortcuts({
    move(step) {
      const id = queue.move(step);
      if (id != null && detail.openId() != null) openIncident(id);
    },
    open() {
      const id = queue.selected();
      if (id != null) openIncident(id);
    },
    acknowledge: acting(() => {
      const id = selectedIncident();
      if (id != null && store.get(id)?.status === "reported") actions.acknowledge(id);
    }),
    dispatch: acting(() => {
      const id = selectedIncident();
      if (id != null) actions.dispatchNearest(id);
    }),
    newIncident: acting(() => newIncident.open()),
    messages: () => messages.toggle(),
    acknowledgeAlarm: acting(() => alarms.acknowledgeTop()),
    escape() {
      if (newIncident.isOpen()) newIncident.close();
      else if (detail.openId() != null) detail.close();
      else messages.close();
    },
  });
  const newButton = document.getElementById("new-incident");
  newButton.hidden = !canAct;
  newButton.addEventListener("click", () => newIncident.open());
  document.getElementById("messages-toggle").addEventListener("click", () => messages.toggle());
  document.getElementById("shortcuts-toggle").addEventListener("click", () => {
    const help = document.getElementById("shortcut-help");
    help.hidden = !help.hidden;
  });

  async function loadIncidents() {
    const id = eventId();
    const answer = await get(`/api/v1/events/${id}/incidents`);
    if (!answer.ok || id !== eventId()) return;
    for (const incident of answer.data.incidents) store.upsert(incident);
    queue.render();
  }

  // For tests and for people debugging at a command post.
  window.fieldopsDesk = Object.freeze({
    incident: (id) => store.get(id),
    markerCount: () => incidentMap.markerCount(),
    sound: () => sound.state(),
  });

  return {
    // Every join (first or after a gap): read again what envelopes may have missed.
    snapshot() {
      loadIncidents();
      alarms.load();
      messages.load();
      deviceRequests.load();
    },
    envelope(type, data) {
      if (type === "incident") store.upsert(data);
      else if (type === "alert") alarms.onEnvelope(data);
      else if (type === "message") messages.onEnvelope(data);
      else if (type === "device_request") deviceRequests.onEnvelope(data);
    },
    reset() {
      detail.close();
      newIncident.close();
      messages.close();
      store.clear();
      alarms.clear();
      messages.clear();
      deviceRequests.clear();
    },
    mapClick: (latlng) => newIncident.mapClick(latlng),
    pinLatLngs: () => incidentMap.pinLatLngs(),
    ringLatLngs: () => helpRings.latLngs(),
    tick() {
      queue.tick();
      alarms.tick();
      helpRings.tick();
      detail.tick();
      incidentMap.tick();
      deviceRequests.tick();
    },
  };
}
