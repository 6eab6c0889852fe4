// fieldops command post: the live map and list of every officer at one event, and the
// dispatcher's desk (js/desk/). This module only wires the parts in js/command/ and js/map/:
//
//   connection ─ snapshot, envelopes ─▶ officers (records by id) ─ changed ─▶ view (one frame)
//   view ─▶ markers on the officers' canvas, groups, the list, the counts, the detail card
//   pointer (what a click or hover is on) and the list ─▶ selection
//
// Markers are drawn on one canvas, in one pass over the records, so 2,000 officers stay
// smooth; the list renders only the rows in view.

import { startDesk } from "./desk/index.js";
import { createClock } from "./command/clock.js";
import { createConnection } from "./command/connection.js";
import { exposeForTests } from "./command/debug-hooks.js";
import { createDetailCard } from "./command/detail-card.js";
import { createEventPicker } from "./command/event-picker.js";
import { createFilters } from "./command/filters.js";
import { $, formatClock, setText } from "./command/format.js";
import { createGround } from "./command/ground.js";
import { createGroups } from "./command/groups.js";
import { paintCountGlyphs } from "./command/look.js";
import { createMapFooter } from "./command/map-footer.js";
import { createOfficerMarkers } from "./command/markers.js";
import { createOfficerCanvas, deskObstacles } from "./command/officer-canvas.js";
import { createOfficerList } from "./command/officer-list.js";
import { createOfficers } from "./command/officers.js";
import { bindPageControls, showEventLinks } from "./command/page-controls.js";
import { bindPointer } from "./command/pointer.js";
import { createSelection } from "./command/selection.js";
import { bindSignOut } from "./command/session.js";
import { createView } from "./command/view.js";
import { createAccuracyCircle } from "./map/accuracy-circle.js";
import { createBaseMap } from "./map/base-map.js";
import { createClusters } from "./map/clusters.js";
import { bindZoomBand } from "./map/zoom-band.js";

const config = JSON.parse($("#command-config").textContent);
const clock = createClock();
let eventId = null;
let helpIds = new Set(); // officers whose help alarm is open: never in a group

const { map, groundRenderer } = createBaseMap("map", config.map);
const footer = createMapFooter({ map, node: $("#map-footer") });

const officers = createOfficers({
  eventId: () => eventId,
  onChange: (rec, orderToo) => view.officerChanged(rec, orderToo),
  onMoved: (rec) => view.officerMoved(rec),
  onRemoved(rec) {
    markers.remove(rec);
    if (selection.is(rec.id)) selection.select(null);
    view.orderChanged();
  },
  onUnknown: () => connection.resync(),
});

// The desk's pins and rings, which names keep clear of (the desk starts after the map).
let deskMarks = { pinLatLngs: () => [], ringLatLngs: () => [], bagLatLngs: () => [] };
const canvas = createOfficerCanvas({
  map,
  officers,
  decorate(ctx, obstacles, labels) {
    groups.draw(ctx, obstacles);
    obstacles.push(...deskObstacles(map, {
      pinLatLngs: deskMarks.pinLatLngs(), ringLatLngs: deskMarks.ringLatLngs(), bagLatLngs: deskMarks.bagLatLngs(),
    }));
    labels.push(...ground.labels());
  },
});
const groups = createGroups({
  map, officers, clusters: createClusters(), isHelp: (id) => helpIds.has(id), redraw: () => canvas.redraw(),
});
map.on("zoomend", () => groups.regroup());
bindZoomBand(map);

