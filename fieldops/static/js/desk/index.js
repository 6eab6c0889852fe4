// The dispatcher's desk on the command page: incident queue, incident markers and detail,
// logging an incident, alarms, messages and keyboard shortcuts. The command page (command.js
// and command/) owns the map, the officers and the socket; it hands us the join snapshots and
// the envelopes (into our stream model) and a few views of its state (`page`).

import { openDrill } from "../shared/drill.js";
import { createStreamModel } from "../streams/model.js";
import { createActions } from "./actions.js";
import { createAlarmSound } from "./alarm-sound.js";
import { createAlarms } from "./alarms.js";
import { createHelpRings } from "./help-rings.js";
import { createDetail } from "./detail.js";
import { createDeviceRequests } from "./device-requests.js";
import { createDrawers, createSay } from "./drawers.js";
import { createFoundItemMap } from "./found-item-map.js";
import { createDrillMap } from "./drill-map.js";
import { createDrills } from "./drills.js";
import { createIncidentMap } from "./incident-map.js";
import { createLostFound } from "./lost-found.js";
import { createLostPersonForm } from "./lost-person-form.js";
import { createLostPersonMap } from "./lost-person-map.js";
import { createLostPersons } from "./lost-persons.js";
import { createMessages } from "./messages.js";
import { createNewIncident } from "./new-incident.js";
import { createQueue } from "./queue.js";
import { bindShortcuts } from "./shortcuts.js";
import { createIncidentStore } from "./store.js";
import { createStudents } from "./students.js";

