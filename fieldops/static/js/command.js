// fieldops command post: the live map and list of every officer at one event.
//
// Data flow: the join snapshot and the socket envelopes update the model (officers by id)
// at once; one requestAnimationFrame flush then updates only what changed: markers in place
// (setLatLng on a canvas), the visible list rows, the counts and the detail card.
// Markers are drawn on one canvas so 2,000 officers stay smooth; the list renders only the
// rows in view.

import { startDesk } from "./desk/index.js";
import { CLUSTER_BELOW_ZOOM, createClusters } from "./map/clusters.js";
import { placeLabels, spotsAround } from "./map/labels.js";

const $ = (selector, root = document) => root.querySelector(selector);
const config = JSON.parse($("#command-config").textContent);

// ---- look ----------------------------------------------------------------------------------
// Status is told by shape as well as colour; stale is hollow and dashed; off post is a ring.

const CATEGORIES = {
  on_post: { label: "On post", color: "#4cc3ff", shape: "circle" },
  responding: { label: "Responding", color: "#ff4d6d", shape: "diamond" },
  on_break: { label: "On break", color: "#d6a8ff", shape: "square" },
  off_shift: { label: "Off shift", color: "#9aa4ae", shape: "dot" },
};
const STALE_COLOR = "#d0d6dd";
const STALE_FILL = "rgba(16, 20, 24, 0.6)";
const OFF_POST_COLOR = "#ff9f1c";
const OUTLINE = "#05070a";
const COURSE_COLOR = "#ffd60a";
const POST_COLOR = "#e8eef5";
const RADIUS = 8;
const LABEL_ZOOM = 16;
const POST_LABEL_ZOOM = 14; // post names from here on, where they fit (a hover names any post)
const HIT_PX = 16; // a click this close to an officer's centre is on the officer
const RECLUSTER_MS = 1000;
const EVENT_KEY = "fieldops.command.event"; // the dispatcher's last choice of event

const ROW_HEIGHT = 68; // px; matches .row in command.css
const OVERSCAN = 8;
const JOIN_TIMEOUT_MS = 10000;
const GAP_GRACE_MS = 1000; // wait this long for a missing seq (several servers) before re-joining
const RESYNC_MIN_GAP_MS = 3000; // at most one re-join for unknown officers per this long
const DEFAULT_VIEW = { center: [39.5, -98.35], zoom: 4 };