const ground = createGround({ map, renderer: groundRenderer, officers, footer, redraw: () => canvas.redraw() });
const accuracy = createAccuracyCircle({ map, renderer: groundRenderer });
const filters = createFilters({
  officers,
  onRefilter() {
    view.allChanged();
    groups.markDirty();
    list.scrollToTop();
  },
  onResort: () => view.orderChanged(),
});
const markers = createOfficerMarkers({
  map, canvas, officers, accuracy, groups, isShown: (rec) => filters.matches(rec), isSelected: (id) => selection.is(id),
});
const list = createOfficerList({
  officers, filters,
  eventId: () => eventId,
  onPick: (id) => selection.select(id, { centre: true }),
  onResize: () => view.listChanged(),
});
const card = createDetailCard({
  node: $("#detail"), clock,
  onClose: () => selection.select(null),
  onCentre: () => selection.centre(),
  onFollow: () => selection.toggleFollow(),
});
const selection = createSelection({
  map, officers, accuracy, groups, list, card,
  onChange: (rec) => view.officerChanged(rec),
  onDetail: () => view.detailChanged(),
});
const view = createView({
  clock, officers, selection, markers, filters, list, card, ground,
  hasData: () => Boolean(connection.lastUpdate()),
});
const connection = createConnection({ onSnapshot: applySnapshot, onEnvelope: applyEnvelope });
const picker = createEventPicker({ events: config.events, onSwitch: switchEvent });

bindPointer({
  map, officers, groups, clock,
  posts: () => ground.posts(),
  placing: (latlng) => desk.mapClick(latlng),
  onOfficer: (id) => selection.select(id, { pan: true }),
});

let setup = {}; // what is on the ground: the course, the posts, the event (snapshot, `setup`)

function applySnapshot(snapshot) {
  clock.setServerTime(snapshot.server_time);
  setup = { course: snapshot.course, posts: snapshot.posts, campus: snapshot.campus, event: snapshot.event };
  ground.show(setup);
  officers.applySnapshot(snapshot);
  ground.fitOnce();
  view.orderChanged();
  view.detailChanged();
  desk.snapshot(snapshot);
}

function applyEnvelope(envelope) {
  const data = envelope.data || {};
  if (envelope.type === "setup") {
    setup = { ...setup, posts: data.posts, campus: data.campus, event: data.event };
    ground.show(setup);
  }
  if (envelope.type === "positions") {
    officers.applyPositions(data.fixes || []);
    view.markersNow(); // drawn before the next frame, not in it
  } else if (envelope.type === "officer") officers.upsert(data);
  else desk.envelope(envelope.type, data);
}

function switchEvent(id, { push = true } = {}) {
  if (id === eventId) return;
  eventId = id;
  showEventLinks(id);
  picker.writeUrl(id, push);
  picker.render(id);
  officers.clear();
  ground.clear();
  selection.select(null);
  desk.reset();
  view.orderChanged();
  connection.watch(id);
}

// Once a second: age the markers ourselves between pushes, and refresh every "ago".
function tick() {
  const now = clock.now();
  for (const rec of officers.values()) {
    if (rec.look && officers.isStale(rec, now) !== rec.look.stale) view.officerChanged(rec);
  }
  list.refreshAges(now);
  if (selection.id() != null) view.detailChanged();
  connection.render();
  setText($("#clock"), formatClock(Date.now()));
  desk.tick();
}

exposeForTests({ map, officers, groups, canvas, ground, markers, connection });

// Incidents, alarms and messages (js/desk/) see the map and the officers through this.
const desk = startDesk({
  map,
  serverNow: clock.now,
  eventId: () => eventId,
  officer: (id) => officers.get(id)?.data ?? null,
  officers: () => [...officers.values()].map((rec) => rec.data),
  posts: () => ground.posts(),
  followOfficer: (id) => selection.follow(id),
  redraw: () => canvas.redraw(), // the names on the map keep clear of a new pin
  setHelpOfficers(ids) {
    const next = new Set(ids);
    if ([...next].join() === [...helpIds].join()) return;
    helpIds = next;
    groups.invalidate();
    groups.regroup();
  },
  canAct: ["admin", "command"].includes(config.user.role),
});
deskMarks = desk;

function start() {
  canvas.addTo(map); // on the map from the start: it draws the course and post names too
  paintCountGlyphs();
  filters.bind();
  picker.bind();
  list.bind();
  bindPageControls({ map });
  bindSignOut();
  selection.bind();
  eventId = picker.initial();
  showEventLinks(eventId);
  picker.render(eventId);
  ground.clear();
  tick();
  setInterval(tick, 1000);
  view.orderChanged();
  if (eventId == null) {
    connection.idle("an admin has to create one first.");
    return;
  }
  picker.writeUrl(eventId, false);
  connection.watch(eventId);
}

start();