export function startDesk(page) {
  const { map, eventId, serverNow, canAct } = page;
  // Everything the command stream tells this page, by the one set of rules (streams/model.js).
  const model = createStreamModel("command");
  const accept = (type) => (data) => model.apply({ type, data });
  const store = createIncidentStore(model);
  const say = createSay();
  const drawers = createDrawers();
  const actions = createActions({ store, say });
  // Organizers watch read-only: no button that the server would refuse them.
  document.body.classList.toggle("read-only", !canAct);

  const officerFix = (id) => page.officer(id)?.fix || null;

  function locate(incident) {
    if (incident) map.setView([incident.lat, incident.lon], Math.max(map.getZoom(), 16));
  }

  const incidentMap = createIncidentMap({
    map, store, officerFix, onOpen: (id) => openIncident(id), onPinsMoved: page.redraw,
  });
  const queue = createQueue({
    store, serverNow, canAct,
    onOpen: (id) => openIncident(id),
    onAction: (action, id) => act(action, id),
  });
  const students = createStudents({ say, onChange: () => detail.render() });
  const detail = createDetail({
    store, actions, drawers, serverNow, locate, canAct, students,
    onOpenChange: (id) => incidentMap.setOpen(id),
  });
  const newIncident = createNewIncident({
    map, drawers, actions, eventId, posts: page.posts,
    onLogged: (id) => openIncident(id),
  });
  const messages = createMessages({
    drawers, eventId, say, canAct, accept: accept("message"),
    officers: page.officers,
    posts: page.posts,
  });
  const sound = createAlarmSound();
  const helpRings = createHelpRings({ map, officerFix });
  const alarms = createAlarms({
    accept: accept("alert"), serverNow, sound, say, canAct,
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

  const deviceRequests = createDeviceRequests({ accept: accept("device_request"), serverNow, say });

  // Lost persons (issue 9): a layer each on the map, a card each in their drawer.
  const lostPersonMap = createLostPersonMap({ map, serverNow });
  const lostPersons = createLostPersons({
    drawers, say, canAct, serverNow, accept: accept("lost_person"),
    onLocate: (id) => lostPersonMap.locate(id),
  });
  if (canAct) {
    createLostPersonForm({
      root: document.getElementById("lost-person-new"),
      eventId,
      posts: () => model.info().posts || [],
      pickPoint: (done) => pickPoint(map, done),
      say,
      accept: accept("lost_person"),
    });
  }
  // Lost and found: the drawer, and the found items still held on the map.
  const lostFound = createLostFound({
    drawers, say, canAct, officers: page.officers, eventId, serverNow,
    accept: (type, data) => model.apply({ type, data }),
  });
  const foundItemMap = createFoundItemMap({ map, onOpen: () => lostFound.open() });
  const LOST_FOUND = new Set(["found_items", "lost_reports", "matches"]);

  // School drills (issue 11): the drawer, the banner and the areas on the map.
  const campus = () => model.info().campus || [];
  const drills = createDrills({
    drawers, say, canAct, serverNow, eventId, accept: accept("drill"), campus,
  });
  const drillMap = createDrillMap({ map, campus });

  const followers = { alerts: alarms, messages, device_requests: deviceRequests };
  model.subscribe((change) => {
    if (change.reset) {
      for (const [collection, follower] of Object.entries(followers)) follower.sync(model.all(collection));
    } else if (followers[change.collection]) {
      followers[change.collection].onEnvelope(change.last); // `last`: also one that just left
    }
    if (change.reset || change.collection === "lost_persons") {
      lostPersons.sync(model.all("lost_persons"));
      lostPersonMap.show(model.all("lost_persons"));
    }
    if (change.reset || change.setup) {
      document.body.classList.toggle("at-school", model.info().event?.kind === "school");
    }
    if (change.reset || change.setup || change.collection === "drills") {
      drills.sync(model.all("drills"));
      drillMap.show(openDrill(model.all("drills")));
    }
    if (change.reset || LOST_FOUND.has(change.collection)) {
      lostFound.sync(model);
      foundItemMap.show(lostFound.openItems());
      page.redraw(); // the names on the map keep clear of a new glyph
    }
  });

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
      else {
        messages.close();
        lostPersons.close();
        lostFound.close();
        drills.close();
      }
    },
  });
  const newButton = document.getElementById("new-incident");
  newButton.hidden = !canAct;
  newButton.addEventListener("click", () => newIncident.open());
  document.getElementById("messages-toggle").addEventListener("click", () => messages.toggle());
  document.getElementById("lost-persons-toggle").addEventListener("click", () => lostPersons.toggle());
  document.getElementById("lost-found-toggle").addEventListener("click", () => lostFound.toggle());
  document.getElementById("shortcuts-toggle").addEventListener("click", () => {
    const help = document.getElementById("shortcut-help");
    help.hidden = !help.hidden;
  });

  // For tests and for people debugging at a command post.
  window.fieldopsDesk = Object.freeze({
    incident: (id) => store.get(id),
    markerCount: () => incidentMap.markerCount(),
    sound: () => sound.state(),
    lostRingRadius: (id) => lostPersonMap.ringRadius(id),
    lostSearchedCount: (id) => lostPersonMap.searchedCount(id),
    foundItemMarkers: () => foundItemMap.count(),
    drillAreasOnMap: () => drillMap.count(),
  });

  return {
    // A join's snapshot (first or again after a gap) holds all the desk shows: nothing is
    // read again over REST.
    snapshot(snapshot) {
      model.applySnapshot(snapshot);
      queue.render();
    },
    envelope(type, data) {
      model.apply({ type, data });
    },
    reset() {
      detail.close();
      newIncident.close();
      messages.close();
      lostPersons.close();
      lostFound.close();
      model.clear();
      alarms.clear();
      messages.clear();
      deviceRequests.clear();
    },
    mapClick: (latlng) => newIncident.mapClick(latlng),
    pinLatLngs: () => incidentMap.pinLatLngs(),
    ringLatLngs: () => helpRings.latLngs(),
    bagLatLngs: () => foundItemMap.latLngs(),
    tick() {
      model.prune(serverNow());
      queue.tick();
      alarms.tick();
      helpRings.tick();
      detail.tick();
      incidentMap.tick();
      deviceRequests.tick();
      lostPersonMap.tick();
      drills.tick();
      lostPersons.tick();
    },
  };
}

/** The next click on the map is a point (a lost person's last-seen place). */
function pickPoint(map, done) {
  const node = map.getContainer();
  node.classList.add("picking");
  map.once("click", (e) => {
    node.classList.remove("picking");
    done({ lat: e.latlng.lat, lon: e.latlng.lng });
  });
}