// ---- small helpers -------------------------------------------------------------------------

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function formatAgo(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

function formatClock(ms) {
  return new Date(ms).toLocaleTimeString([], {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
}

function formatDate(iso) {
  return new Date(iso).toLocaleDateString([], { month: "short", day: "numeric" });
}

function parseTime(iso) {
  return iso ? Date.parse(iso) : null;
}

// ---- state ---------------------------------------------------------------------------------

const state = {
  eventId: null,
  event: null,
  staleAfterMs: 120000,
  clockOffsetMs: 0, // server clock minus ours, from the snapshot
  officers: new Map(), // id -> record {id, data, look, marker, shown, receivedMs, recordedMs, searchText}
  order: [], // ids in the list, filtered and sorted
  filter: "all",
  search: "",
  sort: "alerts",
  selectedId: null,
  follow: false,
  fitted: false,
  staticKey: "",
  posts: [], // as in the snapshot, for clicks on the map
  courseMarks: [], // START, FINISH and the distance markers, for the label pass
  courseLabels: [], // where the last redraw put them
  postLabels: [], // the post names the last redraw found room for
  helpIds: new Set(), // officers whose help alarm is open: never in a group
  lastUpdate: null, // local ms of the last snapshot or envelope
};

const sync = {
  seq: null,
  joining: false,
  attempt: 0,
  buffer: [], // envelopes that arrived before the join ack
  pending: new Map(), // seq -> envelope that arrived ahead of a missing one
  gapTimer: null,
  resyncTimer: null,
  lastJoinAt: 0,
  joins: 0, // snapshots applied
};

const conn = { state: "connecting", message: "" };

function serverNow() {
  return Date.now() + state.clockOffsetMs;
}

// ---- the model -----------------------------------------------------------------------------

function categoryOf(officer) {
  if (officer.status === "responding") return "responding"; // shown even off shift
  if (!officer.on_shift) return "off_shift";
  return CATEGORIES[officer.status] ? officer.status : "on_post";
}

function isStale(rec, now) {
  if (rec.data.stale) return true;
  return rec.receivedMs != null && now - rec.receivedMs > state.staleAfterMs;
}

function labelOf(officer) {
  return officer.name || (officer.badge ? `#${officer.badge}` : `#${officer.id}`);
}

function lookOf(rec, now) {
  const stale = isStale(rec, now);
  return {
    category: categoryOf(rec.data),
    stale,
    offPost: Boolean(rec.data.off_post) && !stale,
    selected: rec.id === state.selectedId,
    label: labelOf(rec.data),
  };
}

function sameLook(a, b) {
  return Boolean(a && b) && a.category === b.category && a.stale === b.stale &&
    a.offPost === b.offPost && a.selected === b.selected && a.label === b.label;
}

function setFix(rec, fix) {
  rec.data.fix = fix;
  rec.receivedMs = fix ? parseTime(fix.received_at) : null;
  rec.recordedMs = fix ? parseTime(fix.recorded_at) : null;
}

function upsertOfficer(data) {
  let rec = state.officers.get(data.id);
  if (!rec) {
    rec = { id: data.id, data, look: null, marker: null, shown: false };
    state.officers.set(data.id, rec);
  }
  const keep = rec.data.fix && data.fix && parseTime(rec.data.fix.recorded_at) > parseTime(data.fix.recorded_at);
  const fix = keep ? rec.data.fix : data.fix;
  rec.data = data;
  setFix(rec, fix);
  rec.searchText = `${data.name || ""} ${data.badge || ""}`.toLowerCase();
  markDirty(rec, true);
  return rec;
}

function placeholderOfficer(id) {
  // A fix from someone who joined after our snapshot: show it now, fetch the name soon.
  scheduleResync();
  return upsertOfficer({
    id, event_id: state.eventId, name: `Officer ${id}`, badge: null, status: "on_post",
    on_shift: false, shift: null, post: null, stale: false, off_post: false, fix: null,
  });
}

function removeOfficer(rec) {
  if (rec.marker) officerLayer.removeLayer(rec.marker);
  state.officers.delete(rec.id);
  if (state.selectedId === rec.id) select(null);
  dirty.order = true;
}

function applySnapshot(snapshot) {
  state.event = snapshot.event;
  state.staleAfterMs = (snapshot.stale_after ?? 120) * 1000;
  const serverTime = parseTime(snapshot.server_time);
  state.clockOffsetMs = serverTime ? serverTime - Date.now() : 0;
  state.lastUpdate = Date.now();
  renderStatic(snapshot);
  const seen = new Set();
  for (const officer of snapshot.officers || []) {
    upsertOfficer(officer);
    seen.add(officer.id);
  }
  for (const rec of [...state.officers.values()]) {
    if (!seen.has(rec.id)) removeOfficer(rec);
  }
  if (!state.fitted) fitToEvent();
  dirty.order = true;
  dirty.detail = true;
  schedule();
  desk.snapshot(snapshot);
}

function applyPositions(fixes) {
  for (const { officer_id: id, ...fix } of fixes) {
    const rec = state.officers.get(id) || placeholderOfficer(id);
    if (rec.recordedMs != null && parseTime(fix.recorded_at) < rec.recordedMs) continue;
    setFix(rec, fix);
    rec.data.stale = false; // a fix just arrived; the server confirms in an `officer` push
    markDirty(rec);
  }
}

function applyEnvelope(envelope) {
  state.lastUpdate = Date.now();
  const data = envelope.data || {};
  if (envelope.type === "positions") applyPositions(data.fixes || []);
  else if (envelope.type === "officer") upsertOfficer(data);
  else desk.envelope(envelope.type, data);
}

// ---- the view scheduler --------------------------------------------------------------------

const dirty = { officers: new Set(), order: false, counts: false, list: false, detail: false };
let frame = 0;

function schedule() {
  if (!frame) frame = requestAnimationFrame(flush);
}

function markDirty(rec, orderToo = false) {
  dirty.officers.add(rec);
  if (orderToo) dirty.order = true;
  schedule();
}

function flush() {
  frame = 0;
  const now = serverNow();
  for (const rec of dirty.officers) refreshOfficer(rec, now);
  dirty.officers.clear();
  if (!state.fitted && state.lastUpdate) fitToEvent();
  if (dirty.order) {
    rebuildOrder();
    dirty.order = false;
    dirty.counts = true;
    dirty.list = true;
  }
  if (dirty.counts) renderCounts();
  if (dirty.list) renderList(now);
  if (dirty.detail) renderDetail(now);
  dirty.counts = dirty.list = dirty.detail = false;
}

function refreshOfficer(rec, now) {
  if (!state.officers.has(rec.id)) return;
  const look = lookOf(rec, now);
  const before = rec.look;
  const changed = !sameLook(look, before);
  if (!before || look.category !== before.category || look.stale !== before.stale ||
      look.offPost !== before.offPost || look.label !== before.label) {
    dirty.order = true;
  }
  rec.look = look;
  updateMarker(rec, changed);
  const row = list.rows.get(rec.id);
  if (row) fillRow(row, rec, now);
  if (rec.id === state.selectedId) {
    dirty.detail = true;
    if (state.follow && rec.marker) map.panTo(rec.marker.getLatLng(), { animate: true });
  }
}

// ---- the map -------------------------------------------------------------------------------
// Panes, bottom to top: tiles; the "ground" canvas (course, posts, accuracy circle, the lines
// from officers to their incidents); the officers' canvas, which also draws every name (its
// own, START/FINISH, the distance markers, the posts) where it fits; the incident pins.

const map = L.map("map", {
  preferCanvas: true,
  maxZoom: config.map.max_zoom || 19,
  minZoom: 2,
  zoomSnap: 0.5,
  worldCopyJump: false,
});
map.createPane("ground").style.zIndex = "350";

const groundRenderer = L.canvas({ pane: "ground", padding: 0.3 });
const courseLayer = L.featureGroup().addTo(map);
const postLayer = L.featureGroup().addTo(map);
const officerLayer = L.featureGroup().addTo(map);
const hoverTip = L.tooltip({ direction: "top", offset: [0, -14], className: "officer-tip" });
let accuracyCircle = null;
let scaleControl = null;

if (config.map.tile_url) {
  L.tileLayer(config.map.tile_url, {
    attribution: config.map.attribution || "",
    maxZoom: config.map.max_zoom || 19,
  }).addTo(map);
} else {
  map.getContainer().classList.add("no-tiles");
  map.attributionControl.addAttribution("No base map: overlays only");
}
map.setView(DEFAULT_VIEW.center, DEFAULT_VIEW.zoom);
$("#map-footer").append(map.attributionControl.getContainer());

function shapePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "diamond") {
    const d = r * 1.4;
    ctx.moveTo(x, y - d);
    ctx.lineTo(x + d, y);
    ctx.lineTo(x, y + d);
    ctx.lineTo(x - d, y);
    ctx.closePath();
  } else if (shape === "square") {
    const s = r * 0.9;
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
  } else {
    ctx.arc(x, y, shape === "dot" ? r * 0.75 : r, 0, Math.PI * 2);
  }
}

function ring(ctx, x, y, radius, width, color) {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

function drawOfficer(ctx, x, y, r, look) {
  const style = CATEGORIES[look.category];
  if (look.selected) ring(ctx, x, y, r + 11, 3, "#ffffff");
  if (look.offPost) ring(ctx, x, y, r + 6, 4.5, OFF_POST_COLOR);
  shapePath(ctx, style.shape, x, y, r);
  ctx.fillStyle = look.stale ? STALE_FILL : style.color;
  ctx.fill();
  if (look.stale) ctx.setLineDash([3, 2.5]);
  ctx.lineWidth = look.stale ? 2.5 : 2;
  ctx.strokeStyle = look.stale ? STALE_COLOR : OUTLINE;
  ctx.stroke();
}

// Each look is drawn once into a small bitmap, then stamped with drawImage: thousands of
// stamps rasterize several times faster than thousands of paths.
const SPRITE_HALF = RADIUS + 14; // css px from the centre to the sprite's edge
const sprites = new Map();

function lookKey(look) {
  return `${look.category}|${look.stale}|${look.offPost}|${look.selected}`;
}

function spriteFor(look) {
  const key = lookKey(look);
  let sprite = sprites.get(key);
  if (!sprite) {
    const scale = L.Browser.retina ? 2 : 1;
    sprite = document.createElement("canvas");
    sprite.width = sprite.height = 2 * SPRITE_HALF * scale;
    const ctx = sprite.getContext("2d");
    ctx.scale(scale, scale);
    drawOfficer(ctx, SPRITE_HALF, SPRITE_HALF, RADIUS, look);
    sprites.set(key, sprite);
  }
  return sprite;
}

function labelPriority(look) {
  if (look.selected) return 0;
  if (look.category === "responding") return 1;
  if (look.offPost) return 2;
  if (look.stale) return 3;
  return 4;
}

// The officers' canvas always redraws whole: names are placed in one consistent pass, and
// with hundreds of officers moving each tick the changed area is the whole map anyway. It
// takes no pointer events (command.css): clicks are hit-tested in `hitAt`, so nothing drawn
// above or below can swallow a click meant for an officer.
const OfficerCanvas = L.Canvas.extend({
  _extendRedrawBounds() {},

  _draw() {
    this._labels = [];
    this._obstacles = [];
    this._ctx.globalAlpha = 1;
    L.Canvas.prototype._draw.call(this);
    drawGroups(this._ctx, this._obstacles);
    addGroundObstacles(this._obstacles);
    addCourseLabels(this._labels);
    addPostLabels(this._labels);
    const size = map.getSize();
    const corner = map.containerPointToLayerPoint([0, 0]);
    const view = { x1: corner.x, y1: corner.y, x2: corner.x + size.x, y2: corner.y + size.y };
    const drawn = placeLabels(this._ctx, this._labels, this._obstacles, view);
    state.postLabels = drawn.filter((label) => label.kind === "post").map((label) => label.text);
    state.courseLabels = drawn.filter((label) => label.kind === "course")
      .map(({ text, x, y }) => ({ text, point: map.layerPointToContainerPoint([x, y]) }));
  },
});
const renderer = new OfficerCanvas({ padding: 0.1, tolerance: 6 });
// The desk's pins and rings, which names keep clear of (the desk starts after the map).
let deskMarks = { pinLatLngs: () => [], ringLatLngs: () => [] };

function redrawOfficers() {
  if (renderer._map && !renderer._redrawRequest) {
    renderer._redrawRequest = L.Util.requestAnimFrame(renderer._redraw, renderer);
  }
}

// A canvas marker: stamps its look's sprite and queues its name for the label pass; skipped
// while its officer is counted in a group.
const OfficerMarker = L.CircleMarker.extend({
  initialize(latlng, options) {
    L.CircleMarker.prototype.initialize.call(this, latlng, options);
    this.look = options.look;
    this.clustered = false;
  },

  _updateBounds() {
    const pad = SPRITE_HALF + this._clickTolerance();
    this._pxBounds = L.bounds(this._point.subtract([pad, pad]), this._point.add([pad, pad]));
  },

  _updatePath() {
    const canvas = this._renderer;
    if (!canvas._drawing || this._empty() || this.clustered) return;
    const { x, y } = this._point;
    const size = 2 * SPRITE_HALF;
    canvas._ctx.drawImage(spriteFor(this.look), Math.round(x - SPRITE_HALF), Math.round(y - SPRITE_HALF), size, size);
    const r = RADIUS + 4;
    canvas._obstacles.push({ x1: x - r, y1: y - r, x2: x + r, y2: y + r, owner: this.officerId });
    if (this.look.selected || this._map.getZoom() >= LABEL_ZOOM) {
      canvas._labels.push({
        text: this.look.label,
        kind: "officer",
        spots: [[x + this._radius + 8, y]],
        priority: labelPriority(this.look),
        stale: this.look.stale,
        owner: this.officerId,
      });
    }
  },
});

// ---- groups of quiet officers ----------------------------------------------------------------

const clusters = createClusters();
const grouping = { dirty: true, lastBuilt: 0, timer: null, view: { clusters: [], hidden: new Set() } };

function isQuiet(rec) {
  const look = rec.look;
  return Boolean(look && rec.shown && rec.data.fix) && !look.stale && !look.offPost && !look.selected &&
    look.category !== "responding" && !state.helpIds.has(rec.id);
}

function markGroupsDirty() {
  grouping.dirty = true;
  if (grouping.timer) return;
  const wait = Math.max(0, grouping.lastBuilt + RECLUSTER_MS - Date.now());
  grouping.timer = setTimeout(() => {
    grouping.timer = null;
    regroup();
  }, wait);
}

function regroup() {
  if (grouping.dirty) {
    const quiet = [];
    for (const rec of state.officers.values()) {
      if (isQuiet(rec)) {
        const { lat, lon } = rec.data.fix;
        quiet.push({ id: rec.id, lat, lon, category: rec.look.category });
      }
    }
    clusters.load(quiet);
    grouping.dirty = false;
    grouping.lastBuilt = Date.now();
  }
  grouping.view = clusters.at(map.getZoom());
  for (const rec of state.officers.values()) {
    if (rec.marker) rec.marker.clustered = grouping.view.hidden.has(rec.id);
  }
  redrawOfficers();
}

function groupRadius(count) {
  return Math.min(22, 12 + 2 * Math.log2(count)); // groups stand about 56 px apart: no overlap
}

// A group: a dark disc with its count, ringed in the colours of who is in it (on post blue,
// on break violet, off shift grey), so the map still says "all quiet here" at a glance.
function drawGroups(ctx, obstacles) {
  for (const group of grouping.view.clusters) {
    const { x, y } = map.latLngToLayerPoint([group.lat, group.lon]);
    const r = groupRadius(group.count);
    ctx.beginPath();
    ctx.arc(x, y, r + 4, 0, Math.PI * 2);
    ctx.fillStyle = OUTLINE;
    ctx.fill();
    let start = -Math.PI / 2;
    for (const category of ["on_post", "on_break", "off_shift"]) {
      const n = group.byCategory[category] || 0;
      if (!n) continue;
      const end = start + (2 * Math.PI * n) / group.count;
      ctx.beginPath();
      ctx.arc(x, y, r, start, end);
      ctx.lineWidth = 6;
      ctx.strokeStyle = CATEGORIES[category].color;
      ctx.stroke();
      start = end;
    }
    ctx.beginPath();
    ctx.arc(x, y, r - 3, 0, Math.PI * 2);
    ctx.fillStyle = "#11161b";
    ctx.fill();
    ctx.font = `800 ${group.count > 99 ? 13 : 15}px system-ui, 'DejaVu Sans', sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#ffffff";
    ctx.fillText(String(group.count), x, y + 1);
    ctx.textAlign = "start";
    obstacles.push({ x1: x - r - 4, y1: y - r - 4, x2: x + r + 4, y2: y + r + 4, owner: `group-${group.id}` });
  }
}

function groupText(group) {
  const parts = Object.entries(group.byCategory).map(([category, n]) => `${n} ${CATEGORIES[category].label.toLowerCase()}`);
  return `<strong>${group.count} officers</strong><br>${parts.join(", ")}<br><span class="muted">click to zoom in</span>`;
}

// ---- what labels must keep clear of, and the post names -------------------------------------

function addGroundObstacles(obstacles) {
  for (const latlng of deskMarks.pinLatLngs()) {
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 24, y1: y - 54, x2: x + 24, y2: y - 4, owner: "incident" }); // above its tip
  }
  for (const latlng of deskMarks.ringLatLngs()) { // the ring and its "HELP · name" tag under it
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 90, y1: y + 36, x2: x + 90, y2: y + 62, owner: "help" });
  }
}

// START, FINISH and the distance markers (every fifth only when zoomed far out).
function addCourseLabels(labels) {
  const far = map.getZoom() < 12;
  for (const m of state.courseMarks) {
    if (far && m.minor) continue;
    const { x, y } = map.latLngToLayerPoint([m.lat, m.lon]);
    const spots = spotsAround(x, y, m.text, "course", 10); // on the point first, then around it
    labels.push({ text: m.text, kind: "course", spots, priority: 0.5, end: m.end, owner: "course" });
  }
}

function addPostLabels(labels) {
  if (map.getZoom() < POST_LABEL_ZOOM) return;
  for (const post of state.posts) {
    const { x, y } = map.latLngToLayerPoint(northEdge(post));
    const spots = spotsAround(x, y, post.name, "post", 4);
    labels.push({ text: post.name, kind: "post", spots: [[x, y - 14], ...spots.slice(1)], priority: 20, owner: `post-${post.id}` });
  }
}

// ---- what is under the pointer ----------------------------------------------------------------

function hitAt(point) {
  let best = null;
  for (const rec of state.officers.values()) {
    const marker = rec.marker;
    if (!marker || !marker._map || marker.clustered) continue;
    const distance = map.latLngToContainerPoint(marker.getLatLng()).distanceTo(point);
    if (distance > HIT_PX) continue;
    const rank = labelPriority(rec.look) * 100 + distance; // the urgent one wins a tie
    if (!best || rank < best.rank) best = { kind: "officer", rec, rank };
  }
  if (best) return best;
  for (const group of grouping.view.clusters) {
    const at = map.latLngToContainerPoint([group.lat, group.lon]);
    if (at.distanceTo(point) <= groupRadius(group.count) + 4) return { kind: "group", group };
  }
  const latlng = map.containerPointToLatLng(point);
  const post = state.posts.find((p) => postContains(p, latlng));
  return post ? { kind: "post", post, latlng } : null;
}

function updateMarker(rec, lookChanged) {
  const fix = rec.data.fix;
  if (!fix) {
    if (rec.marker) officerLayer.removeLayer(rec.marker);
    rec.marker = null;
    rec.shown = false;
    return;
  }
  const show = matches(rec) || rec.id === state.selectedId;
  if (!rec.marker) {
    rec.marker = new OfficerMarker([fix.lat, fix.lon], {
      renderer, radius: RADIUS, weight: 2, look: rec.look, interactive: false,
    });
    rec.marker.officerId = rec.id;
    rec.shown = false;
  } else {
    const marker = rec.marker;
    const at = marker.getLatLng();
    marker.look = rec.look;
    if (at.lat !== fix.lat || at.lng !== fix.lon) marker.setLatLng([fix.lat, fix.lon]);
    else if (lookChanged && marker._map) marker.redraw();
  }
  if (show !== rec.shown) {
    if (show) officerLayer.addLayer(rec.marker);
    else officerLayer.removeLayer(rec.marker);
    rec.shown = show;
  }
  if (lookChanged && rec.marker._map && labelPriority(rec.look) < 4) rec.marker.bringToFront();
  if (rec.id === state.selectedId) updateAccuracy(rec);
  if (map.getZoom() < CLUSTER_BELOW_ZOOM) markGroupsDirty();
}

function clearAccuracy() {
  if (accuracyCircle) accuracyCircle.remove();
  accuracyCircle = null;
}

// The selected officer's fix accuracy, as a circle in metres on the ground.
function updateAccuracy(rec) {
  const fix = rec.data.fix;
  if (!fix || !fix.accuracy) {
    clearAccuracy();
    return;
  }
  if (!accuracyCircle) {
    accuracyCircle = L.circle([fix.lat, fix.lon], {
      renderer: groundRenderer, radius: fix.accuracy, color: "#ffffff", weight: 1.5,
      dashArray: "4 4", fillColor: "#ffffff", fillOpacity: 0.12, interactive: false,
    }).addTo(map);
  }
  accuracyCircle.setLatLng([fix.lat, fix.lon]);
  accuracyCircle.setRadius(fix.accuracy);
}

// One place decides what a click or a hover is on: an officer (always, wherever they stand),
// else a group (zoom in to it), else a post (its orders). Incident pins sit above and take
// their own clicks.
map.on("click", (e) => {
  if (desk.mapClick(e.latlng)) return; // placing a new incident
  const hit = hitAt(e.containerPoint);
  if (!hit) return;
  if (hit.kind === "officer") select(hit.rec.id, { pan: true });
  else if (hit.kind === "group") map.setView([hit.group.lat, hit.group.lon], clusters.expansionZoom(hit.group.id));
  else L.popup({ maxWidth: 320 }).setLatLng(hit.latlng).setContent(postPopup(hit.post)).openOn(map);
});

let hoverFrame = 0;
map.on("mousemove", (e) => {
  if (hoverFrame) return;
  hoverFrame = requestAnimationFrame(() => {
    hoverFrame = 0;
    const hit = hitAt(e.containerPoint);
    map.getContainer().classList.toggle("over-something", Boolean(hit));
    if (!hit) {
      hoverTip.remove();
      return;
    }
    if (hit.kind === "officer") hoverTip.setLatLng(hit.rec.marker.getLatLng()).setContent(hoverText(hit.rec));
    else if (hit.kind === "group") hoverTip.setLatLng([hit.group.lat, hit.group.lon]).setContent(groupText(hit.group));
    else hoverTip.setLatLng(northEdge(hit.post)).setContent(`<strong>${escapeHtml(hit.post.name)}</strong>`);
    hoverTip.addTo(map);
  });
});
map.on("mouseout", () => hoverTip.remove());
map.on("zoomend", () => regroup());

function hoverText(rec) {
  const o = rec.data;
  const flags = [rec.look?.stale && "STALE", rec.look?.offPost && "OFF POST"].filter(Boolean);
  const badge = o.badge ? ` #${escapeHtml(o.badge)}` : "";
  return `<strong>${escapeHtml(o.name)}</strong>${badge}<br>${CATEGORIES[rec.look.category].label}` +
    `${flags.length ? ` · ${flags.join(" · ")}` : ""} · ${escapeHtml(fixAge(rec, serverNow()))}`;
}

function renderStatic(snapshot) {
  const key = JSON.stringify([snapshot.course, snapshot.posts, snapshot.event?.distance_unit]);
  if (key === state.staticKey) return;
  state.staticKey = key;
  clearStatic();
  state.posts = snapshot.posts || [];
  drawPosts(state.posts);
  drawCourse(snapshot.course);
  renderCourseLength(snapshot.course);
  setScale(snapshot.event?.distance_unit);
  redrawOfficers();
}

function clearStatic() {
  courseLayer.clearLayers();
  postLayer.clearLayers();
  state.posts = [];
  state.courseMarks = [];
}

function drawCourse(course) {
  if (!course) return;
  const line = { renderer: groundRenderer, interactive: false, lineJoin: "round", lineCap: "round" };
  for (const points of course.lines) {
    L.polyline(points, { ...line, color: "#000000", weight: 11, opacity: 0.55 }).addTo(courseLayer);
    L.polyline(points, { ...line, color: COURSE_COLOR, weight: 5, opacity: 1 }).addTo(courseLayer);
  }
  const first = course.lines[0]?.[0];
  const lastLine = course.lines[course.lines.length - 1];
  const last = lastLine?.[lastLine.length - 1];
  // Drawn with the names on the officers' canvas, where they find room (addCourseLabels).
  state.courseMarks = [
    first && { lat: first[0], lon: first[1], text: "START", end: true },
    last && { lat: last[0], lon: last[1], text: "FINISH", end: true },
  ].filter(Boolean);
  for (const m of course.markers || []) {
    const n = parseFloat(m.label);
    state.courseMarks.push({ lat: m.lat, lon: m.lon, text: m.label, minor: Number.isFinite(n) && n % 5 !== 0 });
  }
}

function drawPosts(posts) {
  const style = {
    renderer: groundRenderer, color: POST_COLOR, weight: 2, dashArray: "7 5",
    fillColor: POST_COLOR, fillOpacity: 0.1, interactive: false,
  };
  for (const post of posts) {
    const shape = isPolygon(post)
      ? L.polygon(post.polygon, style)
      : L.circle([post.lat, post.lon], { ...style, radius: post.radius_m || 50 });
    shape.addTo(postLayer); // its name is drawn with the officers' names, where it fits
  }
}

function isPolygon(post) {
  return Array.isArray(post.polygon) && post.polygon.length >= 3;
}

function northEdge(post) {
  if (isPolygon(post)) return post.polygon.reduce((top, p) => (p[0] > top[0] ? p : top));
  return [post.lat + (post.radius_m || 50) / 111320, post.lon];
}

function postContains(post, latlng) {
  if (!isPolygon(post)) return map.distance(latlng, [post.lat, post.lon]) <= (post.radius_m || 50);
  let inside = false;
  const ring = post.polygon;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [yi, xi] = ring[i];
    const [yj, xj] = ring[j];
    if ((yi > latlng.lat) !== (yj > latlng.lat) &&
        latlng.lng < ((xj - xi) * (latlng.lat - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

function postPopup(post) {
  const kind = escapeHtml((post.kind || "").replace(/_/g, " "));
  const orders = post.orders ? `<p class="orders">${escapeHtml(post.orders)}</p>` : "";
  return `<strong>${escapeHtml(post.name)}</strong><br><span class="muted">${kind}</span>${orders}`;
}

// The scale bar and the map credit live in a strip under the map, so no pin is ever under them.
function setScale(unit) {
  if (scaleControl) scaleControl.remove();
  scaleControl = L.control.scale({ metric: unit !== "mi", imperial: unit === "mi", maxWidth: 160 })
    .addTo(map);
  $("#map-footer").prepend(scaleControl.getContainer());
}

function fitToEvent() {
  const bounds = L.latLngBounds([]);
  courseLayer.eachLayer((layer) => bounds.extend(layer.getBounds()));
  for (const post of state.posts) {
    if (isPolygon(post)) bounds.extend(post.polygon);
    else bounds.extend([post.lat, post.lon]);
  }
  if (!bounds.isValid()) {
    for (const rec of state.officers.values()) {
      if (rec.data.fix) bounds.extend([rec.data.fix.lat, rec.data.fix.lon]);
    }
  }
  if (!bounds.isValid()) return;
  map.fitBounds(bounds, { padding: [48, 48], maxZoom: 16, animate: false });
  state.fitted = true;
}

function applyZoomBand() {
  const zoom = map.getZoom();
  map.getContainer().dataset.zoomBand = zoom < 12 ? "far" : zoom < 15 ? "mid" : "near";
}
map.on("zoomend", applyZoomBand);
applyZoomBand();

function centreOn(rec) {
  const fix = rec.data.fix;
  if (!fix) return;
  map.setView([fix.lat, fix.lon], Math.max(map.getZoom(), 16), { animate: true });
}

// ---- glyphs for the list, counts and detail (the same shapes as on the map) ----------------

function glyphSvg({ category, stale = false, offPost = false }) {
  const style = CATEGORIES[category];
  const c = 15;
  const r = 7;
  const fill = stale ? "#14181d" : style.color;
  const stroke = stale ? STALE_COLOR : OUTLINE;
  const paint = `fill="${fill}" stroke="${stroke}" stroke-width="${stale ? 2.5 : 2}"` +
    (stale ? ' stroke-dasharray="3 2.5"' : "");
  let shape;
  if (style.shape === "diamond") {
    const d = r * 1.4;
    shape = `<path d="M${c} ${c - d}L${c + d} ${c}L${c} ${c + d}L${c - d} ${c}Z" ${paint}/>`;
  } else if (style.shape === "square") {
    const s = r * 0.9;
    shape = `<rect x="${c - s}" y="${c - s}" width="${2 * s}" height="${2 * s}" ${paint}/>`;
  } else {
    shape = `<circle cx="${c}" cy="${c}" r="${style.shape === "dot" ? r * 0.75 : r}" ${paint}/>`;
  }
  const ring = offPost
    ? `<circle cx="${c}" cy="${c}" r="${r + 5}" fill="none" stroke="${OFF_POST_COLOR}" stroke-width="3.5"/>`
    : "";
  return `<svg viewBox="0 0 30 30" width="30" height="30" aria-hidden="true" focusable="false">${ring}${shape}</svg>`;
}

function paintCountGlyphs() {
  const looks = {
    stale: { category: "on_post", stale: true },
    off_post: { category: "on_post", offPost: true },
  };
  for (const node of document.querySelectorAll("[data-glyph]")) {
    const key = node.dataset.glyph;
    node.innerHTML = glyphSvg(looks[key] || { category: key });
  }
}

// ---- filter, sort, counts ------------------------------------------------------------------

function matchesFilter(rec) {
  const f = state.filter;
  if (f === "all") return true;
  if (f === "on_shift") return Boolean(rec.data.on_shift);
  if (f === "stale") return rec.look.stale;
  if (f === "off_post") return rec.look.offPost;
  return rec.look.category === f;
}

function matches(rec) {
  if (!rec.look || !matchesFilter(rec)) return false;
  return !state.search || rec.searchText.includes(state.search);
}

function alertRank(rec) {
  const { look, data } = rec;
  if (look.category === "responding") return 0;
  if (look.offPost) return 1;
  if (look.stale && data.on_shift) return 2;
  if (data.on_shift) return 3;
  return 4;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function compareOfficers(a, b) {
  if (state.sort === "alerts") {
    const rank = alertRank(a) - alertRank(b);
    if (rank) return rank;
  }
  if (state.sort === "badge") {
    const byBadge = collator.compare(a.data.badge || "~", b.data.badge || "~");
    if (byBadge) return byBadge;
  }
  return collator.compare(a.data.name || "", b.data.name || "") || a.id - b.id;
}

function rebuildOrder() {
  const recs = [];
  for (const rec of state.officers.values()) if (matches(rec)) recs.push(rec);
  recs.sort(compareOfficers);
  state.order = recs.map((rec) => rec.id);
}

function renderCounts() {
  const counts = {
    all: 0, on_shift: 0, stale: 0, off_post: 0, on_post: 0, responding: 0, on_break: 0, off_shift: 0,
  };
  for (const rec of state.officers.values()) {
    if (!rec.look) continue;
    counts.all += 1;
    if (rec.data.on_shift) counts.on_shift += 1;
    if (rec.look.stale) counts.stale += 1;
    if (rec.look.offPost) counts.off_post += 1;
    counts[rec.look.category] += 1;
  }
  for (const tile of document.querySelectorAll(".count")) {
    const n = counts[tile.dataset.filter] ?? 0;
    tile.dataset.count = String(n);
    tile.dataset.digits = String(Math.min(String(n).length, 5));
    setText($(".count-n", tile), String(n));
    tile.classList.toggle("nonzero", n > 0);
  }
}

function setFilter(filter) {
  state.filter = filter;
  for (const tile of document.querySelectorAll(".count")) {
    tile.setAttribute("aria-pressed", String(tile.dataset.filter === filter));
  }
  refilter();
}

function refilter() {
  for (const rec of state.officers.values()) dirty.officers.add(rec);
  markGroupsDirty();
  dirty.order = true;
  list.el.scrollTop = 0;
  schedule();
}

// ---- the officer list (only the rows in view are in the DOM) -------------------------------

const list = {
  el: $("#officer-list"),
  sizer: $("#list-sizer"),
  empty: $("#list-empty"),
  rows: new Map(), // officer id -> row element
  pool: [],
};

function makeRow() {
  const row = document.createElement("button");
  row.type = "button";
  row.className = "row";
  row.innerHTML =
    '<span class="row-glyph"></span>' +
    '<span class="row-main"><span class="row-name"></span>' +
    '<span class="row-sub"><span class="row-flags"></span><span class="row-status"></span>' +
    '<span class="row-post"></span></span></span>' +
    '<span class="row-side"><span class="row-age" data-testid="row-age"></span>' +
    '<span class="row-battery" data-testid="row-battery"></span></span>';
  row.refs = {
    glyph: $(".row-glyph", row),
    name: $(".row-name", row),
    flags: $(".row-flags", row),
    status: $(".row-status", row),
    post: $(".row-post", row),
    age: $(".row-age", row),
    battery: $(".row-battery", row),
  };
  row.addEventListener("click", () => select(Number(row.dataset.officerId), { centre: true }));
  return row;
}

function fixAge(rec, now) {
  if (rec.receivedMs == null) return "no fix yet";
  return formatAgo((now - rec.receivedMs) / 1000);
}

function batteryText(fix) {
  if (!fix || fix.battery == null) return "";
  return `Bat ${Math.round(fix.battery)}%`;
}

function fillRow(row, rec, now) {
  const { data, look } = rec;
  const glyphKey = `${look.category}|${look.stale}|${look.offPost}`;
  if (row.glyphKey !== glyphKey) {
    row.refs.glyph.innerHTML = glyphSvg(look);
    row.glyphKey = glyphKey;
  }
  row.dataset.officerId = String(rec.id);
  row.dataset.status = look.category;
  row.dataset.stale = String(look.stale);
  row.dataset.offPost = String(look.offPost);
  row.classList.toggle("selected", look.selected);
  row.setAttribute("aria-pressed", String(look.selected));
  setText(row.refs.name, data.badge ? `${data.name}  #${data.badge}` : data.name);
  const flags = [look.stale && "STALE", look.offPost && "OFF POST"].filter(Boolean).join(" ");
  setText(row.refs.flags, flags);
  row.refs.flags.className = `row-flags${look.offPost ? " off-post" : look.stale ? " stale" : ""}`;
  setText(row.refs.status, CATEGORIES[look.category].label);
  setText(row.refs.post, data.post ? data.post.name : "");
  setText(row.refs.age, fixAge(rec, now));
  setText(row.refs.battery, batteryText(data.fix));
  row.refs.battery.classList.toggle("low", data.fix?.battery != null && data.fix.battery < 20);
}

function renderList(now = serverNow()) {
  const total = state.order.length;
  setText($("#list-shown"), state.filter === "all" && !state.search
    ? `(${total})`
    : `(${total} of ${state.officers.size})`);
  list.sizer.style.height = `${total * ROW_HEIGHT}px`;
  list.empty.hidden = total > 0;
  if (!total) list.empty.textContent = emptyListText();
  if (list.el.hidden) return;
  const top = list.el.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((top + list.el.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  const wanted = new Set(state.order.slice(first, last));
  for (const [id, row] of list.rows) {
    if (wanted.has(id)) continue;
    row.remove();
    list.rows.delete(id);
    list.pool.push(row);
  }
  for (let i = first; i < last; i += 1) {
    const id = state.order[i];
    let row = list.rows.get(id);
    if (!row) {
      row = list.pool.pop() || makeRow();
      list.rows.set(id, row);
      fillRow(row, state.officers.get(id), now);
      list.el.appendChild(row);
    }
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
  }
}

function emptyListText() {
  if (!state.eventId) return "No event to show.";
  if (!state.officers.size) return "No officers have joined this event yet.";
  return "No officer matches this filter.";
}

function scrollRowIntoView(id) {
  const index = state.order.indexOf(id);
  if (index < 0 || list.el.hidden) return;
  const top = index * ROW_HEIGHT;
  const view = list.el;
  if (top < view.scrollTop || top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
    view.scrollTop = Math.max(0, top - view.clientHeight / 2 + ROW_HEIGHT / 2);
  }
}

function updateVisibleAges(now) {
  for (const [id, row] of list.rows) {
    const rec = state.officers.get(id);
    if (rec) setText(row.refs.age, fixAge(rec, now));
  }
}

// ---- selection and the detail card ---------------------------------------------------------

const detail = $("#detail");
detail.innerHTML = `
  <div class="detail-head">
    <span class="detail-glyph"></span>
    <h2 class="detail-name" data-testid="detail-name"></h2>
    <button type="button" class="btn detail-close" data-testid="detail-close" aria-label="Close details">×</button>
  </div>
  <p class="detail-status" data-testid="detail-status"></p>
  <dl class="detail-grid">
    <dt>Last fix</dt><dd class="wide" data-testid="detail-age"></dd>
    <dt>Accuracy</dt><dd data-testid="detail-accuracy"></dd>
    <dt>Battery</dt><dd data-testid="detail-battery"></dd>
    <dt>Post</dt><dd class="wide" data-testid="detail-post"></dd>
    <dt>Shift</dt><dd class="wide" data-testid="detail-shift"></dd>
    <dt>Position</dt><dd class="wide" data-testid="detail-position"></dd>
  </dl>
  <div class="detail-actions">
    <button type="button" class="btn" data-action="centre">Centre map</button>
    <button type="button" class="btn" data-action="follow" aria-pressed="false">Follow</button>
  </div>`;
const detailField = (name) => $(`[data-testid="detail-${name}"]`, detail);

$(".detail-close", detail).addEventListener("click", () => select(null));
$('[data-action="centre"]', detail).addEventListener("click", () => {
  const rec = state.officers.get(state.selectedId);
  if (rec) centreOn(rec);
});
$('[data-action="follow"]', detail).addEventListener("click", (e) => {
  state.follow = !state.follow;
  e.currentTarget.setAttribute("aria-pressed", String(state.follow));
  const rec = state.officers.get(state.selectedId);
  if (state.follow && rec) centreOn(rec);
});

function select(id, { centre = false, pan = false } = {}) {
  const previous = state.officers.get(state.selectedId);
  state.selectedId = id;
  grouping.dirty = true; // the selected officer always stands alone
  if (id == null) {
    state.follow = false;
    $('[data-action="follow"]', detail).setAttribute("aria-pressed", "false");
  }
  clearAccuracy();
  if (previous) markDirty(previous);
  const rec = state.officers.get(id);
  if (rec) {
    markDirty(rec);
    if (centre) centreOn(rec);
    else if (pan && rec.data.fix) map.panTo([rec.data.fix.lat, rec.data.fix.lon]);
    scrollRowIntoView(id);
  }
  dirty.detail = true;
  schedule();
  requestAnimationFrame(regroup); // after the flush has given them their selected look
}

function renderDetail(now) {
  const rec = state.officers.get(state.selectedId);
  detail.hidden = !rec || !rec.look;
  if (detail.hidden) return;
  const { data, look } = rec;
  const fix = data.fix;
  detail.dataset.selectedOfficerId = String(rec.id);
  const glyphKey = `${look.category}|${look.stale}|${look.offPost}`;
  if (detail.glyphKey !== glyphKey) {
    $(".detail-glyph", detail).innerHTML = glyphSvg(look);
    detail.glyphKey = glyphKey;
  }
  setText(detailField("name"), data.badge ? `${data.name}  #${data.badge}` : data.name);
  const flags = [look.stale && "STALE", look.offPost && "OFF POST"].filter(Boolean);
  setText(detailField("status"), [CATEGORIES[look.category].label, ...flags].join(" · "));
  detailField("status").classList.toggle("alert", flags.length > 0);
  setText(detailField("age"), fix ? `${fixAge(rec, now)} (${formatClock(rec.receivedMs - state.clockOffsetMs)})` : "no fix yet");
  setText(detailField("accuracy"), fix && fix.accuracy != null ? `± ${Math.round(fix.accuracy)} m` : "—");
  setText(detailField("battery"), fix && fix.battery != null ? `${Math.round(fix.battery)} %` : "—");
  setText(detailField("post"), data.post ? data.post.name : "none");
  setText(detailField("shift"), shiftText(data, now));
  setText(detailField("position"), fix ? `${fix.lat.toFixed(5)}, ${fix.lon.toFixed(5)}` : "—");
}

function shiftText(data, now) {
  if (!data.shift) return "not checked in";
  const at = parseTime(data.shift.checked_in_at);
  return `checked in ${formatClock(at - state.clockOffsetMs)} (${formatAgo((now - at) / 1000)})`;
}

// ---- connection ----------------------------------------------------------------------------

const CONNECTION_LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  error: "Not live",
  idle: "No event",
};

function setConnection(name, message = "") {
  conn.state = name;
  conn.message = message;
  renderConnection();
}

function renderConnection() {
  const box = $("#connection");
  box.dataset.state = conn.state;
  setText($(".conn-label", box), CONNECTION_LABELS[conn.state]);
  const age = state.lastUpdate ? (Date.now() - state.lastUpdate) / 1000 : null;
  const quiet = conn.state === "live" && age != null && age < 10;
  setText($(".conn-age", box), age == null || quiet ? "" : `updated ${formatAgo(age)}`);
  renderBanner(age);
}

// Over the map, whenever the picture is not live: what is wrong and how old the picture is.
function renderBanner(age) {
  const banner = $("#map-banner");
  const live = conn.state === "live" || (conn.state === "connecting" && age == null);
  banner.hidden = live;
  banner.dataset.state = conn.state;
  if (live) return;
  const main = $(".banner-main", banner);
  const what = CONNECTION_LABELS[conn.state].replace("…", "");
  setText(main, conn.message ? `${what}: ${conn.message}` : what);
  const old = age == null ? "" : `The picture is ${formatAgo(age).replace(" ago", "")} old.`;
  setText($(".banner-age", banner), old);
  const signIn = conn.message.startsWith("Signed out");
  if (signIn && !main.querySelector("a")) {
    const link = document.createElement("a");
    link.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    link.textContent = "Sign in again";
    main.append(" ", link);
  }
}

const socket = io("/live", {
  transports: ["websocket"],
  autoConnect: false,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
});

socket.on("connect", () => {
  setConnection(state.lastUpdate ? "reconnecting" : "connecting");
  join();
});

socket.on("disconnect", (reason) => {
  cancelJoin();
  if (reason === "io client disconnect") return; // we did it (switching events)
  setConnection("reconnecting", "lost the server.");
  if (reason === "io server disconnect") setTimeout(() => socket.connect(), 2000);
});

socket.on("connect_error", (error) => {
  if (socket.active) {
    setConnection(navigator.onLine ? "reconnecting" : "offline",
      navigator.onLine ? "cannot reach the server." : "this computer is offline.");
    return;
  }
  // The server refused us: usually an expired session.
  fetch("/api/v1/auth/me", { credentials: "same-origin" }).then((response) => {
    if (response.status === 401) {
      setConnection("offline", "Signed out.");
    } else {
      setConnection("offline", `refused (${error.message}).`);
      setTimeout(() => socket.connect(), 5000);
    }
  }, () => {
    setConnection("offline", "cannot reach the server.");
    setTimeout(() => socket.connect(), 5000);
  });
});

socket.onAny(onEnvelope);
window.addEventListener("offline", () => {
  if (!socket.connected) setConnection("offline", "this computer is offline.");
});

function cancelJoin() {
  sync.attempt += 1;
  sync.joining = false;
  sync.seq = null;
  sync.buffer = [];
  sync.pending.clear();
  clearTimeout(sync.gapTimer);
  sync.gapTimer = null;
}

function join() {
  if (!socket.connected || state.eventId == null) return;
  cancelJoin();
  const attempt = sync.attempt;
  const eventId = state.eventId;
  sync.joining = true;
  sync.lastJoinAt = Date.now();
  socket.timeout(JOIN_TIMEOUT_MS).emit("join", { event_id: eventId }, (error, ack) => {
    if (attempt !== sync.attempt || eventId !== state.eventId) return; // superseded
    if (error) {
      join(); // no answer in time: ask again
      return;
    }
    if (!ack || !ack.ok) {
      cancelJoin();
      const message = ack?.error?.message || "the server refused to join";
      setConnection(ack?.error?.code === "unauthorized" ? "offline" : "error",
        ack?.error?.code === "unauthorized" ? "Signed out." : `cannot watch this event (${message}).`);
      return;
    }
    onJoined(ack);
  });
}

function onJoined(ack) {
  sync.joins += 1;
  applySnapshot(ack.snapshot);
  sync.seq = ack.seq;
  sync.joining = false;
  const buffered = sync.buffer.sort((a, b) => a.seq - b.seq);
  sync.buffer = [];
  for (const envelope of buffered) {
    consume(envelope);
    if (sync.joining) break; // a gap started a fresh join
  }
  setConnection("live");
}

function rejoin(reason) {
  if (sync.joining || !socket.connected) return;
  console.info(`fieldops: re-joining (${reason})`);
  join();
}

function scheduleResync() {
  if (sync.resyncTimer) return;
  const wait = Math.max(300, sync.lastJoinAt + RESYNC_MIN_GAP_MS - Date.now());
  sync.resyncTimer = setTimeout(() => {
    sync.resyncTimer = null;
    rejoin("an officer we do not know yet");
  }, wait);
}

function onEnvelope(type, envelope) {
  if (!envelope || typeof envelope !== "object" || typeof envelope.seq !== "number") {
    if (type === "error") console.warn("fieldops: server error", envelope);
    return;
  }
  const eventId = envelope.data?.event_id;
  if (eventId != null && eventId !== state.eventId) return; // another event's stream
  if (sync.joining) {
    sync.buffer.push(envelope);
    return;
  }
  if (sync.seq === null) return;
  consume(envelope);
}

// Apply envelopes in seq order. One that arrives ahead of a missing seq waits a moment (with
// several servers, deliveries can cross); if the gap does not fill, re-join for a snapshot.
function consume(envelope) {
  if (envelope.seq <= sync.seq) return;
  if (envelope.seq > sync.seq + 1) {
    sync.pending.set(envelope.seq, envelope);
    if (sync.pending.size > 50) rejoin("too many envelopes missing");
    else if (!sync.gapTimer) sync.gapTimer = setTimeout(onGapTimeout, GAP_GRACE_MS);
    return;
  }
  applyEnvelope(envelope);
  sync.seq = envelope.seq;
  while (sync.pending.has(sync.seq + 1)) {
    const next = sync.pending.get(sync.seq + 1);
    sync.pending.delete(next.seq);
    applyEnvelope(next);
    sync.seq = next.seq;
  }
  if (!sync.pending.size && sync.gapTimer) {
    clearTimeout(sync.gapTimer);
    sync.gapTimer = null;
  }
}

function onGapTimeout() {
  sync.gapTimer = null;
  if (sync.pending.size) rejoin(`missed envelope ${sync.seq + 1}`);
}

// ---- events (which one is shown) -----------------------------------------------------------

function eventFromUrl() {
  const id = Number(new URLSearchParams(location.search).get("event"));
  return config.events.some((e) => e.id === id) ? id : null;
}

// The dispatcher's last choice; else the event with the most officers on shift; else the
// one running now; else the newest.
function defaultEvent() {
  const remembered = Number(localStorage.getItem(EVENT_KEY));
  if (config.events.some((e) => e.id === remembered)) return remembered;
  const now = Date.now();
  const running = (e) => parseTime(e.starts_at) <= now && now <= parseTime(e.ends_at);
  const ranked = [...config.events].sort((a, b) =>
    (b.on_shift || 0) - (a.on_shift || 0) || Number(running(b)) - Number(running(a)));
  return ranked[0]?.id ?? null;
}

function writeUrl(id, push) {
  const url = new URL(location.href);
  url.searchParams.set("event", String(id));
  history[push ? "pushState" : "replaceState"]({ event: id }, "", url);
}

function renderEventPicker() {
  const picker = $("#event-select");
  const name = $("#event-name");
  const event = config.events.find((e) => e.id === state.eventId);
  picker.hidden = config.events.length < 2;
  name.hidden = !picker.hidden;
  setText(name, event ? event.name : "No events yet");
  if (picker.hidden) return;
  if (!picker.options.length) {
    for (const e of config.events) {
      const shift = e.on_shift ? ` · ${e.on_shift} on shift` : "";
      picker.add(new Option(`${e.name} · ${formatDate(e.starts_at)}${shift}`, String(e.id)));
    }
  }
  picker.value = String(state.eventId);
}

function resetEvent() {
  for (const rec of [...state.officers.values()]) removeOfficer(rec);
  clearStatic();
  state.staticKey = "";
  state.fitted = false;
  state.lastUpdate = null;
  state.event = null;
  select(null);
  renderCourseLength(undefined);
  desk.reset();
  dirty.order = true;
  schedule();
}

function switchEvent(id, { push = true } = {}) {
  if (id === state.eventId) return;
  state.eventId = id;
  writeUrl(id, push);
  renderEventPicker();
  resetEvent();
  cancelJoin();
  if (socket.connected) socket.disconnect(); // leaves the old event's room
  setConnection("connecting");
  socket.connect();
}

function renderCourseLength(course) {
  const node = $("#course-length");
  node.classList.toggle("muted", !course);
  const school = state.event?.kind === "school";
  setText(node, course ? `Course ${course.length_label}` : course === null && !school ? "No course" : "");
}

// ---- page controls -------------------------------------------------------------------------

function bindControls() {
  for (const tile of document.querySelectorAll(".count")) {
    tile.addEventListener("click", () => setFilter(
      tile.dataset.filter === state.filter && state.filter !== "all" ? "all" : tile.dataset.filter,
    ));
  }
  $("#search").addEventListener("input", (e) => {
    state.search = e.target.value.trim().toLowerCase();
    refilter();
  });
  $("#sort").addEventListener("change", (e) => {
    state.sort = e.target.value;
    dirty.order = true;
    schedule();
  });
  $("#event-select").addEventListener("change", (e) => {
    localStorage.setItem(EVENT_KEY, e.target.value);
    switchEvent(Number(e.target.value));
  });
  window.addEventListener("popstate", () => {
    const id = eventFromUrl();
    if (id != null) switchEvent(id, { push: false });
  });
  list.el.addEventListener("scroll", () => {
    dirty.list = true;
    schedule();
  }, { passive: true });
  window.addEventListener("resize", () => {
    dirty.list = true;
    schedule();
  });
  $("#list-toggle").addEventListener("click", (e) => {
    const open = e.currentTarget.getAttribute("aria-expanded") !== "true";
    e.currentTarget.setAttribute("aria-expanded", String(open));
    list.el.hidden = !open;
    dirty.list = true;
    schedule();
  });
  $("#panel-toggle").addEventListener("click", (e) => {
    const hidden = $("#command").classList.toggle("panel-hidden");
    e.currentTarget.setAttribute("aria-pressed", String(hidden));
    map.invalidateSize();
  });
  $("#fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen?.();
  });
  $("#sign-out").addEventListener("click", async () => {
    const token = document.querySelector('meta[name="csrf-token"]')?.content || "";
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": token } })
      .catch(() => null);
    location.assign("/login");
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.selectedId != null) select(null);
    if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
      e.preventDefault();
      $("#search").focus();
    }
  });
}

// Once a second: age the markers ourselves between pushes, and refresh every "ago".
function tick() {
  const now = serverNow();
  for (const rec of state.officers.values()) {
    if (rec.look && isStale(rec, now) !== rec.look.stale) markDirty(rec);
  }
  updateVisibleAges(now);
  if (state.selectedId != null) {
    dirty.detail = true;
    schedule();
  }
  renderConnection();
  setText($("#clock"), formatClock(Date.now()));
  desk.tick();
}

// For tests and for people debugging at a command post: read-only views of what is drawn.
window.fieldopsCommand = Object.freeze({
  map,
  officer(id) {
    const rec = state.officers.get(id);
    if (!rec) return null;
    const marker = rec.marker;
    let point = null;
    if (marker && marker._map) {
      const p = map.latLngToContainerPoint(marker.getLatLng());
      const box = map.getContainer().getBoundingClientRect();
      point = { x: box.left + p.x, y: box.top + p.y };
    }
    const onMap = Boolean(marker && marker._map);
    const clustered = Boolean(onMap && marker.clustered);
    return { look: { ...rec.look }, onMap, clustered, point: clustered ? null : point, data: rec.data };
  },
  /** The post names the map found room for on its last redraw. */
  postLabels: () => [...state.postLabels],
  /** START, FINISH and the distance markers as drawn: [{text, point}] (page coordinates). */
  courseLabels() {
    const box = map.getContainer().getBoundingClientRect();
    return state.courseLabels.map(({ text, point }) => ({ text, point: { x: box.left + point.x, y: box.top + point.y } }));
  },
  /** The groups of quiet officers drawn now: [{count, byCategory, point}]. */
  groups() {
    const box = map.getContainer().getBoundingClientRect();
    return grouping.view.clusters.map((g) => {
      const p = map.latLngToContainerPoint([g.lat, g.lon]);
      return { count: g.count, byCategory: { ...g.byCategory }, point: { x: box.left + p.x, y: box.top + p.y } };
    });
  },
  layers() {
    return {
      course: courseLayer.getLayers().length,
      posts: postLayer.getLayers().length,
      officers: officerLayer.getLayers().length,
    };
  },
  seq: () => sync.seq,
  joins: () => sync.joins,
});

// Incidents, alarms and messages (js/desk/) see the map and the officers through this.
const desk = startDesk({
  map,
  serverNow,
  eventId: () => state.eventId,
  officer: (id) => state.officers.get(id)?.data ?? null,
  officers: () => [...state.officers.values()].map((rec) => rec.data),
  posts: () => state.posts,
  followOfficer(id) {
    select(id, { centre: true });
    state.follow = true;
    $('[data-action="follow"]', detail).setAttribute("aria-pressed", "true");
  },
  setHelpOfficers(ids) {
    const next = new Set(ids);
    if ([...next].join() === [...state.helpIds].join()) return;
    state.helpIds = next;
    grouping.dirty = true;
    regroup();
  },
  canAct: ["admin", "command"].includes(config.user.role),
});
deskMarks = desk;

function start() {
  renderer.addTo(map); // on the map from the start: it draws the course and post names too
  paintCountGlyphs();
  bindControls();
  state.eventId = eventFromUrl() ?? defaultEvent();
  renderEventPicker();
  renderCourseLength(undefined);
  tick();
  setInterval(tick, 1000);
  dirty.order = true;
  schedule();
  if (state.eventId == null) {
    setConnection("idle", "an admin has to create one first.");
    return;
  }
  writeUrl(state.eventId, false);
  socket.connect();
}

start();
